"""What the pages read from the registry's PostgreSQL tables (read-only; the registry owns the schema)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.registry.queries import like_escape, normalise_doc_number
from services.registry.units import UnitDirectory
from services.web.status import SOON_DAYS
from services.web.tasks import ROLE_LABELS, Counts, Task

SEARCH_LIMIT = 50
RECENT_EVENTS = 20
DOCUMENTS_LISTED = 100

_OPEN = ("r.status = 'active' AND d.status = 'in_force'")


@dataclass(frozen=True)
class UnitTasks:
    name: str  # the unit as the directory names it (canonical or group), else as asked
    keys: tuple[str, ...]  # every unit_key matched: the unit, its groups, the "each county's X" pattern
    tasks: list[Task]


@dataclass(frozen=True)
class Relation:
    type: str  # repeals / expires / amends
    doc_number: str
    title: str | None
    effective_date: date | None
    known: bool  # the other document is in the registry


@dataclass(frozen=True)
class DocumentDetail:
    id: str
    doc_number: str | None
    title: str | None
    issuers: list[str]
    signed_date: date | None
    effective_date: date | None
    expiry_date: date | None
    status: str
    status_changed_by: str | None
    source_file: str
    version: int
    extractor_version: str
    attachments: list[str]
    payload: dict[str, Any]  # the current version's contract object
    relations: list[Relation]  # this document → others
    related_by: list[Relation]  # others → this document


@dataclass(frozen=True)
class UnitStats:
    unit: str
    tasks: int
    due_soon: int
    overdue: int


@dataclass(frozen=True)
class DocumentSummary:
    id: str
    doc_number: str | None
    title: str | None
    signed_date: date | None
    clause_count: int


@dataclass(frozen=True)
class Change:
    subject: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class ClauseHit:
    document_id: str
    doc_number: str | None
    title: str | None
    clause_path: str
    clause_text: str


async def unit_tasks(engine: AsyncEngine, directory: UnitDirectory, unit: str) -> UnitTasks:
    """Open responsibilities (active, in a document in force) of a unit named by canonical name, alias or group."""
    keys = directory.query_keys(unit)
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT r.document_id, d.doc_number, d.title, r.clause_ord, c.path, c.text, c.officials, "
            "array_agg(DISTINCT r.unit_name) AS units, array_agg(DISTINCT r.role) AS roles, min(r.due_date) AS due, "
            "ARRAY(SELECT dl.text || coalesce('（' || dl.date::text || '）', '') FROM deadlines dl "
            "      WHERE dl.document_id = r.document_id AND dl.clause_ord = r.clause_ord AND dl.status = 'open' "
            "      ORDER BY dl.id) AS deadlines, "
            "ARRAY(SELECT t.text FROM targets t WHERE t.document_id = r.document_id AND t.clause_ord = r.clause_ord "
            "      ORDER BY t.id) AS targets "
            "FROM responsibilities r JOIN documents d ON d.id = r.document_id "
            "JOIN clauses c ON c.document_id = r.document_id AND c.ord = r.clause_ord "
            f"WHERE r.unit_key = ANY(:keys) AND {_OPEN} "
            "GROUP BY r.document_id, d.doc_number, d.title, r.clause_ord, c.path, c.text, c.officials"),
            {"keys": keys})).all()
    tasks = [Task(row.document_id, row.doc_number, row.title, row.clause_ord, row.path, row.text,
                  tuple(row.units), tuple(ROLE_LABELS[r] for r in sorted(row.roles)), tuple(row.officials),
                  row.due, tuple(row.deadlines), tuple(row.targets)) for row in rows]
    return UnitTasks(directory.resolve(unit) or unit, tuple(keys), tasks)


async def document_detail(engine: AsyncEngine, id_or_number: str) -> DocumentDetail | None:
    async with engine.connect() as conn:
        doc = (await conn.execute(text(
            "SELECT d.*, v.payload FROM documents d JOIN document_versions v "
            "ON v.document_id = d.id AND v.version = d.version WHERE d.id = :k OR d.doc_number = :n LIMIT 1"),
            {"k": id_or_number, "n": normalise_doc_number(id_or_number)})).one_or_none()
        if doc is None:
            return None
        outgoing = (await conn.execute(text(
            "SELECT r.type, r.target_doc_number, o.title, r.effective_date, o.id IS NOT NULL FROM relations r "
            "LEFT JOIN documents o ON o.doc_number = r.target_doc_number WHERE r.document_id = :id "
            "ORDER BY r.type, r.target_doc_number"), {"id": doc.id})).all()
        incoming = [] if not doc.doc_number else (await conn.execute(text(
            "SELECT r.type, o.doc_number, o.title, r.effective_date, true FROM relations r "
            "JOIN documents o ON o.id = r.document_id WHERE r.target_doc_number = :n AND o.doc_number IS NOT NULL "
            "ORDER BY r.type, o.doc_number"), {"n": doc.doc_number})).all()
    return DocumentDetail(doc.id, doc.doc_number, doc.title, list(doc.issuers), doc.signed_date, doc.effective_date,
                          doc.expiry_date, doc.status, doc.status_changed_by, doc.source_file, doc.version,
                          doc.extractor_version, list(doc.attachments), doc.payload,
                          [Relation(*r) for r in outgoing], [Relation(*r) for r in incoming])


async def unit_statistics(engine: AsyncEngine, today: date) -> list[UnitStats]:
    """Per unit_key across the city: open tasks (clauses), due within 30 days, overdue; most overdue first."""
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT unit_key, count(*) AS tasks, "
            "count(*) FILTER (WHERE due >= :today AND due <= :soon) AS due_soon, "
            "count(*) FILTER (WHERE due < :today) AS overdue FROM ("
            "  SELECT r.unit_key, r.document_id, r.clause_ord, min(r.due_date) AS due FROM responsibilities r "
            f"  JOIN documents d ON d.id = r.document_id WHERE {_OPEN} "
            "  GROUP BY r.unit_key, r.document_id, r.clause_ord) t "
            "GROUP BY unit_key ORDER BY overdue DESC, due_soon DESC, tasks DESC, unit_key"),
            {"today": today, "soon": today + timedelta(days=SOON_DAYS)})).all()
    return [UnitStats(*row) for row in rows]


async def city_totals(engine: AsyncEngine, today: date) -> Counts:
    """Across all units: open tasks (a clause counts once however many units share it), due soon, overdue."""
    async with engine.connect() as conn:
        row = (await conn.execute(text(
            "SELECT count(*), count(*) FILTER (WHERE due >= :today AND due <= :soon), "
            "count(*) FILTER (WHERE due < :today) FROM ("
            "  SELECT r.document_id, r.clause_ord, min(r.due_date) AS due FROM responsibilities r "
            f"  JOIN documents d ON d.id = r.document_id WHERE {_OPEN} GROUP BY r.document_id, r.clause_ord) t"),
            {"today": today, "soon": today + timedelta(days=SOON_DAYS)})).one()
    return Counts(*row)


async def documents_in_force(engine: AsyncEngine) -> tuple[int, list[DocumentSummary]]:
    """How many documents are in force, and the newest of them."""
    async with engine.connect() as conn:
        total = await conn.scalar(text("SELECT count(*) FROM documents WHERE status = 'in_force'"))
        rows = (await conn.execute(text(
            "SELECT id, doc_number, title, signed_date, clause_count FROM documents WHERE status = 'in_force' "
            "ORDER BY signed_date DESC NULLS LAST, doc_number LIMIT :n"), {"n": DOCUMENTS_LISTED})).all()
    return total, [DocumentSummary(*row) for row in rows]


async def recent_changes(engine: AsyncEngine, limit: int = RECENT_EVENTS) -> list[Change]:
    """The registry's latest events (its outbox), newest first."""
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT subject, payload, created_at FROM outbox ORDER BY seq DESC LIMIT :n"), {"n": limit})).all()
    return [Change(*row) for row in rows]


async def search_clauses(engine: AsyncEngine, query: str, limit: int = SEARCH_LIMIT) -> list[ClauseHit]:
    """Clauses of current document versions whose text contains `query` (the trigram index serves 3+ chars)."""
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT c.document_id, d.doc_number, d.title, c.path, c.text FROM clauses c "
            "JOIN documents d ON d.id = c.document_id WHERE c.text LIKE :p "
            "ORDER BY d.status = 'in_force' DESC, d.signed_date DESC NULLS LAST, c.document_id, c.ord LIMIT :n"),
            {"p": "%" + like_escape(query) + "%", "n": limit})).all()
    return [ClauseHit(*row) for row in rows]
