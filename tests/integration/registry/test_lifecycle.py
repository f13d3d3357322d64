"""Repeals that take effect later: the repealed document stays in force, its deadlines open, until the day; then
the lifecycle job repeals it once, whichever document arrived first."""
from __future__ import annotations

from datetime import date

from sqlalchemy import text

from services.registry.lifecycle import apply_due_changes, apply_due_relations
from services.registry.store import store_extraction
from tests.integration.registry.conftest import work_plan

STORED_ON = date(2026, 11, 23)
EFFECTIVE = "2027-01-01"


async def _store(engine, directory, document, doc_id, today=STORED_ON):
    [stored] = await store_extraction(engine, directory, doc_id=doc_id, extractor_version="1.0.0",
                                      source_file="plan.txt", documents=[document], today=today)
    return stored


async def _state(engine, document_id):
    async with engine.connect() as conn:
        status, by = (await conn.execute(text("SELECT status, status_changed_by FROM documents WHERE id = :id"),
                                         {"id": document_id})).one()
        open_deadlines = await conn.scalar(text(
            "SELECT count(*) FROM deadlines WHERE document_id = :id AND status = 'open'"), {"id": document_id})
        repealed_events = await conn.scalar(text(
            "SELECT count(*) FROM outbox WHERE subject = 'duban.registry.document.repealed' "
            "AND payload->'document'->>'id' = :id"), {"id": document_id})
    return status, by, open_deadlines, repealed_events


def _repealing(number, target, effective=EFFECTIVE):
    return work_plan(number, relations=[{"type": "repeals", "doc_number": target, "effective_date": effective}])


async def test_repeal_effective_later_waits_for_its_day(engine, directory):
    old = await _store(engine, directory, work_plan("衢政发〔2021〕31号"), "a1" * 32)
    await _store(engine, directory, _repealing("衢政发〔2026〕31号", "衢政发〔2021〕31号"), "a2" * 32)
    assert await _state(engine, old.document_id) == ("in_force", None, 3, 0)

    assert await apply_due_relations(engine, date(2026, 12, 31)) == 0  # the day before
    assert await _state(engine, old.document_id) == ("in_force", None, 3, 0)

    assert await apply_due_relations(engine, date(2027, 1, 1)) == 1
    assert await _state(engine, old.document_id) == ("repealed", "衢政发〔2026〕31号", 0, 1)
    assert await apply_due_relations(engine, date(2027, 1, 2)) == 0  # once only


async def test_document_arriving_before_its_later_repeal_takes_effect(engine, directory):
    await _store(engine, directory, _repealing("衢政发〔2026〕32号", "衢政发〔2021〕32号"), "b1" * 32)
    late = await _store(engine, directory, work_plan("衢政发〔2021〕32号"), "b2" * 32)
    assert (await _state(engine, late.document_id))[0] == "in_force"
    assert await apply_due_relations(engine, date(2027, 1, 1)) == 1
    assert (await _state(engine, late.document_id))[:3] == ("repealed", "衢政发〔2026〕32号", 0)


async def test_document_arriving_after_its_repeal_took_effect_is_stored_repealed(engine, directory):
    await _store(engine, directory, _repealing("衢政发〔2026〕33号", "衢政发〔2021〕33号"), "c1" * 32)
    late = await _store(engine, directory, work_plan("衢政发〔2021〕33号"), "c2" * 32, today=date(2027, 3, 1))
    assert (await _state(engine, late.document_id))[:3] == ("repealed", "衢政发〔2026〕33号", 0)


async def test_repeal_effective_today_or_without_date_applies_at_once(engine, directory):
    for index, effective in enumerate((STORED_ON.isoformat(), None)):
        old = await _store(engine, directory, work_plan(f"衢政发〔2021〕4{index}号"), f"d{index}" * 32)
        await _store(engine, directory, _repealing(f"衢政发〔2026〕4{index}号", f"衢政发〔2021〕4{index}号", effective),
                     f"e{index}" * 32)
        assert (await _state(engine, old.document_id))[:3] == ("repealed", f"衢政发〔2026〕4{index}号", 0)


async def test_document_expires_the_day_after_its_validity_ends(engine, directory):
    plan = {**work_plan("衢政发〔2026〕50号"), "expiry_date": "2026-12-31"}
    stored = await _store(engine, directory, plan, "f1" * 32)
    assert await apply_due_changes(engine, date(2026, 12, 31)) == 0  # still valid on its last day
    assert (await _state(engine, stored.document_id))[:3] == ("in_force", None, 3)

    assert await apply_due_changes(engine, date(2027, 1, 1)) == 1
    assert (await _state(engine, stored.document_id))[:3] == ("expired", None, 0)
    async with engine.connect() as conn:
        payload = await conn.scalar(text(
            "SELECT payload FROM outbox WHERE subject = 'duban.registry.document.expired' "
            "AND payload->'document'->>'id' = :id"), {"id": stored.document_id})
    assert payload["expiry_date"] == "2026-12-31" and payload["cancelled_deadlines"] == 3
    assert await apply_due_changes(engine, date(2027, 1, 2)) == 0  # once only


async def test_document_whose_validity_ended_before_it_arrived_is_stored_expired(engine, directory):
    plan = {**work_plan("衢政发〔2019〕51号"), "expiry_date": "2021-12-31"}
    stored = await _store(engine, directory, plan, "f2" * 32)
    assert (await _state(engine, stored.document_id))[:3] == ("expired", None, 0)
    assert await apply_due_changes(engine, STORED_ON) == 0
