"""Deadline reminders: at each of a subscription's offsets (default 30, 7, 3, 1 days before, the day itself and
the day after), one message per open deadline of the unit's tasks, with its traffic light.

Exactly once each, with any number of notify replicas: a pass locks one subscription at a time with
FOR UPDATE SKIP LOCKED (replicas share the subscriptions), and a reminder is recorded under a unique
(subscription, deadline, offset) key in the same transaction as its delivery. Deadlines of repealed or expired
documents and cancelled deadlines get none. Time comes from an injectable clock.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.notify import subscriptions
from services.notify.clock import Clock
from services.notify.deliveries import record, wants
from services.notify.digest import ROLE_LABELS
from services.notify.subscriptions import Subscription
from services.registry.store import ROLE_NAMES
from services.runtime.calendar import local_day
from services.runtime.metrics import OVERDUE_DEADLINES, REMINDERS_SENT
from services.runtime.shutdown import pause
from services.web.status import LIGHT_LABELS, traffic_light
from services.web.urls import document_url, unit_url

log = logging.getLogger("duban.notify.reminders")

EVENT_TYPE = "deadline.reminder"
REMINDED_KINDS = ("due", "milestone", "period")  # a task's deadlines; not a document's effective/expiry dates
MAX_LATE_DAYS = 60  # a reminder missed by more than this (notify was down) is not sent any more


def due_offset(due: date, today: date, offsets: Sequence[int]) -> int | None:
    """The offset whose reminder is due today: the most recent one reached (so after a gap only the latest
    reminder goes out, not every missed one); None before the first."""
    days_left = (due - today).days
    reached = [o for o in offsets if o >= days_left and days_left - o >= -MAX_LATE_DAYS]
    return min(reached) if reached else None


def deadline_key(document_id: str, clause_path: str, deadline_text: str, when: date) -> str:
    """Stable across document versions (the registry's row ids are not); a moved date is a new deadline."""
    raw = f"{document_id}|{clause_path}|{deadline_text}|{when.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def reminder_data(subscription: Subscription, row, today: date, offset: int, web_base: str) -> dict:
    ref = row.doc_number or row.document_id
    light = traffic_light(row.date, today)
    return {
        "unit": subscription.unit, "unit_url": unit_url(web_base, subscription.unit),
        "document": {"id": row.document_id, "doc_number": row.doc_number, "title": row.title,
                     "version": row.version, "url": document_url(web_base, ref)},
        "clause_path": row.path, "clause_text": row.clause_text,
        "deadline": {"text": row.text, "date": row.date.isoformat(), "kind": row.kind},
        "days_left": (row.date - today).days, "offset_days": offset, "status": light,
        "status_label": LIGHT_LABELS[light],
        "responsibilities": [{"unit": unit, "role": ROLE_NAMES.get(role, str(role)),
                              "role_label": ROLE_LABELS.get(ROLE_NAMES.get(role, ""), "")}
                             for unit, role in zip(row.units, row.roles)],
        "url": document_url(web_base, ref, row.path),
    }


_CANDIDATES = text(
    "SELECT d.document_id, c.path, c.text AS clause_text, d.text, d.date, d.kind, doc.doc_number, doc.title, "
    "doc.version, array_agg(r.unit_name ORDER BY r.id) AS units, array_agg(r.role ORDER BY r.id) AS roles "
    "FROM deadlines d "
    "JOIN documents doc ON doc.id = d.document_id AND doc.status = 'in_force' "
    "JOIN clauses c ON c.document_id = d.document_id AND c.ord = d.clause_ord "
    "JOIN responsibilities r ON r.document_id = d.document_id AND r.clause_ord = d.clause_ord "
    "  AND r.status = 'active' AND r.unit_key = ANY(:keys) "
    "WHERE d.status = 'open' AND d.kind = ANY(:kinds) AND d.date BETWEEN :earliest AND :latest "
    "GROUP BY d.id, d.document_id, c.path, c.text, d.text, d.date, d.kind, doc.doc_number, doc.title, doc.version")


async def remind_subscription(conn: AsyncConnection, subscription: Subscription, now: datetime,
                              web_base: str) -> int:
    """Record the reminders due today for one subscription (caller's transaction); returns how many."""
    if not wants(subscription, EVENT_TYPE) or not subscription.reminder_offsets:
        return 0
    today = local_day(now)
    offsets = subscription.reminder_offsets
    rows = (await conn.execute(_CANDIDATES, {
        "keys": list(subscription.match_keys), "kinds": list(REMINDED_KINDS),
        "earliest": today - timedelta(days=MAX_LATE_DAYS - min(offsets)),
        "latest": today + timedelta(days=max(offsets))})).all()
    sent = 0
    for row in rows:
        offset = due_offset(row.date, today, offsets)
        if offset is None:
            continue
        key = deadline_key(row.document_id, row.path, row.text, row.date)
        claimed = (await conn.execute(text(
            "INSERT INTO notify_reminders (subscription_id, deadline_key, offset_days, delivery_key, sent_at) "
            "VALUES (:sub, :key, :offset, :dkey, :now) ON CONFLICT DO NOTHING RETURNING offset_days"),
            {"sub": subscription.id, "key": key, "offset": offset, "now": now,
             "dkey": f"reminder|{subscription.id}|{key}|{offset}"})).first()
        if claimed is None:
            continue  # already sent (here or by another replica)
        await record(conn, subscription, EVENT_TYPE, reminder_data(subscription, row, today, offset, web_base),
                     f"reminder|{subscription.id}|{key}|{offset}", now)
        sent += 1
    return sent


async def count_overdue(conn: AsyncConnection, today: date) -> int:
    return await conn.scalar(text(
        "SELECT count(*) FROM deadlines d JOIN documents doc ON doc.id = d.document_id AND doc.status = 'in_force' "
        "WHERE d.status = 'open' AND d.kind = ANY(:kinds) AND d.date < :today"),
        {"kinds": list(REMINDED_KINDS), "today": today})


class ReminderScheduler:
    def __init__(self, engine: AsyncEngine, clock: Clock, web_base: str) -> None:
        self.engine, self.clock, self.web_base = engine, clock, web_base

    async def run_once(self) -> int:
        """One pass over every subscription not being handled by another replica; returns reminders recorded."""
        now = self.clock.now()
        sent, after = 0, 0
        while True:
            async with self.engine.begin() as conn:
                row = (await conn.execute(text(
                    "SELECT id FROM notify_subscriptions WHERE id > :after ORDER BY id LIMIT 1 "
                    "FOR UPDATE SKIP LOCKED"), {"after": after})).first()
                if row is None:
                    break
                after = row.id
                subscription = await subscriptions.get(conn, row.id)
                sent += await remind_subscription(conn, subscription, now, self.web_base)
        async with self.engine.connect() as conn:
            OVERDUE_DEADLINES.set(await count_overdue(conn, local_day(now)))
        REMINDERS_SENT.inc(sent)
        if sent:
            log.info("reminders recorded", extra={"count": sent})
        return sent

    async def run(self, stop: asyncio.Event, interval: float, on_sent) -> None:
        """A pass every `interval` seconds; `on_sent()` after a pass that recorded any."""
        while not stop.is_set():
            try:
                if await self.run_once():
                    on_sent()
            except Exception as exc:  # PostgreSQL away: the next pass catches up (reminders are keyed)
                log.warning("reminder pass failed", extra={"error": str(exc)})
            await pause(stop, interval)
