"""Digest batching: each `responsibility.assigned` event becomes a waiting item per concerned subscription; when
a (subscription, document version) has had no new item for a quiet period, its items become ONE digest delivery.

The registry writes a whole document version in one transaction and the relay publishes it in batches, so the
events of one document arrive within moments of each other. Items are snapshotted when their event arrives
(clause text, deadlines, targets), keyed by event id (a redelivered event adds nothing), and claimed with
FOR UPDATE SKIP LOCKED, so replicas never send the same digest twice.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.notify import subscriptions
from services.notify.deliveries import record, wants
from services.runtime.db import autocommit
from services.notify.digest import (EVENT_TYPE, DeadlineInfo, DigestItem, DocumentInfo, TargetInfo, build_digest,
                                    digest_data)

log = logging.getLogger("duban.notify.batching")

FLUSH_GROUPS = 100  # digests made per flush pass


async def clause_facts(conn: AsyncConnection, document_id: str, clause_path: str
                       ) -> tuple[tuple[DeadlineInfo, ...], tuple[TargetInfo, ...]]:
    """The clause's open deadlines and its targets, from the registry's current rows."""
    where = "FROM {t} x JOIN clauses c ON c.document_id = x.document_id AND c.ord = x.clause_ord " \
            "WHERE c.document_id = :doc AND c.path = :path"
    params = {"doc": document_id, "path": clause_path}
    deadlines = (await conn.execute(text(
        "SELECT x.text, x.date, x.kind " + where.format(t="deadlines") + " AND x.status = 'open' ORDER BY x.id"),
        params)).all()
    targets = (await conn.execute(text(
        "SELECT x.text, x.value, x.unit, x.op " + where.format(t="targets") + " ORDER BY x.id"), params)).all()
    return (tuple(DeadlineInfo(d.text, d.date.isoformat() if d.date else None, d.kind) for d in deadlines),
            tuple(TargetInfo(t.text, t.value, t.unit, t.op) for t in targets))


async def record_assignment(conn: AsyncConnection, event: dict, now: datetime) -> int:
    """Queue one assigned responsibility for every subscription it concerns; returns how many were queued.

    Nothing for a document no longer in force (a gazette of old, repealed or expired documents ingested for the
    record must not send units "new tasks" that are already void)."""
    resp, document = event["responsibility"], event["document"]
    concerned = [s for s in await subscriptions.matching(conn, [resp["unit_key"]]) if wants(s, EVENT_TYPE)]
    if not concerned:
        return 0
    status = await conn.scalar(text("SELECT status FROM documents WHERE id = :id"), {"id": document["id"]})
    if status is not None and status != "in_force":
        return 0
    deadlines, targets = await clause_facts(conn, document["id"], resp["clause_path"])
    item = DigestItem(resp["clause_path"], resp["clause_text"], resp["unit"], resp["role"], deadlines, targets)
    stored = {**item.to_json(), "document": document}
    queued = 0
    for subscription in concerned:
        result = await conn.execute(text(
            "INSERT INTO notify_digest_items (subscription_id, event_id, document_id, document_version, item, "
            "received_at) VALUES (:sub, :event, :doc, :version, CAST(:item AS jsonb), :now) "
            "ON CONFLICT DO NOTHING"),
            {"sub": subscription.id, "event": event["id"], "doc": document["id"],
             "version": document.get("version") or 0, "item": orjson.dumps(stored).decode(), "now": now})
        queued += result.rowcount
    return queued


async def flush_ready(engine: AsyncEngine, now: datetime, quiet: timedelta, web_base: str) -> int:
    """Turn every (subscription, document version) quiet since `now - quiet` into one digest; returns how many
    digest deliveries were recorded."""
    async with autocommit(engine).connect() as conn:
        groups = (await conn.execute(text(
            "SELECT subscription_id, document_id, document_version FROM notify_digest_items "
            "WHERE flushed_at IS NULL GROUP BY 1, 2, 3 HAVING max(received_at) <= :cutoff LIMIT :n"),
            {"cutoff": now - quiet, "n": FLUSH_GROUPS})).all()
    recorded = 0
    for group in groups:
        async with engine.begin() as conn:
            recorded += await _flush_group(conn, *group, now=now, web_base=web_base)
    return recorded


async def _flush_group(conn: AsyncConnection, subscription_id: int, document_id: str, version: int, *,
                       now: datetime, web_base: str) -> int:
    rows = (await conn.execute(text(
        "SELECT event_id, item FROM notify_digest_items WHERE subscription_id = :sub AND document_id = :doc "
        "AND document_version = :version AND flushed_at IS NULL FOR UPDATE SKIP LOCKED"),
        {"sub": subscription_id, "doc": document_id, "version": version})).all()
    subscription = await subscriptions.get(conn, subscription_id)
    if not rows or subscription is None:
        return 0  # another replica has it, or it was deleted
    event_ids = sorted(r.event_id for r in rows)
    doc = rows[0].item["document"]
    digest = build_digest(subscription.unit, DocumentInfo(doc["id"], doc.get("doc_number"), doc.get("title"),
                                                          doc.get("version") or 0),
                          (DigestItem.from_json(r.item) for r in rows))
    batch = hashlib.sha256("|".join(event_ids).encode()).hexdigest()[:16]
    ids = await record(conn, subscription, EVENT_TYPE, digest_data(digest, web_base),
                       f"digest|{subscription_id}|{document_id}|{version}|{batch}", now)
    await conn.execute(text(
        "UPDATE notify_digest_items SET flushed_at = :now WHERE subscription_id = :sub AND event_id = ANY(:events)"),
        {"now": now, "sub": subscription_id, "events": event_ids})
    log.info("digest recorded", extra={"subscription": subscription_id, "document": document_id,
                                       "items": len(digest.items), "deliveries": len(ids)})
    return len(ids)
