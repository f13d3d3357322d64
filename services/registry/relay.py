"""Outbox relay: publish the outbox events queued in outbox_pending to NATS (Nats-Msg-Id = event id), taking
them off the queue.

Safe with several replicas: each batch is claimed with FOR UPDATE SKIP LOCKED, and a crash between publish and
commit republishes with the same Nats-Msg-Id, which JetStream's duplicate window drops.
"""
from __future__ import annotations

import asyncio
import logging
import time

from nats.aio.client import Client
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.runtime.bus import BatchPublisher
from services.runtime.db import autocommit
from services.runtime.metrics import OUTBOX_LAG
from services.runtime.shutdown import pause

log = logging.getLogger("duban.registry.relay")

BATCH = 200
# Seconds between counts of the queue for the lag gauge: a count reads the whole queue, dead rows and all.
LAG_EVERY = 5.0
PUBLISH_TIMEOUT = 5.0  # seconds for the batch's acks (nats-py's own request timeout)


async def publish_batch(engine: AsyncEngine, publisher: BatchPublisher, batch: int = BATCH) -> int:
    """Publish one batch of the oldest unpublished events; returns how many were published."""
    async with engine.begin() as conn:
        # Taken off the queue in the transaction that publishes them: if publishing fails, the rollback puts
        # them back; another relay skips them meanwhile.
        rows = (await conn.execute(text(
            # (ARRAY(…): the seqs are looked up by index; a join to the CTE could be planned as a scan of outbox)
            "WITH claimed AS (DELETE FROM outbox_pending WHERE seq = ANY(ARRAY(SELECT seq FROM outbox_pending "
            "ORDER BY seq LIMIT :n FOR UPDATE SKIP LOCKED)) RETURNING seq) "
            "SELECT o.id, o.subject, o.payload::text, o.traceparent FROM outbox o "
            "WHERE o.seq = ANY(ARRAY(SELECT seq FROM claimed)) ORDER BY o.seq"), {"n": batch})).all()
        if not rows:
            return 0
        # Acks in flight together: one round trip per batch instead of per event.
        await publisher.publish([(subject, payload.encode(), _headers(event_id, traceparent))
                                 for event_id, subject, payload, traceparent in rows], PUBLISH_TIMEOUT)
    return len(rows)


def _headers(event_id: str, traceparent: str | None) -> dict[str, str]:
    headers = {"Nats-Msg-Id": event_id}
    if traceparent:
        headers["traceparent"] = traceparent
    return headers


async def outbox_lag(engine: AsyncEngine) -> int:
    async with autocommit(engine).connect() as conn:
        return await conn.scalar(text("SELECT count(*) FROM outbox_pending"))


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
