"""The outbox relay against real NATS and PostgreSQL: a batch is published with each event's id as Nats-Msg-Id
and the cursor moves past it; a batch that JetStream does not acknowledge stays unpublished, for the next pass;
relays running together publish each event once."""
from __future__ import annotations

import asyncio
import json

import nats
import pytest
from sqlalchemy import text

from services.registry.relay import publish_batch, run_relay
from services.runtime import bus
from services.runtime.bus import BatchPublisher
from services.runtime.metrics import OUTBOX_LAG
from tests.waiting import eventually


@pytest.fixture
async def nc(nats_url):
    nc = await nats.connect(nats_url)
    await bus.ensure_streams(nc.jetstream())
    yield nc
    await nc.close()


async def _add(engine, event_id: str, subject: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO outbox (id, subject, payload) VALUES (:id, :s, CAST(:p AS jsonb))"),
                           {"id": event_id, "s": subject, "p": json.dumps({"id": event_id, "type": subject})})


async def _unpublished(engine) -> list[str]:
    async with engine.connect() as conn:
        return list((await conn.scalars(text(
            "SELECT id FROM outbox WHERE seq > (SELECT published_seq FROM outbox_relay) ORDER BY seq"))))


async def test_a_batch_is_published_with_event_ids_and_marked(engine, nc):
    subject = "duban.registry.deadline.added"
    publisher = BatchPublisher(nc)
    sub = await nc.jetstream().subscribe(subject, ordered_consumer=True, deliver_policy=nats.js.api.DeliverPolicy.NEW)
    await _add(engine, "relay-test-1", subject)
    await _add(engine, "relay-test-2", subject)
    assert await publish_batch(engine, publisher) == 2
    received = [await sub.next_msg(timeout=10) for _ in range(2)]
    assert [m.headers["Nats-Msg-Id"] for m in received] == ["relay-test-1", "relay-test-2"]
    assert await _unpublished(engine) == []
    assert await publish_batch(engine, publisher) == 0
    await sub.unsubscribe()


async def test_a_batch_without_acknowledgement_stays_unpublished_and_holds_no_pending_publish(engine, nc):
    publisher = BatchPublisher(nc)
    # No stream takes this subject: JetStream answers "no responders" instead of an ack.
    await _add(engine, "relay-test-3", "duban.registry.deadline.added")
    await _add(engine, "relay-test-4", "duban.nowhere.event")
    try:
        with pytest.raises(nats.js.errors.NoStreamResponseError):
            await publish_batch(engine, publisher)
        assert await _unpublished(engine) == ["relay-test-3", "relay-test-4"]
        assert publisher._waiting == {}
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM outbox WHERE id = 'relay-test-4'"))
    assert await publish_batch(engine, publisher) == 1  # the good one goes out on the next pass
    assert await _unpublished(engine) == []


async def test_the_lag_gauge_counts_what_waits(engine, nc):
    """A queued event that cannot be published (no stream takes it) is what the relay's lag gauge shows."""
    await _add(engine, "relay-test-5", "duban.nowhere.event")
    stop = asyncio.Event()
    relay = asyncio.create_task(run_relay(engine, nc, stop, asyncio.Event(), idle_poll=0.05))
    try:
        async def shown() -> bool:
            return OUTBOX_LAG._value.get() == 1
        assert await eventually(shown)
    finally:
        stop.set()
        await asyncio.wait_for(relay, 5)
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM outbox WHERE id = 'relay-test-5'"))


async def test_relays_running_together_publish_each_event_once_in_order(engine, nc):
    subject = "duban.registry.deadline.added"
    ids = [f"relay-test-together-{i}" for i in range(7)]
    for event_id in ids:
        await _add(engine, event_id, subject)
    sub = await nc.jetstream().subscribe(subject, ordered_consumer=True, deliver_policy=nats.js.api.DeliverPolicy.NEW)
    publishers = [BatchPublisher(nc), BatchPublisher(nc)]

    async def drain(publisher) -> int:
        published = 0
        while await _unpublished(engine):
            published += await publish_batch(engine, publisher, batch=2)
        return published

    counts = await asyncio.gather(*(drain(p) for p in publishers))
    assert sum(counts) == len(ids)
    received = [await sub.next_msg(timeout=10) for _ in ids]
    assert [m.headers["Nats-Msg-Id"] for m in received] == ids
    with pytest.raises(nats.errors.TimeoutError):
        await sub.next_msg(timeout=0.5)
    await sub.unsubscribe()
