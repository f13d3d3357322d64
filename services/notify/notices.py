"""Single notices, sent as each registry event arrives (no batching: such events are few and each stands alone):
a deadline moved, dropped or added by a new version (`deadline.changed`), a task a new version takes away from a
unit (`responsibility.removed`), and a document repealed or expired by another (`document.repealed`, whose open
deadlines the registry has cancelled, so reminders for them stop)."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notify import subscriptions
from services.notify.deliveries import record, wants
from services.notify.digest import ROLE_LABELS
from services.web.urls import document_url, unit_url

DEADLINE_CHANGED = "deadline.changed"
DOCUMENT_REPEALED = "document.repealed"
RESPONSIBILITY_REMOVED = "responsibility.removed"


def _document(document: dict, web_base: str) -> dict:
    return {**document, "url": document_url(web_base, document.get("doc_number") or document["id"])}


async def record_deadline_changed(conn: AsyncConnection, event: dict, now, web_base: str) -> int:
    """One notice per subscription concerned by the deadline's units; returns deliveries recorded."""
    return await _deadline_notices(conn, event, event["deadline"].get("unit_keys") or [],
                                   event.get("previous") or {}, now, web_base)


async def record_deadline_added(conn: AsyncConnection, event: dict, now, web_base: str) -> int:
    """A deadline a new version adds to a task units already had: a `deadline.changed` notice to them (previous
    status "added"). Units new to the task learn of it from their assignment digest, so nothing is sent for a
    first version."""
    keys = event.get("known_unit_keys") or []
    if not keys:
        return 0
    return await _deadline_notices(conn, event, keys, {"date": None, "status": "added"}, now, web_base)


async def _deadline_notices(conn: AsyncConnection, event: dict, unit_keys: list[str], previous: dict, now,
                            web_base: str) -> int:
    deadline, document = event["deadline"], event["document"]
    recorded = 0
    for subscription in await subscriptions.matching(conn, unit_keys):
        if not wants(subscription, DEADLINE_CHANGED):
            continue
        data = {"unit": subscription.unit, "unit_url": unit_url(web_base, subscription.unit),
                "document": _document(document, web_base), "clause_path": deadline["clause_path"],
                "clause_text": deadline["clause_text"],
                "deadline": {k: deadline.get(k) for k in ("text", "date", "kind", "status")},
                "previous": previous,
                "url": document_url(web_base, document.get("doc_number") or document["id"], deadline["clause_path"])}
        recorded += len(await record(conn, subscription, DEADLINE_CHANGED, data,
                                     f"event|{event['id']}|{subscription.id}", now))
    return recorded


async def record_responsibility_removed(conn: AsyncConnection, event: dict, now, web_base: str) -> int:
    """A task a new version no longer gives the unit: one notice per concerned subscription."""
    responsibility, document = event["responsibility"], event["document"]
    recorded = 0
    for subscription in await subscriptions.matching(conn, [responsibility["unit_key"]]):
        if not wants(subscription, RESPONSIBILITY_REMOVED):
            continue
        role = responsibility.get("role") or ""
        data = {"unit": subscription.unit, "unit_url": unit_url(web_base, subscription.unit),
                "document": _document(document, web_base), "clause_path": responsibility["clause_path"],
                "clause_text": responsibility.get("clause_text") or "", "printed_unit": responsibility.get("unit"),
                "role": role, "role_label": ROLE_LABELS.get(role, role),
                "url": document_url(web_base, document.get("doc_number") or document["id"],
                                    responsibility["clause_path"])}
        recorded += len(await record(conn, subscription, RESPONSIBILITY_REMOVED, data,
                                     f"event|{event['id']}|{subscription.id}", now))
    return recorded


async def record_document_repealed(conn: AsyncConnection, event: dict, now, web_base: str) -> int:
    """One notice per subscription that had tasks in the repealed document; returns deliveries recorded."""
    document = event["document"]
    rows = (await conn.execute(text(
        "SELECT unit_key, count(*) AS tasks FROM responsibilities WHERE document_id = :doc GROUP BY unit_key"),
        {"doc": document["id"]})).all()
    tasks = {r.unit_key: r.tasks for r in rows}
    recorded = 0
    for subscription in await subscriptions.matching(conn, list(tasks)):
        if not wants(subscription, DOCUMENT_REPEALED):
            continue
        data = {"unit": subscription.unit, "unit_url": unit_url(web_base, subscription.unit),
                "document": _document(document, web_base),
                "repealed_by": _document(event["repealed_by"], web_base), "relation": event.get("relation"),
                "effective_date": event.get("effective_date"),
                "cancelled_deadlines": event.get("cancelled_deadlines", 0),
                "tasks": sum(n for key, n in tasks.items() if key in subscription.match_keys)}
        recorded += len(await record(conn, subscription, DOCUMENT_REPEALED, data,
                                     f"event|{event['id']}|{subscription.id}", now))
    return recorded
