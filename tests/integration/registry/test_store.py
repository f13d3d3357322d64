"""Writes: idempotency, versions with diff events, repeal, submissions."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from services.registry import submissions
from services.registry.store import ExtractedFile, MalformedExtraction, store_extraction, store_extractions
from services.runtime.db import open_statement_pool
from tests.integration.registry.conftest import clause, work_plan

TRACE_A = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


async def _store(engine, directory, documents, doc_id="f" * 64, extractor="1.0.0"):
    return await store_extraction(engine, directory, doc_id=doc_id, extractor_version=extractor,
                                  source_file="plan.txt", documents=documents)


async def _counts(engine):
    async with engine.connect() as conn:
        return {t: await conn.scalar(text(f"SELECT count(*) FROM {t}"))
                for t in ("documents", "document_versions", "clauses", "responsibilities", "deadlines", "targets",
                          "outbox")}


async def _outbox(engine, document_id=None):
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT subject, payload FROM outbox ORDER BY seq"))
        return [(s, p) for s, p in rows if document_id is None or p["document"]["id"] == document_id]


async def test_same_extraction_twice_changes_nothing(engine, directory):
    [first] = await _store(engine, directory, [work_plan("衢政办发〔2024〕1号")], doc_id="a" * 64)
    before = await _counts(engine)
    [again] = await _store(engine, directory, [work_plan("衢政办发〔2024〕1号")], doc_id="a" * 64)
    assert first.changed and first.version == 1 and first.events > 0
    assert not again.changed and again.version == 1 and again.events == 0
    assert await _counts(engine) == before


async def test_first_version_assigns_every_unit_with_resolved_keys(engine, directory):
    [stored] = await _store(engine, directory, [work_plan("衢政办发〔2024〕2号")], doc_id="b" * 64)
    events = await _outbox(engine, stored.document_id)
    assigned = {(p["responsibility"]["clause_path"], p["responsibility"]["unit_key"], p["responsibility"]["role"])
                for s, p in events if s == "duban.registry.responsibility.assigned"}
    assert assigned == {("1", "衢州市发展和改革委员会", "lead"), ("1", "衢州市财政局", "support"),
                        ("2", "衢州市民政局", "responsible"), ("3", "各县（市、区）政府", "responsible")}
    added = sorted(p["deadline"]["date"] for s, p in events if s == "duban.registry.deadline.added")
    assert added == ["2024-09-30", "2024-10-31", "2024-12-31"]


async def test_new_content_is_a_new_version_with_diff_events(engine, directory):
    number = "衢政办发〔2024〕3号"
    [v1] = await _store(engine, directory, [work_plan(number)], doc_id="c" * 64)
    changed = work_plan(number)
    changed["clauses"][0]["units"] = [{"name": "市发改委", "role": "lead"}, {"name": "市经信局", "role": "support"}]
    changed["clauses"][1]["deadlines"] = [{"text": "11月底前", "date": "2024-11-30", "kind": "due"}]
    [v2] = await _store(engine, directory, [changed], doc_id="d" * 64)
    assert (v1.document_id, v2.version, v2.changed) == (v2.document_id, 2, True)
    new_events = [(s, p) for s, p in await _outbox(engine, v2.document_id) if p["document"]["version"] == 2]
    summary = sorted((s.rsplit(".", 2)[-2] + "." + s.rsplit(".", 1)[-1],
                      p.get("responsibility", {}).get("unit_key") or p["deadline"]["text"]) for s, p in new_events)
    assert summary == [("deadline.added", "11月底前"), ("deadline.changed", "年底前"),
                       ("responsibility.assigned", "衢州市经济和信息化局"),
                       ("responsibility.removed", "衢州市财政局")]
    async with engine.connect() as conn:
        versions = (await conn.execute(text("SELECT version FROM document_versions WHERE document_id = :id "
                                            "ORDER BY version"), {"id": v2.document_id})).scalars().all()
        units = (await conn.execute(text("SELECT unit_key FROM responsibilities WHERE document_id = :id "
                                         "ORDER BY unit_key"), {"id": v2.document_id})).scalars().all()
    assert versions == [1, 2]
    assert "衢州市财政局" not in units and "衢州市经济和信息化局" in units


async def test_newer_extractor_is_a_version_older_one_is_ignored(engine, directory):
    number = "衢政办发〔2024〕4号"
    await _store(engine, directory, [work_plan(number)], doc_id="e" * 64, extractor="1.2.0")
    [newer] = await _store(engine, directory, [work_plan(number)], doc_id="e" * 64, extractor="1.10.0")
    [older] = await _store(engine, directory, [work_plan(number)], doc_id="e" * 64, extractor="1.9.0")
    assert (newer.changed, newer.version, newer.events) == (True, 2, 0)  # same facts: no events
    assert (older.changed, older.version) == (False, 2)


async def test_repeal_marks_repealed_and_cancels_open_deadlines(engine, directory):
    old_number, new_number = "衢政发〔2020〕5号", "衢政发〔2024〕5号"
    [old] = await _store(engine, directory, [work_plan(old_number)], doc_id="1" * 64)
    repealing = work_plan(new_number, relations=[
        {"type": "repeals", "doc_number": old_number, "effective_date": "2024-04-01"}])
    await _store(engine, directory, [repealing], doc_id="2" * 64)
    async with engine.connect() as conn:
        status, by = (await conn.execute(text("SELECT status, status_changed_by FROM documents WHERE id = :id"),
                                         {"id": old.document_id})).one()
        deadline_states = set((await conn.execute(text("SELECT status FROM deadlines WHERE document_id = :id"),
                                                  {"id": old.document_id})).scalars())
    assert (status, by, deadline_states) == ("repealed", new_number, {"cancelled"})
    [payload] = [p for s, p in await _outbox(engine, old.document_id)
                 if s == "duban.registry.document.repealed"]
    assert payload["repealed_by"]["doc_number"] == new_number and payload["cancelled_deadlines"] == 3


async def test_document_arriving_after_its_repeal_is_stored_repealed(engine, directory):
    target = "衢政发〔2019〕6号"
    await _store(engine, directory, [work_plan("衢政发〔2024〕6号", relations=[
        {"type": "repeals", "doc_number": target, "effective_date": None}])], doc_id="3" * 64)
    [late] = await _store(engine, directory, [work_plan(target)], doc_id="4" * 64)
    async with engine.connect() as conn:
        status = await conn.scalar(text("SELECT status FROM documents WHERE id = :id"), {"id": late.document_id})
        open_deadlines = await conn.scalar(text("SELECT count(*) FROM deadlines WHERE document_id = :id "
                                                "AND status = 'open'"), {"id": late.document_id})
    assert (status, open_deadlines) == ("repealed", 0)


@pytest.fixture
async def pool(registry_url):
    pool = await open_statement_pool(registry_url, size=1)
    yield pool
    await pool.close()


async def test_submission_states(engine, pool, directory):
    doc_id = "5" * 64
    assert await submissions.record_received(pool, doc_id=doc_id, filename="a.pdf", media_type="application/pdf",
                                             size=10) is None  # new
    assert (await submissions.get_status(engine, doc_id)).state == "received"
    await _store(engine, directory, [work_plan("衢政办发〔2024〕7号")], doc_id=doc_id)
    status = await submissions.get_status(engine, doc_id)
    assert (status.state, status.doc_numbers, status.filename) == ("registered", ["衢政办发〔2024〕7号"], "a.pdf")
    assert await submissions.record_received(pool, doc_id=doc_id, filename="b.pdf", media_type="",
                                             size=10) == "registered"
    assert (await submissions.get_status(engine, doc_id)).filename == "a.pdf"  # a registered file is left as is
    await submissions.mark_failed(engine, doc_id, "could not read")
    assert await submissions.record_received(pool, doc_id=doc_id, filename="a.pdf", media_type="",
                                             size=10) == "failed"
    assert (await submissions.get_status(engine, doc_id)).state == "received"
    assert await submissions.get_status(engine, "0" * 64) is None


async def test_document_without_number_gets_a_stable_id(engine, directory):
    plan = work_plan(None, clauses=[clause("1", "开展专项整治行动。", units=[("市公安局", "lead")])])
    [first] = await _store(engine, directory, [plan], doc_id="6" * 64)
    [again] = await _store(engine, directory, [json.loads(json.dumps(plan))], doc_id="6" * 64)
    assert first.document_id == again.document_id and not again.changed


async def test_files_stored_together_get_what_one_at_a_time_gives(engine, directory):
    """The registry consumer stores a fetched batch in one transaction. New documents go in together; a new
    version, a repeal and an unchanged document inside the same batch keep their one-by-one meaning."""
    old = "衢政发〔2018〕8号"
    [old_stored] = await _store(engine, directory, [work_plan(old)], doc_id="7" * 64)
    revised = work_plan("衢政办发〔2025〕11号")
    revised["clauses"][0]["units"] = [{"name": "市经信局", "role": "lead"}]
    unnumbered = work_plan(None, clauses=[clause("1", "开展专项整治行动。", units=[("市公安局", "lead")])])
    files = [ExtractedFile("a1" * 32, "1.0.0", "a.txt", [work_plan("衢政办发〔2025〕11号")], traceparent=TRACE_A),
             ExtractedFile("b1" * 32, "1.0.0", "b.txt", [work_plan("衢政办发〔2025〕12号"), unnumbered]),
             ExtractedFile("c1" * 32, "1.0.0", "c.txt", [work_plan("衢政发〔2025〕8号", relations=[
                 {"type": "repeals", "doc_number": old, "effective_date": None}])]),
             ExtractedFile("7" * 64, "1.0.0", "plan.txt", [work_plan(old)]),
             ExtractedFile("d1" * 32, "1.0.0", "d.txt", [revised])]
    stored = await store_extractions(engine, directory, files)

    assert [[(d.doc_number, d.version, d.changed) for d in file_stored] for file_stored in stored] == [
        [("衢政办发〔2025〕11号", 1, True)], [("衢政办发〔2025〕12号", 1, True), (None, 1, True)],
        [("衢政发〔2025〕8号", 1, True)], [(old, 1, False)], [("衢政办发〔2025〕11号", 2, True)]]
    async with engine.connect() as conn:
        statuses = dict((await conn.execute(text(
            "SELECT coalesce(doc_number, '-'), status FROM documents WHERE source_doc_id = ANY(:ids)"),
            {"ids": [f.doc_id for f in files]})).all())
        leads = set((await conn.execute(text(
            "SELECT r.unit_key FROM responsibilities r JOIN documents d ON d.id = r.document_id "
            "WHERE d.doc_number = '衢政办发〔2025〕11号' AND r.clause_ord = 0"))).scalars())
        traces = set((await conn.execute(text(
            "SELECT o.traceparent FROM outbox o WHERE o.payload->'document'->>'doc_number' = '衢政办发〔2025〕11号' "
            "AND o.payload->'document'->>'version' = '1'"))).scalars())
    assert statuses == {old: "repealed", "衢政办发〔2025〕11号": "in_force", "衢政办发〔2025〕12号": "in_force",
                        "衢政发〔2025〕8号": "in_force", "-": "in_force"}
    assert leads == {"衢州市经济和信息化局"}  # the later file of the batch is the current version
    assert traces == {TRACE_A}  # each file's events continue its own trace
    [repealed] = [p for s, p in await _outbox(engine, old_stored.document_id) if s.endswith("document.repealed")]
    assert repealed["repealed_by"]["doc_number"] == "衢政发〔2025〕8号"
    for f in files:
        assert (await submissions.get_status(engine, f.doc_id)).state == "registered"


async def test_a_batch_with_a_malformed_document_stores_nothing(engine, directory):
    before = await _counts(engine)
    broken = work_plan("衢政办发〔2025〕14号")
    broken["clauses"][0]["units"] = [{"name": "市发改委", "role": "boss"}]
    files = [ExtractedFile("e1" * 32, "1.0.0", "e.txt", [work_plan("衢政办发〔2025〕13号")]),
             ExtractedFile("f1" * 32, "1.0.0", "f.txt", [broken])]
    with pytest.raises(MalformedExtraction, match="unknown role"):
        await store_extractions(engine, directory, files)
    assert await _counts(engine) == before
    assert await submissions.get_status(engine, "e1" * 32) is None
