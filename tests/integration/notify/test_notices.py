"""Single notices from real registry events: a moved deadline, and a repealed document."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from services.notify import subscriptions
from services.notify.notices import (record_deadline_added, record_deadline_changed, record_document_repealed,
                                    record_responsibility_removed)
from services.notify.render import render_email
from services.notify.subscriptions import SubscriptionSpec
from services.registry.store import store_extraction
from tests.integration.notify.conftest import clause, work_plan

pytestmark = pytest.mark.usefixtures("empty_notify_tables")
BASE = "http://web.example"


async def _events(engine, subject, doc_number):
    async with engine.connect() as conn:
        rows = await conn.execute(text(
            "SELECT payload FROM outbox WHERE subject = :s AND payload->'document'->>'doc_number' = :n ORDER BY seq"),
            {"s": subject, "n": doc_number})
        return [r.payload for r in rows]


async def _notices(engine, sub_id, event_type):
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT payload FROM notify_deliveries WHERE subscription_id = :s "
                                       "AND event_type = :t ORDER BY seq"), {"s": sub_id, "t": event_type})
        return [r.payload["data"] for r in rows]


async def _subscribe(engine, directory, clock, unit):
    async with engine.begin() as conn:
        return await subscriptions.create(conn, SubscriptionSpec(unit=unit, email="x@example.gov.cn"), directory,
                                          clock.now())


async def test_moved_deadline_is_announced_once(engine, directory, clock):
    sub = await _subscribe(engine, directory, clock, "市数据局")
    await store_extraction(engine, directory, doc_id="1" * 64, extractor_version="1.0.0", source_file="a.txt",
                           documents=[work_plan("衢政办发〔2026〕51号")])
    moved = work_plan("衢政办发〔2026〕51号")
    moved["clauses"][0]["deadlines"] = [{"text": "7月底前", "date": "2026-07-31", "kind": "due"}]
    await store_extraction(engine, directory, doc_id="2" * 64, extractor_version="1.0.0", source_file="a.txt",
                           documents=[moved])
    events = await _events(engine, "duban.registry.deadline.changed", "衢政办发〔2026〕51号")
    assert events
    async with engine.begin() as conn:
        for event in events + events:  # a redelivered event adds nothing
            await record_deadline_changed(conn, event, clock.now(), BASE)
    notices = await _notices(engine, sub.id, "deadline.changed")
    assert len(notices) == len(events)
    removed = [n for n in notices if n["deadline"]["status"] == "removed"]
    assert removed and removed[0]["previous"]["date"] == "2026-06-30" and removed[0]["clause_path"] == "1"
    content = render_email("deadline.changed", removed[0])
    assert "已取消" in content.subject and "衢政办发〔2026〕51号" in content.text


async def test_repealed_document_is_announced_to_units_with_tasks(engine, directory, clock):
    data_bureau = await _subscribe(engine, directory, clock, "市数据局")
    bystander = await _subscribe(engine, directory, clock, "市卫生健康委")
    await store_extraction(engine, directory, doc_id="3" * 64, extractor_version="1.0.0", source_file="b.txt",
                           documents=[work_plan("衢政办发〔2026〕52号")])
    repealing = work_plan("衢政办发〔2026〕53号", clauses=[clause("1", "本通知自印发之日起施行。")],
                          relations=[{"type": "repeals", "doc_number": "衢政办发〔2026〕52号",
                                      "effective_date": "2026-05-01"}])
    await store_extraction(engine, directory, doc_id="4" * 64, extractor_version="1.0.0", source_file="c.txt",
                           documents=[repealing])
    [event] = await _events(engine, "duban.registry.document.repealed", "衢政办发〔2026〕52号")
    async with engine.begin() as conn:
        assert await record_document_repealed(conn, event, clock.now(), BASE) == 1
        assert await record_document_repealed(conn, event, clock.now(), BASE) == 0
    [notice] = await _notices(engine, data_bureau.id, "document.repealed")
    assert notice["tasks"] == 2 and notice["repealed_by"]["doc_number"] == "衢政办发〔2026〕53号"
    assert notice["cancelled_deadlines"] == event["cancelled_deadlines"] > 0
    assert await _notices(engine, bystander.id, "document.repealed") == []
    content = render_email("document.repealed", notice)
    assert "已被废止" in content.subject and "2项任务" in content.text


async def test_new_version_announces_added_deadlines_and_removed_tasks(engine, directory, clock):
    """Version 2 gives clause 4 a deadline (市财政局 already leads it) and takes clause 2 from 市数据局."""
    finance = await _subscribe(engine, directory, clock, "市财政局")
    data_bureau = await _subscribe(engine, directory, clock, "市数据局")
    await store_extraction(engine, directory, doc_id="5" * 64, extractor_version="1.0.0", source_file="d.txt",
                           documents=[work_plan("衢政办发〔2026〕54号")])
    first_added = await _events(engine, "duban.registry.deadline.added", "衢政办发〔2026〕54号")
    assert first_added and all(e["known_unit_keys"] == [] for e in first_added)  # v1: the digests carry them

    revised = work_plan("衢政办发〔2026〕54号")
    revised["clauses"][3]["deadlines"] = [{"text": "10月底前", "date": "2026-10-31", "kind": "due"}]
    revised["clauses"][1]["units"] = [{"name": "市卫生健康委", "role": "responsible"}]
    await store_extraction(engine, directory, doc_id="6" * 64, extractor_version="1.0.0", source_file="d.txt",
                           documents=[revised])
    [added] = [e for e in await _events(engine, "duban.registry.deadline.added", "衢政办发〔2026〕54号")
               if e["document"]["version"] == 2]
    [removed] = [e for e in await _events(engine, "duban.registry.responsibility.removed", "衢政办发〔2026〕54号")
                 if e["responsibility"]["unit"] == "市数据局"]
    async with engine.begin() as conn:
        for _ in range(2):  # a redelivered event adds nothing
            await record_deadline_added(conn, added, clock.now(), BASE)
            await record_responsibility_removed(conn, removed, clock.now(), BASE)
        for event in first_added:
            assert await record_deadline_added(conn, event, clock.now(), BASE) == 0

    [deadline_notice] = await _notices(engine, finance.id, "deadline.changed")
    assert (deadline_notice["clause_path"], deadline_notice["deadline"]["date"]) == ("4", "2026-10-31")
    assert deadline_notice["previous"]["status"] == "added"
    assert await _notices(engine, data_bureau.id, "deadline.changed") == []
    [removal] = await _notices(engine, data_bureau.id, "responsibility.removed")
    assert (removal["clause_path"], removal["role_label"]) == ("2", "责任单位")
    assert await _notices(engine, finance.id, "responsibility.removed") == []
    assert "新增" in render_email("deadline.changed", deadline_notice).subject
    content = render_email("responsibility.removed", removal)
    assert "任务已撤销" in content.subject and "第2条" in content.text and "衢政办发〔2026〕54号" in content.text
