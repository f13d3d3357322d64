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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.notify import subscriptions
from services.notify.deliveries import Outgoing, record_many, wants
from services.notify.digest import (EVENT_TYPE, DeadlineInfo, DigestItem, DocumentInfo, TargetInfo, build_digest,
                                    digest_data)
from services.runtime.db import autocommit, sql
from services.runtime.metrics import DIGESTS_GIVEN_UP
from services.runtime.unavailable import is_unavailable

log = logging.getLogger("duban.notify.batching")

FLUSH_GROUPS = 100  # digests made per flush pass
DIGEST_ATTEMPTS = 5  # tries to make one digest before its items are given up
ClauseFacts = tuple[tuple[DeadlineInfo, ...], tuple[TargetInfo, ...]]  # open deadlines, targets


async def clause_facts(conn: AsyncConnection, clauses: Iterable[tuple[str, str]]
                       ) -> dict[tuple[str, str], ClauseFacts]:
    """Each (document id, clause path)'s open deadlines and its targets, from the registry's current rows: two
    reads for any number of clauses."""
    unique = set(clauses)
    if not unique:
        return {}
    documents, paths = map(list, zip(*unique))
    source = ("FROM {t} x JOIN clauses c ON c.document_id = x.document_id AND c.ord = x.clause_ord "
              "JOIN unnest(CAST(:docs AS text[]), CAST(:paths AS text[])) AS w(doc, path) "
              "ON c.document_id = w.doc AND c.path = w.path")
    params = {"docs": documents, "paths": paths}
    deadlines, targets = defaultdict(list), defaultdict(list)
    for d in await conn.execute(sql("SELECT c.document_id, c.path, x.text, x.date, x.kind "
                                     + source.format(t="deadlines") + " WHERE x.status = 'open' ORDER BY x.id"),
                                params):
        deadlines[d.document_id, d.path].append(DeadlineInfo(d.text, d.date.isoformat() if d.date else None, d.kind))
    for t in await conn.execute(sql("SELECT c.document_id, c.path, x.text, x.value, x.unit, x.op "
                                     + source.format(t="targets") + " ORDER BY x.id"), params):
        targets[t.document_id, t.path].append(TargetInfo(t.text, t.value, t.unit, t.op))
    return {clause: (tuple(deadlines[clause]), tuple(targets[clause])) for clause in zip(documents, paths)}


def queueable(event) -> bool:
    """An assignment event with every field `record_assignments` reads."""
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        return False
    resp, document = event.get("responsibility"), event.get("document")
    return (isinstance(resp, dict) and isinstance(document, dict) and isinstance(document.get("id"), str)
            and all(isinstance(resp.get(f), str) for f in ("unit_key", "clause_path", "clause_text", "unit", "role")))


async def record_assignments(conn: AsyncConnection, events: Sequence[dict], now: datetime) -> int:
    """Queue assigned responsibilities, each for every subscription it concerns, in the caller's transaction and
    in five statements however many events there are; returns how many items were queued (a redelivered event
    adds nothing).

    Nothing for a document no longer in force (a gazette of old, repealed or expired documents ingested for the
    record must not send units "new tasks" that are already void)."""
    keys = list({e["responsibility"]["unit_key"] for e in events})
    wanting = [s for s in await subscriptions.matching(conn, keys) if wants(s, EVENT_TYPE)] if keys else []
    concerned = [(e, [s for s in wanting if e["responsibility"]["unit_key"] in s.match_keys]) for e in events]
    concerned = [(e, subs) for e, subs in concerned if subs]
    if not concerned:
        return 0
    void = set((await conn.execute(sql(
        "SELECT id FROM documents WHERE id = ANY(:ids) AND status <> 'in_force'"),
        {"ids": list({e["document"]["id"] for e, _ in concerned})})).scalars())
    concerned = [(e, subs) for e, subs in concerned if e["document"]["id"] not in void]
    if not concerned:
        return 0
    facts = await clause_facts(conn, [(e["document"]["id"], e["responsibility"]["clause_path"]) for e, _ in concerned])
    rows = []
    for event, subs in concerned:
        resp, document = event["responsibility"], event["document"]
        item = DigestItem(resp["clause_path"], resp["clause_text"], resp["unit"], resp["role"],
                          *facts[document["id"], resp["clause_path"]])
        stored = orjson.dumps({**item.to_json(), "document": document}).decode()
        rows += [(s.id, event["id"], document["id"], document.get("version") or 0, stored) for s in subs]
    subscription_ids, event_ids, document_ids, versions, items = map(list, zip(*rows))
    result = await conn.execute(sql(
        "INSERT INTO notify_digest_items (subscription_id, event_id, document_id, document_version, item, "
        "received_at) SELECT sub, event, doc, version, CAST(item AS jsonb), :now FROM unnest(CAST(:subs AS bigint[]), "
        "CAST(:events AS text[]), CAST(:docs AS text[]), CAST(:versions AS integer[]), CAST(:items AS text[])) "
        "AS u(sub, event, doc, version, item) ON CONFLICT DO NOTHING"),
        {"subs": subscription_ids, "events": event_ids, "docs": document_ids, "versions": versions,
         "items": items, "now": now})
    return result.rowcount


async def flush_ready(engine: AsyncEngine, now: datetime, quiet: timedelta, web_base: str) -> int:
    """Turn every (subscription, document version) quiet since `now - quiet` into one digest; returns how many
    digest deliveries were recorded.

    All the pass's digests are made in one transaction. Should that fail for anything but an outage, they are
    made one by one, so a digest that cannot be made holds up only itself; it is tried again later, a few times
    (`_set_back`)."""
    async with autocommit(engine).connect() as conn:
        groups = (await conn.execute(sql(
            "SELECT subscription_id, document_id, document_version FROM notify_digest_items "
            "WHERE flushed_at IS NULL GROUP BY 1, 2, 3 HAVING max(received_at) <= :cutoff LIMIT :n"),
            {"cutoff": now - quiet, "n": FLUSH_GROUPS})).all()
    if not groups:
        return 0
    if len(groups) > 1:
        try:
            async with engine.begin() as conn:
                return await _flush_groups(conn, groups, now=now, web_base=web_base)
        except Exception as exc:
            if is_unavailable(exc):
                raise
            log.warning("digests not made together; making them one by one", extra={"error": repr(exc)})
    recorded = 0
    for group in groups:
        try:
            async with engine.begin() as conn:
                recorded += await _flush_groups(conn, [group], now=now, web_base=web_base)
        except Exception as exc:
            if is_unavailable(exc):
                raise
            await _set_back(engine, group, now, quiet, exc)
    return recorded


async def _set_back(engine: AsyncEngine, group: tuple[int, str, int], now: datetime, quiet: timedelta,
                    error: Exception) -> None:
    """A group whose digest could not be made waits twice as long each time (its items count as received later)
    and is given up after DIGEST_ATTEMPTS: its items are marked flushed with the error kept, so that it stops
    taking a place in every pass. An outage never gets here: the items wait for the database."""
    subscription_id, document_id, version = group
    async with engine.begin() as conn:
        attempts = max((await conn.execute(sql(
            "UPDATE notify_digest_items SET attempts = attempts + 1, last_error = :error, "
            "received_at = CAST(:now AS timestamptz) + make_interval(secs => CAST(:quiet AS double precision) "
            "* 2 ^ (attempts + 1)), flushed_at = CASE WHEN attempts + 1 >= :limit THEN CAST(:now AS timestamptz) END "
            "WHERE subscription_id = :sub AND document_id = :doc AND document_version = :version "
            "AND flushed_at IS NULL RETURNING attempts"),
            {"error": repr(error), "now": now, "quiet": quiet.total_seconds(), "limit": DIGEST_ATTEMPTS,
             "sub": subscription_id, "doc": document_id, "version": version})).scalars(), default=0)
    where = {"subscription": subscription_id, "document": document_id, "version": version, "attempts": attempts}
    if attempts >= DIGEST_ATTEMPTS:
        DIGESTS_GIVEN_UP.inc()
        log.error("digest given up; its items are kept with the error", extra=where, exc_info=error)
    else:
        log.warning("digest not made; trying it again later", extra=where, exc_info=error)


async def _flush_groups(conn: AsyncConnection, groups: Sequence[tuple[int, str, int]], *, now: datetime,
                        web_base: str) -> int:
    """Claim the waiting items of each (subscription, document id, version) group, record one digest delivery
    per group and mark its items flushed; returns the deliveries recorded. Items another replica holds are
    skipped: it makes their digest."""
    subscription_ids, document_ids, versions = map(list, zip(*groups))
    rows = (await conn.execute(sql(
        "SELECT i.subscription_id, i.document_id, i.document_version, i.event_id, i.item FROM notify_digest_items i "
        "JOIN unnest(CAST(:subs AS bigint[]), CAST(:docs AS text[]), CAST(:versions AS integer[])) AS g(sub, doc, "
        "version) ON i.subscription_id = g.sub AND i.document_id = g.doc AND i.document_version = g.version "
        "WHERE i.flushed_at IS NULL FOR UPDATE OF i SKIP LOCKED"),
        {"subs": subscription_ids, "docs": document_ids, "versions": versions})).all()
    if not rows:
        return 0
    waiting = defaultdict(list)
    for row in rows:
        waiting[row.subscription_id, row.document_id, row.document_version].append(row)
    found = await subscriptions.get_subscriptions(conn, {sub for sub, _, _ in waiting})
    outgoing, flushed = [], []
    for (subscription_id, document_id, version), items in waiting.items():
        subscription = found.get(subscription_id)
        if subscription is None:
            continue  # deleted since (its items go with it)
        event_ids = sorted(r.event_id for r in items)
        doc = items[0].item["document"]
        digest = build_digest(subscription.unit, DocumentInfo(doc["id"], doc.get("doc_number"), doc.get("title"),
                                                              doc.get("version") or 0),
                              (DigestItem.from_json(r.item) for r in items))
        batch = hashlib.sha256("|".join(event_ids).encode()).hexdigest()[:16]
        outgoing.append(Outgoing(subscription, EVENT_TYPE, digest_data(digest, web_base),
                                 f"digest|{subscription_id}|{document_id}|{version}|{batch}"))
        flushed += [(subscription_id, event_id) for event_id in event_ids]
    ids = await record_many(conn, outgoing, now)
    if flushed:
        flushed_subs, flushed_events = map(list, zip(*flushed))
        await conn.execute(sql(
            "UPDATE notify_digest_items i SET flushed_at = :now, last_error = NULL FROM unnest(CAST(:subs AS bigint[]), "
            "CAST(:events AS text[])) AS f(sub, event) WHERE i.subscription_id = f.sub AND i.event_id = f.event"),
            {"now": now, "subs": flushed_subs, "events": flushed_events})
    log.info("digests recorded", extra={"digests": len(outgoing), "items": len(flushed), "deliveries": len(ids)})
    return len(ids)
