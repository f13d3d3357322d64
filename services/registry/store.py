"""Write one extraction into the registry: in ONE transaction, upsert each document, keep a version when its
content or extractor changed, replace its current rows (COPY), diff them against the previous version into
outbox events, apply its relations (repeal/expiry), and mark the submission registered.

Idempotent: an extraction already stored (same content hash and extractor version) changes nothing, and an
extraction by an older extractor than the one stored is ignored.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.registry import events, submissions
from services.registry.events import DeadlineFact, DocumentRef, ResponsibilityFact
from services.registry.units import UnitDirectory
from services.runtime.calendar import local_day
from services.runtime.db import sql
from services.runtime.tracing import inject_headers

log = logging.getLogger("duban.registry.store")

ROLES = {"lead": 1, "support": 2, "responsible": 3}
ROLE_NAMES = {v: k for k, v in ROLES.items()}
DUE_KINDS = frozenset({"due", "milestone", "period"})  # kinds that make a clause's due date
STATUS_BY_RELATION = {"repeals": "repealed", "expires": "expired"}

CLAUSE_COLUMNS = ("document_id", "ord", "path", "text", "span_start", "span_end", "officials")
RESPONSIBILITY_COLUMNS = ("document_id", "clause_ord", "unit_name", "canonical_unit", "unit_key", "role", "status",
                          "due_date")
DEADLINE_COLUMNS = ("document_id", "clause_ord", "text", "date", "kind", "status")
TARGET_COLUMNS = ("document_id", "clause_ord", "text", "value", "unit", "op")


class MalformedExtraction(ValueError):
    """A document object that does not follow the extraction contract."""


@dataclass(frozen=True)
class StoredDocument:
    document_id: str
    doc_number: str | None
    version: int
    changed: bool  # False: this extraction was already stored (or is older than the stored one)
    events: int  # outbox events written


def document_id_for(doc_number: str | None, source_doc_id: str, index: int) -> str:
    """Stable registry id: from the 文号, or for a document without one from its file and position."""
    basis = f"n:{doc_number}" if doc_number else f"f:{source_doc_id}:{index}"
    return hashlib.sha256(basis.encode()).hexdigest()[:24]


def content_hash(document: dict) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def version_key(version: str) -> tuple:
    """'1.10.0' > '1.9.2'; non-numeric parts compare as text after numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in version.split("."))


def iso_date(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise MalformedExtraction(f"{what} is not an ISO date: {value!r}") from None


@dataclass
class _Rows:
    clauses: list[tuple]
    responsibilities: list[tuple]
    deadlines: list[tuple]
    targets: list[tuple]
    relations: list[tuple]
    responsibility_facts: dict[tuple, ResponsibilityFact]
    deadline_facts: dict[tuple, DeadlineFact]


def build_rows(document_id: str, document: dict, directory: UnitDirectory, status: str) -> _Rows:
    """The current-version rows of one contract document (pure: no I/O)."""
    open_status, active_status = ("open", "active") if status == "in_force" else ("cancelled", "cancelled")
    rows = _Rows([], [], [], [], [], {}, {})
    try:
        for ord_, clause in enumerate(document.get("clauses") or []):
            path, clause_text = str(clause["path"]), str(clause["text"])
            span = clause.get("span") or [0, 0]
            rows.clauses.append((document_id, ord_, path, clause_text, int(span[0]), int(span[1]),
                                 [str(o) for o in clause.get("officials") or []]))
            due: date | None = None
            unit_refs = []
            for unit in clause.get("units") or []:
                role = ROLES.get(unit.get("role"))
                if role is None:
                    raise MalformedExtraction(f"clause {path}: unknown role {unit.get('role')!r}")
                key, canonical = directory.storage_key(str(unit["name"]), unit.get("canonical"))
                unit_refs.append((unit["name"], canonical, key, role))
            for deadline in clause.get("deadlines") or []:
                when = iso_date(deadline.get("date"), f"clause {path} deadline date")
                kind = str(deadline["kind"])
                if when is not None and kind in DUE_KINDS and (due is None or when < due):
                    due = when
                fact_key = (path, str(deadline["text"]), kind)
                if fact_key in rows.deadline_facts:
                    continue
                rows.deadlines.append((document_id, ord_, str(deadline["text"]), when, kind, open_status))
                rows.deadline_facts[fact_key] = DeadlineFact(path, clause_text, str(deadline["text"]), when, kind,
                                                             open_status, tuple(r[2] for r in unit_refs))
            for name, canonical, key, role in unit_refs:
                fact_key = (path, key, role)
                if fact_key in rows.responsibility_facts:
                    continue
                rows.responsibilities.append((document_id, ord_, name, canonical, key, role, active_status, due))
                rows.responsibility_facts[fact_key] = ResponsibilityFact(path, clause_text, name, canonical, key,
                                                                         ROLE_NAMES[role], due)
            for target in clause.get("targets") or []:
                rows.targets.append((document_id, ord_, str(target["text"]), float(target["value"]),
                                     str(target.get("unit") or ""), str(target["op"])))
        for relation in document.get("relations") or []:
            rows.relations.append((document_id, str(relation["type"]), str(relation["doc_number"]),
                                   iso_date(relation.get("effective_date"), "relation effective_date")))
    except (KeyError, TypeError, IndexError) as exc:
        raise MalformedExtraction(f"document does not follow the contract: {exc!r}") from exc
    return rows


@dataclass(frozen=True)
class ExtractedFile:
    """One `extracted` event: a submitted file's documents as extracted (contract objects)."""
    doc_id: str
    extractor_version: str
    source_file: str
    documents: list
    traceparent: str | None = None  # the trace its outbox events continue; None: the current span's


async def store_extraction(engine: AsyncEngine, directory: UnitDirectory, *, doc_id: str, extractor_version: str,
                           source_file: str, documents: list[dict], today: date | None = None) -> list[StoredDocument]:
    """Store every document of one extracted file and mark the submission registered, in one transaction."""
    file = ExtractedFile(doc_id, extractor_version, source_file, documents)
    return (await store_extractions(engine, directory, [file], today=today))[0]


async def store_extractions(engine: AsyncEngine, directory: UnitDirectory, files: list[ExtractedFile], *,
                            today: date | None = None) -> list[list[StoredDocument]]:
    """Store several extracted files in ONE transaction (all or nothing); per file, its stored documents.

    Documents new to the registry that take part in no relation within the batch (the common case) are written
    together: a handful of statements for the whole batch instead of a dozen round trips per document. The
    others (new versions, repeals, a document twice) go one at a time, in order, as they always did.
    `today` (default: the day in China) decides which repeals and expiries have taken effect; later ones are
    applied on their day by lifecycle.apply_due_relations."""
    today = today or local_day()
    async with engine.begin() as conn:
        placed = [_place(document, index, f) for f in files for index, document in enumerate(f.documents)]
        ids = Counter(p.document_id for p in placed)
        await lock_document_numbers(conn, [p.document for p in placed], list(ids))
        current = await _current_documents(conn, list(ids))
        related = {str(r.get("doc_number")) for p in placed
                   for r in p.document.get("relations") or [] if isinstance(r, dict)}
        fresh = [p for p in placed if p.document_id not in current and ids[p.document_id] == 1
                 and not p.document.get("relations") and p.doc_number not in related]
        await _store_new_documents(conn, directory, fresh, today)
        for p in placed:  # in the files' order
            if p.result is None:
                p.result = await _store_document(conn, directory, p, today=today)

        current_trace = inject_headers({}).get("traceparent")  # for files that bring no trace of their own
        outbox, traceparents = [], []
        for p in placed:
            outbox += p.result[1]
            traceparents += [p.file.traceparent or current_trace] * len(p.result[1])
        stored = [[p.result[0] for p in placed if p.file is f] for f in files]
        await submissions.mark_registered(conn, [
            submissions.Registered(f.doc_id, f.source_file, [d.doc_number for d in file_stored if d.doc_number],
                                   f.extractor_version) for f, file_stored in zip(files, stored, strict=True)])
        # Last: appending to the outbox takes the lock that serialises writers until commit.
        await events.write_outbox(conn, outbox, traceparents)
    return stored


@dataclass
class _Placed:
    """A contract document, the file it came in, where it goes in the registry, and once stored, the outcome."""
    document: dict
    file: ExtractedFile
    document_id: str
    doc_number: str | None
    digest: str
    result: tuple[StoredDocument, list[events.Event]] | None = None


def _place(document, index: int, file: ExtractedFile) -> _Placed:
    if not isinstance(document, dict):
        raise MalformedExtraction("a document must be a JSON object")
    doc_number = document.get("doc_number") or None
    return _Placed(document, file, document_id_for(doc_number, file.doc_id, index), doc_number,
                   content_hash(document))


async def _current_documents(conn: AsyncConnection, ids: list[str]) -> dict[str, tuple]:
    rows = await conn.execute(sql("SELECT id, version, extractor_version, status FROM documents WHERE id = ANY(:ids)"),
                              {"ids": list(set(ids))})
    return {row[0]: row for row in rows}


async def lock_document_numbers(conn: AsyncConnection, documents: list, document_ids: Sequence[str] = ()) -> None:
    """Serialise transactions that touch the same document numbers, as a document or as a relation's target (and
    the same registry documents, by `document_ids`).

    Without it, a document and the one repealing it stored at the same moment (two registry replicas, or two
    batches) each look for the other before it is committed, and the repeal is lost. The locks are taken in one
    statement and in sorted order, so two transactions naming the same numbers cannot deadlock."""
    keys: set[str] = set(document_ids)  # the key _store_document locks a document by
    for document in documents:
        if not isinstance(document, dict):
            continue
        if document.get("doc_number"):
            keys.add(f"doc_number:{document['doc_number']}")
        for relation in document.get("relations") or []:
            if isinstance(relation, dict) and relation.get("doc_number"):
                keys.add(f"doc_number:{relation['doc_number']}")
    if keys:  # unnest yields the array in order, and each row's lock is taken before the next row's
        await conn.execute(sql("SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest(CAST(:keys AS text[])) AS k"),
                           {"keys": sorted(keys)})


async def _store_new_documents(conn: AsyncConnection, directory: UnitDirectory, fresh: list[_Placed],
                               today: date) -> None:
    """Version 1 of documents not yet in the registry: every table written once for all of them."""
    if not fresh:
        return
    earlier = await _statuses_from_earlier_relations(conn, [p.doc_number for p in fresh if p.doc_number], today)
    documents, versions = [], []
    tables: dict[str, list[tuple]] = {"clauses": [], "responsibilities": [], "deadlines": [], "targets": []}
    for p in fresh:
        status, changed_by = earlier.get(p.doc_number, ("in_force", None))
        expiry = iso_date(p.document.get("expiry_date"), "expiry_date")
        status = _expired_on_arrival(status, expiry, today)
        rows = build_rows(p.document_id, p.document, directory, status)
        params = _document_params(p, expiry, status, changed_by, 1, len(rows.clauses))
        documents.append(params)
        versions.append({**params, "payload": orjson.dumps(p.document).decode()})
        tables["clauses"] += rows.clauses
        tables["responsibilities"] += rows.responsibilities
        tables["deadlines"] += rows.deadlines
        tables["targets"] += rows.targets
        ref = DocumentRef(p.document_id, p.doc_number, p.document.get("title"), 1)
        outbox = events.diff_events(ref, ({}, {}), (rows.responsibility_facts, rows.deadline_facts))
        p.result = (StoredDocument(p.document_id, p.doc_number, 1, True, len(outbox)), outbox)
    await conn.execute(sql(INSERT_DOCUMENT), documents)
    await conn.execute(sql(INSERT_VERSION), versions)
    for table, columns in (("clauses", CLAUSE_COLUMNS), ("responsibilities", RESPONSIBILITY_COLUMNS),
                           ("deadlines", DEADLINE_COLUMNS), ("targets", TARGET_COLUMNS)):
        await copy_rows(conn, table, columns, tables[table])


async def _statuses_from_earlier_relations(conn: AsyncConnection, doc_numbers: list[str],
                                           today: date) -> dict[str, tuple[str, str]]:
    """Documents registered after the one that repeals (or expires) them arrive already repealed, if that has
    taken effect: {doc_number: (status, repealed by)} for those."""
    if not doc_numbers:
        return {}
    rows = await conn.execute(sql(
        "SELECT DISTINCT ON (r.target_doc_number) r.target_doc_number, r.type, d.doc_number "
        "FROM relations r JOIN documents d ON d.id = r.document_id "
        "WHERE r.target_doc_number = ANY(:numbers) AND r.type IN ('repeals', 'expires') "
        "AND (r.effective_date IS NULL OR r.effective_date <= :today) ORDER BY r.target_doc_number, r.type DESC"),
        {"numbers": doc_numbers, "today": today})
    return {target: (STATUS_BY_RELATION[rel_type], by) for target, rel_type, by in rows}


def _expired_on_arrival(status: str, expiry: date | None, today: date) -> str:
    """A document whose validity (有效期至) ended before it arrived is stored expired: no open deadlines, no
    reminders."""
    return "expired" if status == "in_force" and expiry is not None and expiry < today else status


def _document_params(p: _Placed, expiry: date | None, status: str, changed_by: str | None, version: int,
                     clause_count: int) -> dict:
    document, f = p.document, p.file
    return {
        "id": p.document_id, "doc_number": p.doc_number, "title": document.get("title"),
        "issuers": [str(i) for i in document.get("issuers") or []],
        "signed": iso_date(document.get("signed_date"), "signed_date"),
        "effective": iso_date(document.get("effective_date"), "effective_date"),
        "expiry": expiry,
        "status": status, "changed_by": changed_by, "source_doc_id": f.doc_id, "source_file": f.source_file,
        "version": version, "hash": p.digest, "extractor": f.extractor_version,
        "attachments": [str(a) for a in document.get("attachments") or []], "clause_count": clause_count,
    }


INSERT_DOCUMENT = (
    "INSERT INTO documents (id, doc_number, title, issuers, signed_date, effective_date, expiry_date, status, "
    "status_changed_by, source_doc_id, source_file, version, content_hash, extractor_version, attachments, "
    "clause_count) VALUES (:id, :doc_number, :title, :issuers, :signed, :effective, :expiry, :status, "
    ":changed_by, :source_doc_id, :source_file, :version, :hash, :extractor, :attachments, :clause_count) "
    "ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, issuers = EXCLUDED.issuers, "
    "signed_date = EXCLUDED.signed_date, effective_date = EXCLUDED.effective_date, "
    "expiry_date = EXCLUDED.expiry_date, source_doc_id = EXCLUDED.source_doc_id, "
    "source_file = EXCLUDED.source_file, version = EXCLUDED.version, content_hash = EXCLUDED.content_hash, "
    "extractor_version = EXCLUDED.extractor_version, attachments = EXCLUDED.attachments, "
    "clause_count = EXCLUDED.clause_count, updated_at = now()")
INSERT_VERSION = (
    "INSERT INTO document_versions (document_id, version, content_hash, extractor_version, source_doc_id, "
    "source_file, payload) VALUES (:id, :version, :hash, :extractor, :source_doc_id, :source_file, "
    "CAST(:payload AS jsonb))")


async def _store_document(conn: AsyncConnection, directory: UnitDirectory, p: _Placed, *, today: date
                          ) -> tuple[StoredDocument, list[events.Event]]:
    """One document, whatever its case (new, new version, already stored, with relations); its locks are held
    (store_extractions). It reads its current row again: an earlier document of the batch may have written it."""
    document, document_id, doc_number = p.document, p.document_id, p.doc_number
    extractor_version = p.file.extractor_version
    current = (await conn.execute(sql(
        "SELECT version, extractor_version, status FROM documents WHERE id = :id"), {"id": document_id})).one_or_none()
    if current is not None:
        seen = await conn.scalar(sql(
            "SELECT 1 FROM document_versions WHERE document_id = :id AND content_hash = :h AND extractor_version = :v"),
            {"id": document_id, "h": p.digest, "v": extractor_version})
        if seen or version_key(extractor_version) < version_key(current.extractor_version):
            return StoredDocument(document_id, doc_number, current.version, False, 0), []
    version = 1 if current is None else current.version + 1
    status, changed_by = (current.status, None) if current is not None else ("in_force", None)
    if current is None and doc_number:
        status, changed_by = (await _statuses_from_earlier_relations(conn, [doc_number], today)).get(
            doc_number, ("in_force", None))
    expiry = iso_date(document.get("expiry_date"), "expiry_date")
    status = _expired_on_arrival(status, expiry, today)
    ref = DocumentRef(document_id, doc_number, document.get("title"), version)
    rows = build_rows(document_id, document, directory, status)
    previous = await _current_facts(conn, document_id) if current is not None else ({}, {})

    params = _document_params(p, expiry, status, changed_by, version, len(rows.clauses))
    await conn.execute(sql(INSERT_DOCUMENT), params)
    await conn.execute(sql(INSERT_VERSION), {**params, "payload": orjson.dumps(document).decode()})
    if current is not None:
        for table in ("clauses", "responsibilities", "deadlines", "targets", "relations"):
            await conn.execute(sql(f"DELETE FROM {table} WHERE document_id = :id"), {"id": document_id})
    await copy_rows(conn, "clauses", CLAUSE_COLUMNS, rows.clauses)
    await copy_rows(conn, "responsibilities", RESPONSIBILITY_COLUMNS, rows.responsibilities)
    await copy_rows(conn, "deadlines", DEADLINE_COLUMNS, rows.deadlines)
    await copy_rows(conn, "targets", TARGET_COLUMNS, rows.targets)
    await copy_rows(conn, "relations", ("document_id", "type", "target_doc_number", "effective_date"), rows.relations)

    outbox = events.diff_events(ref, previous, (rows.responsibility_facts, rows.deadline_facts))
    outbox += await apply_relations(conn, ref, rows.relations, today)
    return StoredDocument(document_id, doc_number, version, True, len(outbox)), outbox


async def copy_rows(conn: AsyncConnection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk insert with PostgreSQL COPY on the transaction's own asyncpg connection."""
    if not rows:
        return
    raw = await conn.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(table, records=rows, columns=columns)


async def _current_facts(conn: AsyncConnection, document_id: str):
    """The stored version's responsibility and deadline facts, keyed as build_rows keys them."""
    resp = await conn.execute(sql(
        "SELECT c.path, c.text, r.unit_name, r.canonical_unit, r.unit_key, r.role, r.due_date FROM responsibilities r "
        "JOIN clauses c ON c.document_id = r.document_id AND c.ord = r.clause_ord WHERE r.document_id = :id"),
        {"id": document_id})
    responsibilities = {(p, key, role): ResponsibilityFact(p, t, name, canonical, key, ROLE_NAMES[role], due)
                        for p, t, name, canonical, key, role, due in resp}
    dl = await conn.execute(sql(
        "SELECT c.path, c.text, d.text, d.date, d.kind, d.status, "
        "ARRAY(SELECT DISTINCT r.unit_key FROM responsibilities r "
        "      WHERE r.document_id = d.document_id AND r.clause_ord = d.clause_ord) FROM deadlines d "
        "JOIN clauses c ON c.document_id = d.document_id AND c.ord = d.clause_ord WHERE d.document_id = :id"),
        {"id": document_id})
    deadlines = {(p, dt, kind): DeadlineFact(p, ct, dt, when, kind, status, tuple(units))
                 for p, ct, dt, when, kind, status, units in dl}
    return responsibilities, deadlines


async def apply_relations(conn: AsyncConnection, ref: DocumentRef, relations: list[tuple],
                          today: date) -> list[events.Event]:
    """Repeal or expire the documents this one names, where that has taken effect by `today`: status, open
    deadlines cancelled, responsibilities cancelled, one `document.repealed` event each (an expiry is reported the
    same way, with its type). A relation effective later waits for lifecycle.apply_due_relations: until then the
    named document stays in force, its deadlines open and reminded."""
    out: list[events.Event] = []
    for _, rel_type, target_number, effective in relations:
        new_status = STATUS_BY_RELATION.get(rel_type)
        if new_status is None or target_number == ref.doc_number:
            continue
        if effective is not None and effective > today:
            log.info("repeal takes effect later", extra={"document": ref.doc_number, "target": target_number,
                                                         "effective_date": effective.isoformat()})
            continue
        target = (await conn.execute(sql(
            "UPDATE documents SET status = :s, status_changed_by = :by, updated_at = now() "
            "WHERE doc_number = :n AND status = 'in_force' RETURNING id, doc_number, title, version"),
            {"s": new_status, "by": ref.doc_number, "n": target_number})).one_or_none()
        if target is None:
            continue
        cancelled = await cancel_open_work(conn, target.id)
        out.append(events.repealed_event(DocumentRef(*target), ref, rel_type, effective, cancelled))
    return out


async def cancel_open_work(conn: AsyncConnection, document_id: str) -> int:
    """A document no longer in force: its open deadlines and its responsibilities cancelled (so reminders stop);
    returns how many deadlines were open."""
    cancelled = (await conn.execute(sql(
        "UPDATE deadlines SET status = 'cancelled' WHERE document_id = :id AND status = 'open'"),
        {"id": document_id})).rowcount
    await conn.execute(sql("UPDATE responsibilities SET status = 'cancelled' WHERE document_id = :id"),
                       {"id": document_id})
    return cancelled
