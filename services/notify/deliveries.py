"""Deliveries: every message is recorded (PostgreSQL) before it is sent, then sent by a dispatcher that retries on
the Standard Webhooks schedule with jitter.

A claim moves `next_attempt_at` forward by a lease instead of holding a lock while sending, so a process that
dies mid-send leaves the row to be claimed again when the lease ends, and it is resent with the same id (the
`webhook-id`): receivers deduplicate. Claims use FOR UPDATE SKIP LOCKED, so several replicas share the work.
"""
from __future__ import annotations

import asyncio
import json
import logging
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.notify.clock import Clock
from services.notify.subscriptions import Subscription, get_subscriptions
from services.runtime.db import autocommit, sql
from services.runtime.metrics import DELIVERIES
from services.runtime.shutdown import pause

log = logging.getLogger("duban.notify.deliveries")

# Seconds before each attempt: the first at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (the spec's).
RETRY_SCHEDULE: tuple[float, ...] = (0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
JITTER = 0.1  # ± fraction of each delay, so endpoints that failed together are not retried together
LEASE = timedelta(minutes=2)  # longer than any send's timeout
CHANNELS = ("webhook", "email")


def retry_delay(attempts_made: int, schedule: Sequence[float] = RETRY_SCHEDULE,
                rng: random.Random | None = None) -> float | None:
    """Seconds to wait before the next attempt after `attempts_made` failed ones; None when retries are spent."""
    if attempts_made >= len(schedule):
        return None
    base = schedule[attempts_made]
    return base * (1 + (rng or random).uniform(-JITTER, JITTER))


def new_delivery_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def envelope(event_type: str, timestamp: datetime, data: dict) -> dict:
    """The Standard Webhooks body: {type, timestamp, data}."""
    return {"type": event_type, "timestamp": timestamp.isoformat(), "data": data}


def body_bytes(payload: Mapping) -> bytes:
    """Canonical JSON (sorted keys), so every attempt sends the very same bytes."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def wants(subscription: Subscription, event_type: str) -> bool:
    return not subscription.event_types or event_type in subscription.event_types


@dataclass(frozen=True)
class Outgoing:
    """A message to record for a subscription; `key` makes it once only."""
    subscription: Subscription
    event_type: str
    data: dict
    key: str


async def record(conn: AsyncConnection, subscription: Subscription, event_type: str, data: dict, key: str,
                 now: datetime) -> list[str]:
    """Record one delivery per channel of the subscription (in the caller's transaction); `key` makes it once
    only: a second call with the same key records nothing. Returns the new delivery ids."""
    return await record_many(conn, [Outgoing(subscription, event_type, data, key)], now)


async def record_many(conn: AsyncConnection, outgoing: Sequence[Outgoing], now: datetime) -> list[str]:
    """`record` for many messages in one statement (a flush of many digests costs one round trip, not one
    each). Returns the ids of the deliveries recorded, in order; those already recorded under their key are
    left out."""
    rows = []
    for o in outgoing:
        payload = json.dumps(envelope(o.event_type, now, o.data), ensure_ascii=False)
        rows += [(new_delivery_id(), f"{o.key}|{channel}", o.subscription.id, channel, o.event_type, payload)
                 for channel in o.subscription.channels()]
    if not rows:
        return []
    ids, keys, subscription_ids, channels, event_types, payloads = map(list, zip(*rows))
    inserted = set((await conn.execute(sql(
        "INSERT INTO notify_deliveries (id, dedupe_key, subscription_id, channel, event_type, payload, "
        "next_attempt_at, created_at) SELECT id, key, sub, channel, type, CAST(payload AS jsonb), :now, :now "
        "FROM unnest(CAST(:ids AS text[]), CAST(:keys AS text[]), CAST(:subs AS bigint[]), CAST(:channels AS text[]), "
        "CAST(:types AS text[]), CAST(:payloads AS text[])) WITH ORDINALITY "
        "AS u(id, key, sub, channel, type, payload, n) ORDER BY n "
        "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"),
        {"ids": ids, "keys": keys, "subs": subscription_ids, "channels": channels, "types": event_types,
         "payloads": payloads, "now": now})).scalars())
    return [i for i in ids if i in inserted]


@dataclass(frozen=True)
class ClaimedDelivery:
    id: str
    subscription_id: int
    channel: str
    event_type: str
    payload: dict
    attempts: int  # including the one about to be made


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str | None = None
    status_code: int | None = None
    permanent: bool = False  # retrying cannot help (refused by the allow-list, 410 Gone, …)
    disable_webhook: bool = False  # the endpoint said 410 Gone


class Sender(Protocol):
    async def send(self, delivery: ClaimedDelivery, subscription: Subscription) -> SendResult: ...


async def claim_due(engine: AsyncEngine, now: datetime, limit: int, lease: timedelta = LEASE
                    ) -> list[ClaimedDelivery]:
    async with engine.begin() as conn:
        rows = (await conn.execute(sql(
            "WITH due AS (SELECT id FROM notify_deliveries WHERE status = 'pending' AND next_attempt_at <= :now "
            "ORDER BY next_attempt_at LIMIT :n FOR UPDATE SKIP LOCKED) "
            "UPDATE notify_deliveries d SET attempts = d.attempts + 1, next_attempt_at = :lease FROM due "
            "WHERE d.id = due.id RETURNING d.id, d.subscription_id, d.channel, d.event_type, d.payload, d.attempts"),
            {"now": now, "n": limit, "lease": now + lease})).all()
    return [ClaimedDelivery(r.id, r.subscription_id, r.channel, r.event_type, r.payload, r.attempts) for r in rows]


def _outcome_row(delivery: ClaimedDelivery, result: SendResult, now: datetime, schedule: Sequence[float],
                 rng: random.Random | None) -> dict:
    delay = None if result.ok or result.permanent else retry_delay(delivery.attempts, schedule, rng)
    status = "delivered" if result.ok else ("pending" if delay is not None else "failed")
    return {"id": delivery.id, "status": status, "error": result.error, "code": result.status_code,
            "next": now + timedelta(seconds=delay or 0), "delivered": now if result.ok else None}


async def finish(engine: AsyncEngine, outcomes: Sequence[tuple[ClaimedDelivery, SendResult]], now: datetime,
                 schedule: Sequence[float], rng: random.Random | None) -> list[str]:
    """Store the outcomes of a batch of attempts in one transaction; returns each delivery's new status."""
    rows = [_outcome_row(d, r, now, schedule, rng) for d, r in outcomes]
    gone = [{"id": d.subscription_id, "why": r.error, "now": now} for d, r in outcomes if r.disable_webhook]
    async with engine.begin() as conn:
        await conn.execute(sql(
            "UPDATE notify_deliveries SET status = :status, last_error = :error, last_status_code = :code, "
            "next_attempt_at = :next, delivered_at = :delivered WHERE id = :id"), rows)
        if gone:
            await conn.execute(sql(
                "UPDATE notify_subscriptions SET webhook_disabled_reason = :why, updated_at = :now WHERE id = :id"),
                gone)
    for (delivery, result), row in zip(outcomes, rows):
        DELIVERIES.labels(delivery.channel, {"pending": "retry"}.get(row["status"], row["status"])).inc()
        log.info("delivery attempt", extra={"delivery": delivery.id, "channel": delivery.channel,
                                            "attempt": delivery.attempts, "status": row["status"],
                                            "error": result.error})
    return [row["status"] for row in rows]


class Dispatcher:
    """Sends due deliveries through their channel's sender."""

    def __init__(self, engine: AsyncEngine, senders: Mapping[str, Sender], clock: Clock, *,
                 schedule: Sequence[float] = RETRY_SCHEDULE, rng: random.Random | None = None,
                 batch: int = 32, lease: timedelta = LEASE) -> None:
        self.engine, self.senders, self.clock = engine, senders, clock
        self.schedule, self.rng, self.batch, self.lease = schedule, rng, batch, lease

    async def run_once(self) -> int:
        """Attempt every delivery due now (one batch); returns how many were attempted."""
        claimed = await claim_due(self.engine, self.clock.now(), self.batch, self.lease)
        if not claimed:
            return 0
        async with autocommit(self.engine).connect() as conn:
            subscriptions = await get_subscriptions(conn, {d.subscription_id for d in claimed})
        live = [d for d in claimed if d.subscription_id in subscriptions]  # the rest were deleted, rows and all
        results = await asyncio.gather(*(self._attempt(d, subscriptions[d.subscription_id]) for d in live))
        if live:
            await finish(self.engine, list(zip(live, results)), self.clock.now(), self.schedule, self.rng)
        return len(claimed)

    async def _attempt(self, delivery: ClaimedDelivery, subscription: Subscription) -> SendResult:
        sender = self.senders.get(delivery.channel)
        if sender is None:
            result = SendResult(False, f"no {delivery.channel} channel is configured", permanent=True)
        elif delivery.channel == "webhook" and subscription.webhook_disabled_reason:
            result = SendResult(False, f"webhook disabled: {subscription.webhook_disabled_reason}", permanent=True)
        else:
            try:
                result = await sender.send(delivery, subscription)
            except Exception as exc:  # a sender bug must not stop the others; the attempt counts as failed
                log.exception("sender failed", extra={"delivery": delivery.id})
                result = SendResult(False, f"{type(exc).__name__}: {exc}")
        return result

    async def run(self, stop: asyncio.Event, wake: asyncio.Event, idle_poll: float = 1.0, workers: int = 4) -> None:
        """Dispatch until `stop`, in `workers` independent loops, so one slow endpoint holds up one batch, not
        all sending."""
        await asyncio.gather(*(self._work(stop, wake, idle_poll) for _ in range(workers)))

    async def _work(self, stop: asyncio.Event, wake: asyncio.Event, idle_poll: float) -> None:
        while not stop.is_set():
            try:
                attempted = await self.run_once()
            except Exception as exc:  # PostgreSQL away: try again shortly
                log.warning("dispatch failed; will retry", extra={"error": str(exc)})
                attempted = 0
            if not attempted:
                await pause(stop, idle_poll, wake)
