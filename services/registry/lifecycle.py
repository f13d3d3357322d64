"""Changes of status that come with the calendar.

- Repeals and expiries by another document that take effect later: a notice that says 自2027年1月1日起施行，
  原…同时废止 is stored at once, but the document it repeals stays in force, its deadlines open and reminded,
  until that day.
- A document's own validity (有效期至2028年12月31日) ending: from the next day it is expired.

This job applies what has come due. It is idempotent (only documents still in force change, and their events
have stable ids) and safe with several registry replicas (the same per-文号 advisory locks as store_extraction,
and row locks on the documents)."""
from __future__ import annotations

import asyncio
import logging
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.registry import events
from services.registry.events import DocumentRef
from services.registry.store import apply_relations, cancel_open_work, lock_document_numbers
from services.runtime.calendar import local_day
from services.runtime.shutdown import pause

log = logging.getLogger("duban.registry.lifecycle")

CHECK_SECONDS = 300.0  # a repeal takes effect on a day: checking every few minutes is plenty


async def apply_due_relations(engine: AsyncEngine, today: date) -> int:
    """Apply every repeal/expiry effective by `today` whose target is still in force; returns the events written."""
    async with engine.connect() as conn:
        due = (await conn.execute(text(
            "SELECT DISTINCT r.document_id, r.target_doc_number FROM relations r "
            "JOIN documents t ON t.doc_number = r.target_doc_number AND t.status = 'in_force' "
            "WHERE r.type IN ('repeals', 'expires') AND r.effective_date <= :today AND t.id <> r.document_id "
            "ORDER BY 1, 2"), {"today": today})).all()
    written = 0
    for document_id, target_number in due:
        async with engine.begin() as conn:
            await lock_document_numbers(conn, [{"doc_number": target_number}])
            source = (await conn.execute(text(
                "SELECT id, doc_number, title, version FROM documents WHERE id = :id"), {"id": document_id})).one()
            relations = (await conn.execute(text(
                "SELECT document_id, type, target_doc_number, effective_date FROM relations "
                "WHERE document_id = :id AND target_doc_number = :n ORDER BY type"),
                {"id": document_id, "n": target_number})).all()
            applied = await apply_relations(conn, DocumentRef(*source), [tuple(r) for r in relations], today)
            await events.write_outbox(conn, applied)
        if applied:
            log.info("repeal took effect", extra={"document": source.doc_number, "target": target_number})
        written += len(applied)
    return written


async def expire_documents(engine: AsyncEngine, today: date) -> int:
    """Mark expired every document in force whose own expiry date is before `today`: open deadlines and
    responsibilities cancelled, one `document.expired` event each; returns the events written."""
    async with engine.connect() as conn:
        due = (await conn.execute(text(
            "SELECT id FROM documents WHERE status = 'in_force' AND expiry_date < :today ORDER BY id"),
            {"today": today})).scalars().all()
    written = 0
    for document_id in due:
        async with engine.begin() as conn:
            expired = (await conn.execute(text(
                "UPDATE documents SET status = 'expired', updated_at = now() "
                "WHERE id = :id AND status = 'in_force' AND expiry_date < :today "
                "RETURNING id, doc_number, title, version, expiry_date"), {"id": document_id, "today": today})).first()
            if expired is None:
                continue  # another replica, or a repeal, got there first
            cancelled = await cancel_open_work(conn, document_id)
            await events.write_outbox(conn, [events.expired_event(DocumentRef(*expired[:4]), expired.expiry_date,
                                                                  cancelled)])
        log.info("document expired", extra={"document": expired.doc_number, "expiry_date": str(expired.expiry_date)})
        written += 1
    return written


async def apply_due_changes(engine: AsyncEngine, today: date) -> int:
    """Everything that has come due by `today`; returns the events written."""
    return await apply_due_relations(engine, today) + await expire_documents(engine, today)


async def run_lifecycle(engine: AsyncEngine, stop: asyncio.Event, wake_relay, every: float = CHECK_SECONDS) -> None:
    """Apply what has come due at start and every `every` seconds until `stop`."""
    while not stop.is_set():
        try:
            if await apply_due_changes(engine, local_day()):
                wake_relay()
        except Exception as exc:  # noqa: BLE001 (PostgreSQL away: the next pass applies it)
            log.warning("applying due repeals failed; will retry", extra={"error": str(exc)})
        await pause(stop, every)
