"""Two notify replicas side by side (each with its own reminder scheduler, dispatcher and database pool, sharing
PostgreSQL and NATS) send every deadline reminder exactly once to the subscriber's webhook."""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

import pytest

from services.notify import subscriptions
from services.notify.clock import ManualClock
from services.notify.component import NotifyComponent
from services.notify.subscriptions import SubscriptionSpec
from services.registry.store import store_extraction
from services.registry.units import load_directory
from services.runtime.db import make_engine
from tests.fault.conftest import fresh_database, running
from tests.integration.notify.conftest import receiver, work_plan  # noqa: F401  (receiver is a fixture)

pytestmark = pytest.mark.fault
CHINA = timezone(timedelta(hours=8))
UNITS = ("市数据局", "市财政局")  # both named in the plan's clause 1, due 2026-06-30
SUBSCRIPTIONS_PER_UNIT = 3


def replica(clock: ManualClock) -> NotifyComponent:
    return NotifyComponent(clock=clock, reminder_interval=0.05, dispatch_poll=0.05, digest_quiet=0.2)


async def until(condition, timeout: float) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)


async def test_two_replicas_send_each_reminder_once(nats, database_url, receiver):  # noqa: F811
    url = await fresh_database(database_url, "replicas")
    directory = load_directory()
    clock = ManualClock(datetime(2026, 6, 23, 9, tzinfo=CHINA))  # 7 days before the due date
    engine = make_engine(url, pool_size=2)
    try:
        await store_extraction(engine, directory, doc_id="a" * 64, extractor_version="1.0.0",
                               source_file="plan.txt", documents=[work_plan("衢政办发〔2026〕61号")])
        async with engine.begin() as conn:
            for unit in UNITS * SUBSCRIPTIONS_PER_UNIT:
                await subscriptions.create(conn, SubscriptionSpec(unit=unit, webhook_url=receiver.url,
                                                                  reminder_offsets=(7, 3)), directory, clock.now())
    finally:
        await engine.dispose()
    expected = len(UNITS) * SUBSCRIPTIONS_PER_UNIT

    async with running(nats.url, url, (replica(clock),)), running(nats.url, url, (replica(clock),)):
        await until(lambda: len(receiver.received) >= expected, timeout=15)
        await asyncio.sleep(1)  # time for a duplicate to show up, if any
        clock.set(datetime(2026, 6, 27, 9, tzinfo=CHINA))  # the 3-day reminder
        await until(lambda: len(receiver.received) >= 2 * expected, timeout=15)
        await asyncio.sleep(1)

    bodies = [json.loads(r.body) for r in receiver.received]
    assert {b["type"] for b in bodies} == {"deadline.reminder"}
    offsets = sorted(b["data"]["offset_days"] for b in bodies)
    assert offsets == [3] * expected + [7] * expected
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 2 * expected
