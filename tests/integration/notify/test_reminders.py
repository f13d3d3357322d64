"""Deadline reminders over real registry rows: each offset once (also with several schedulers at once), the
traffic light, groups, and none for repealed documents or cancelled deadlines. The clock is moved, not waited for."""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from services.notify import subscriptions
from services.notify.reminders import ReminderScheduler
from services.notify.subscriptions import SubscriptionSpec
from services.registry.store import store_extraction
from tests.integration.notify.conftest import clause, work_plan

pytestmark = pytest.mark.usefixtures("empty_notify_tables")
CHINA = timezone(timedelta(hours=8))


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=CHINA)


async def _subscribe(engine, directory, clock, unit, **kw):
    async with engine.begin() as conn:
        return await subscriptions.create(
            conn, SubscriptionSpec(unit=unit, webhook_url="http://127.0.0.1:9/hook", **kw), directory, clock.now())


async def _reminders(engine, subscription_id):
    async with engine.connect() as conn:
        rows = await conn.execute(text(
            "SELECT payload FROM notify_deliveries WHERE subscription_id = :s AND event_type = 'deadline.reminder' "
            "ORDER BY seq"), {"s": subscription_id})
        return [r.payload["data"] for r in rows]


@pytest.fixture(scope="module")
async def plan(engine, directory):
    await store_extraction(engine, directory, doc_id="d" * 64, extractor_version="1.0.0", source_file="plan.txt",
                           documents=[work_plan("衢政办发〔2026〕81号")])


async def test_each_offset_once_with_its_light(engine, directory, clock, plan):
    sub = await _subscribe(engine, directory, clock, "市数据局")
    scheduler = ReminderScheduler(engine, clock, "http://web.example")
    expected = [("2026-05-30", None), ("2026-05-31", (30, "green")), ("2026-06-10", None),
                ("2026-06-23", (7, "yellow")), ("2026-06-27", (3, "red")), ("2026-06-29", (1, "red")),
                ("2026-06-30", (0, "red")), ("2026-07-01", (-1, "overdue")), ("2026-07-02", None)]
    seen = []
    for day, want in expected:
        clock.set(at(day))
        sent = await scheduler.run_once()
        assert await scheduler.run_once() == 0  # a second pass the same day sends nothing
        got = [(r["offset_days"], r["status"]) for r in (await _reminders(engine, sub.id))[len(seen):]]
        assert got == ([want] if want else []), day
        assert sent == len(got)
        seen += got
    [overdue] = [r for r in await _reminders(engine, sub.id) if r["offset_days"] == -1]
    assert overdue["clause_path"] == "1" and overdue["days_left"] == -1 and overdue["status_label"] == "已逾期"
    assert overdue["deadline"] == {"text": "6月底前", "date": "2026-06-30", "kind": "due"}
    assert {"unit": "市数据局", "role": "lead", "role_label": "牵头单位"} in overdue["responsibilities"]


async def test_several_schedulers_send_each_reminder_once(engine, directory, clock, plan):
    subs = [await _subscribe(engine, directory, clock, "市数据局") for _ in range(6)]
    clock.set(at("2026-06-23"))
    schedulers = [ReminderScheduler(engine, clock, "http://web.example") for _ in range(4)]
    counts = await asyncio.gather(*(s.run_once() for s in schedulers))
    assert sum(counts) == len(subs)
    for sub in subs:
        assert [r["offset_days"] for r in await _reminders(engine, sub.id)] == [7]


async def test_group_member_is_reminded_of_group_tasks(engine, directory, clock, plan):
    sub = await _subscribe(engine, directory, clock, "江山市人民政府", reminder_offsets=(7,))
    clock.set(at("2026-09-23"))
    await ReminderScheduler(engine, clock, "http://web.example").run_once()
    [reminder] = await _reminders(engine, sub.id)
    assert reminder["clause_path"] == "3" and reminder["responsibilities"][0]["unit"] == "各县（市、区）政府"


async def test_opted_out_subscription_gets_no_reminders(engine, directory, clock, plan):
    sub = await _subscribe(engine, directory, clock, "市数据局", event_types=("responsibility.assigned",))
    clock.set(at("2026-06-23"))
    await ReminderScheduler(engine, clock, "http://web.example").run_once()
    assert await _reminders(engine, sub.id) == []


async def test_none_for_repealed_documents_or_cancelled_deadlines(engine, directory, clock):
    old = work_plan("衢政办发〔2026〕71号", clauses=[
        clause("1", "开展营商环境专项评估，8月底前完成。", units=[("市发改委", "lead")],
               deadlines=[("8月底前", "2026-08-31", "due")])])
    kept = work_plan("衢政办发〔2026〕72号", clauses=[
        clause("1", "编制年度投资计划，8月底前报送。", units=[("市发改委", "lead")],
               deadlines=[("8月底前", "2026-08-31", "due")])])
    await store_extraction(engine, directory, doc_id="e" * 64, extractor_version="1.0.0", source_file="a.txt",
                           documents=[old, kept])
    sub = await _subscribe(engine, directory, clock, "市发改委", reminder_offsets=(7,))
    repealing = work_plan("衢政办发〔2026〕73号", clauses=[clause("1", "本通知自印发之日起施行。")],
                          relations=[{"type": "repeals", "doc_number": "衢政办发〔2026〕71号",
                                      "effective_date": "2026-07-01"}])
    await store_extraction(engine, directory, doc_id="f" * 64, extractor_version="1.0.0", source_file="b.txt",
                           documents=[repealing])
    async with engine.begin() as conn:
        await conn.execute(text(
            "UPDATE deadlines d SET status = 'cancelled' FROM documents doc WHERE doc.id = d.document_id "
            "AND doc.doc_number = '衢政办发〔2026〕72号'"))
    clock.set(at("2026-08-25"))
    await ReminderScheduler(engine, clock, "http://web.example").run_once()
    assert await _reminders(engine, sub.id) == []
    async with engine.begin() as conn:  # the same deadline, open again: now it is reminded
        await conn.execute(text(
            "UPDATE deadlines d SET status = 'open' FROM documents doc WHERE doc.id = d.document_id "
            "AND doc.doc_number = '衢政办发〔2026〕72号'"))
    await ReminderScheduler(engine, clock, "http://web.example").run_once()
    assert [json.dumps(r["document"]["doc_number"], ensure_ascii=False) for r in await _reminders(engine, sub.id)] \
        == ['"衢政办发〔2026〕72号"']
