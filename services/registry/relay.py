"""Outbox relay: publish the outbox's events in seq order to NATS (Nats-Msg-Id = event id), moving the cursor
`outbox_relay.published_seq` past them in the transaction that publishes them.

Writers append to the outbox under a lock held until commit, so seq order is commit order: a relay that follows
seq never passes over an event that commits later. Safe with several replicas: the cursor row is taken with
FOR UPDATE SKIP LOCKED, so one relay publishes at a time and the others wait for their next pass; a crash between
publish and commit republishes with the same Nats-Msg-Id, which JetStream's duplicate window drops.
"""
from __future__ import annotations

import asyncio
import logging
import time

from nats.aio.client import Client
from sqlalchemy.ext.asyncio import AsyncEngine

from services.runtime.bus import BatchPublisher
from services.runtime.db import autocommit, sql
from services.runtime.metrics import OUTBOX_LAG
from services.runtime.shutdown import pause

log = logging.getLogger("duban.registry.relay")

# Events per transaction: one relay publishes at a time, so a batch must keep up with every writer's events.
BATCH = 1000
# Seconds between counts of the unpublished events for the lag gauge.
LAG_EVERY = 5.0
PUBLISH_TIMEOUT = 5.0  # seconds for the batch's acks (nats-py's own request timeout)


async def publish_batch(engine: AsyncEngine, publisher: BatchPublisher, batch: int = BATCH) -> int:
    """Publish the next batch of unpublished events; returns how many were published (0 as well when another
    relay holds the cursor)."""
    async with engine.begin() as conn:
        published_seq = await conn.scalar(sql("SELECT published_seq FROM outbox_relay FOR UPDATE SKIP LOCKED"))
        if published_seq is None:
            return 0
        rows = (await conn.execute(sql(
            "SELECT seq, id, subject, payload::text, traceparent FROM outbox WHERE seq > :after ORDER BY seq "
            "LIMIT :n"), {"after": published_seq, "n": batch})).all()
        if not rows:
            return 0
        # Acks in flight together: one round trip per batch instead of per event. If publishing fails, the
        # rollback leaves the cursor where it was.
        await publisher.publish([(subject, payload.encode(), _headers(event_id, traceparent))
                                 for _, event_id, subject, payload, traceparent in rows], PUBLISH_TIMEOUT)
        await conn.execute(sql("UPDATE outbox_relay SET published_seq = :seq"), {"seq": rows[-1].seq})
    return len(rows)


def _headers(event_id: str, traceparent: str | None) -> dict[str, str]:
    headers = {"Nats-Msg-Id": event_id}
    if traceparent:
        headers["traceparent"] = traceparent
    return headers


async def outbox_lag(engine: AsyncEngine) -> int:
    async with autocommit(engine).connect() as conn:
        return await conn.scalar(sql(
            "SELECT count(*) FROM outbox WHERE seq > (SELECT published_seq FROM outbox_relay)"))


async def run_relay(engine: AsyncEngine, nc: Client, stop: asyncio.Event, wake: asyncio.Event,
                    idle_poll: float = 0.5) -> None:
    """Publish until `stop`; sleeps `idle_poll` seconds when idle unless `wake` is set (a local write)."""
    publisher = BatchPublisher(nc)
    lag_counted = -LAG_EVERY
    while not stop.is_set():
        try:
            if time.monotonic() - lag_counted >= LAG_EVERY:  # first, so it grows while publishing fails
                OUTBOX_LAG.set(await outbox_lag(engine))
                lag_counted = time.monotonic()
            published = await publish_batch(engine, publisher)
        except Exception as exc:  # noqa: BLE001 (NATS or PostgreSQL away: rows stay unpublished; retry)
            log.warning("outbox relay failed; will retry", extra={"error": str(exc)})
            published = 0
        if not published:
            await pause(stop, idle_poll, wake)
