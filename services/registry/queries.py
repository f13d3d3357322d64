"""Read queries of the registry API: plain SQL with keyset pagination (`after` = the previous page's last key),
on a dedicated asyncpg pool (one round trip per query: no pre-ping, no BEGIN/ROLLBACK, no reset on release).

Each list function fetches one row more than asked, so the caller knows whether a next page exists.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import asyncpg

from services.registry.store import DUE_KINDS

_NAMED_PARAM = re.compile(r"(?<![:\w]):([a-z_]+)")
_DOC_NUMBER_BRACKETS = re.compile(r"[\[［(（〔]\s*(\d{4})\s*[\]］)）〕]")
FAR_FUTURE = date(9999, 12, 31)
FAR_PAST = date(1, 1, 1)

DOCUMENT_COLUMNS = ("id, doc_number, title, issuers, signed_date, effective_date, expiry_date, status, "
                    "source_doc_id, source_file, version, clause_count, attachments, extractor_version, "
                    "status_changed_by")


def _bind(sql: str, params: dict) -> tuple:
    """`:name` placeholders → asyncpg's `$n`, with the values in order."""
    names: list[str] = []

    def number(match: re.Match) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"
    return (_NAMED_PARAM.sub(number, sql), *(params[n] for n in names))


async def _fetch(conn: asyncpg.Connection, sql: str, params: dict) -> list:
    return await conn.fetch(*_bind(sql, params))


async def _fetchrow(conn: asyncpg.Connection, sql: str, params: dict):
    return await conn.fetchrow(*_bind(sql, params))


def normalise_doc_number(value: str) -> str:
    """衢政办发[2024]10号, 衢政办发(2024)10号 → 衢政办发〔2024〕10号."""
    return _DOC_NUMBER_BRACKETS.sub(r"〔\1〕", value.strip())


def like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def find_document_id(conn: asyncpg.Connection, id_or_number: str) -> str | None:
    row = await _fetchrow(conn, "SELECT id FROM documents WHERE id = :x UNION ALL "
                                "SELECT id FROM documents WHERE doc_number = :n LIMIT 1",
                          {"x": id_or_number, "n": normalise_doc_number(id_or_number)})
    return None if row is None else row["id"]


async def get_documents(conn: asyncpg.Connection, ids: list[str]) -> list:
    return await _fetch(conn, f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ANY(:ids)", {"ids": ids})


async def relations_of(conn: asyncpg.Connection, ids: list[str]) -> dict[str, list]:
    rows = await _fetch(conn, "SELECT document_id, type, target_doc_number, effective_date FROM relations "
                              "WHERE document_id = ANY(:ids) ORDER BY type, target_doc_number", {"ids": ids})
    out: dict[str, list] = {}
    for row in rows:
        out.setdefault(row.document_id, []).append(row)
    return out


async def list_documents(conn: asyncpg.Connection, *, limit: int, after: list | None, issuer: str,
                         signed_from: date | None, signed_to: date | None, status: str | None) -> list:
    where, params = [], {"n": limit + 1}
    if issuer:
        where.append("issuers @> ARRAY[CAST(:issuer AS text)]")
        params["issuer"] = issuer
    if signed_from:
        where.append("signed_date >= :signed_from")
        params["signed_from"] = signed_from
    if signed_to:
        where.append("signed_date <= :signed_to")
        params["signed_to"] = signed_to
    if status:
        where.append("status = :status")
        params["status"] = status
    if after:
        where.append("(COALESCE(signed_date, :far_past), id) < (:after_date, :after_id)")
        params.update(far_past=FAR_PAST, after_date=date.fromisoformat(after[0]), after_id=after[1])
    sql = (f"SELECT {DOCUMENT_COLUMNS} FROM documents {_where(where)} "
           "ORDER BY COALESCE(signed_date, DATE '0001-01-01') DESC, id DESC LIMIT :n")
    return await _fetch(conn, sql, params)


async def list_clauses(conn: asyncpg.Connection, *, document_id: str, path_prefix: str, limit: int,
                       after: list | None) -> list:
    where = ["c.document_id = :doc", "c.ord > :after"]
    params = {"doc": document_id, "after": after[0] if after else -1, "n": limit + 1}
    if path_prefix:
        where.append("c.path LIKE :prefix")
        params["prefix"] = like_escape(path_prefix) + "%"
    sql = (f"SELECT c.document_id, d.doc_number, c.ord, c.path, c.text, c.span_start, c.span_end, c.officials "
           f"FROM clauses c JOIN documents d ON d.id = c.document_id {_where(where)} ORDER BY c.ord LIMIT :n")
    return await _fetch(conn, sql, params)


async def search_clauses(conn: asyncpg.Connection, *, query: str, document_id: str | None, limit: int,
                         after: list | None) -> list:
    where, params = ["c.text LIKE :pattern"], {"pattern": "%" + like_escape(query) + "%", "n": limit + 1}
    if document_id:
        where.append("c.document_id = :doc")
        params["doc"] = document_id
    if after:
        where.append("(c.document_id, c.ord) > (:after_doc, :after_ord)")
        params.update(after_doc=after[0], after_ord=after[1])
    sql = (f"SELECT c.document_id, d.doc_number, c.ord, c.path, c.text, c.span_start, c.span_end, c.officials "
           f"FROM clauses c JOIN documents d ON d.id = c.document_id {_where(where)} "
           "ORDER BY c.document_id, c.ord LIMIT :n")
    return await _fetch(conn, sql, params)


async def clause_details(conn: asyncpg.Connection, keys: list[tuple[str, int]]) -> tuple[dict, dict, dict]:
    """Units, deadlines and targets of the given (document_id, ord) clauses, each keyed the same way."""
    params = {"docs": [k[0] for k in keys], "ords": [k[1] for k in keys]}
    pairs = "(document_id, clause_ord) IN (SELECT * FROM unnest(CAST(:docs AS text[]), CAST(:ords AS int[])))"
    units, deadlines, targets = {}, {}, {}
    for row in await _fetch(conn, f"SELECT document_id, clause_ord, unit_name, canonical_unit, role "
                                  f"FROM responsibilities WHERE {pairs} ORDER BY id", params):
        units.setdefault((row.document_id, row.clause_ord), []).append(row)
    for row in await _fetch(conn, f"SELECT id, document_id, clause_ord, text, date, kind, status "
                                  f"FROM deadlines WHERE {pairs} ORDER BY id", params):
        deadlines.setdefault((row.document_id, row.clause_ord), []).append(row)
    for row in await _fetch(conn, f"SELECT document_id, clause_ord, text, value, unit, op "
                                  f"FROM targets WHERE {pairs} ORDER BY id", params):
        targets.setdefault((row.document_id, row.clause_ord), []).append(row)
    return units, deadlines, targets


async def list_responsibilities(conn: asyncpg.Connection, *, unit_keys: list[str] | None, role: int | None,
                                document_id: str | None, status: str | None, due_from: date | None,
                                due_to: date | None, limit: int, after: list | None) -> list:
    where, params = ["r.id > :after"], {"after": after[0] if after else 0, "n": limit + 1}
    for column, value in (("r.role", role), ("r.document_id", document_id), ("r.status", status)):
        if value:
            name = column.split(".")[1]
            where.append(f"{column} = :{name}")
            params[name] = value
    if due_from:
        where.append("r.due_date >= :due_from")
        params["due_from"] = due_from
    if due_to:
        where.append("r.due_date <= :due_to")
        params["due_to"] = due_to
    if unit_keys is None:
        source = "responsibilities r"
    else:
        # One ordered (unit_key, id) index scan per key, merged: a unit with groups stays as cheap as one key.
        source = ("(SELECT x.* FROM unnest(CAST(:keys AS text[])) AS k(key) CROSS JOIN LATERAL "
                  f"(SELECT r.* FROM responsibilities r {_where(['r.unit_key = k.key', *where])} "
                  "ORDER BY r.id LIMIT :n) x ORDER BY x.id LIMIT :n) r")
        params["keys"] = unit_keys
        where = []
    # Column order is part of the contract with api.ListResponsibilities, which unpacks rows positionally.
    sql = ("SELECT r.id, d.doc_number, r.document_id, c.path, r.unit_name, r.canonical_unit, r.role, c.text, "
           f"c.officials, r.due_date, r.status, r.unit_key FROM {source} "
           "JOIN clauses c ON c.document_id = r.document_id AND c.ord = r.clause_ord "
           f"JOIN documents d ON d.id = r.document_id {_where(where)} ORDER BY r.id LIMIT :n")
    return await _fetch(conn, sql, params)


_UNIT_CLAUSE = ("EXISTS (SELECT 1 FROM responsibilities r WHERE r.document_id = dl.document_id "
                "AND r.clause_ord = dl.clause_ord AND r.unit_key = ANY(:keys))")


async def list_deadlines(conn: asyncpg.Connection, *, unit_keys: list[str] | None, from_date: date | None,
                         to_date: date | None, overdue_on: date | None, kind: str | None, status: str | None,
                         limit: int, after: list | None) -> list:
    where, params = [], {"n": limit + 1, "far": FAR_FUTURE}
    if unit_keys is not None:
        where.append(_UNIT_CLAUSE)
        params["keys"] = unit_keys
    if from_date:
        where.append("dl.date >= :from_date")
        params["from_date"] = from_date
    if to_date:
        where.append("dl.date <= :to_date")
        params["to_date"] = to_date
    if overdue_on:
        where.append("dl.status = 'open' AND dl.date < :today")
        params["today"] = overdue_on
    if kind:
        where.append("dl.kind = :kind")
        params["kind"] = kind
    if status:
        where.append("dl.status = :status")
        params["status"] = status
    if after:
        where.append("(COALESCE(dl.date, :far), dl.id) > (:after_date, :after_id)")
        params.update(after_date=date.fromisoformat(after[0]), after_id=after[1])
    sql = ("SELECT dl.id, dl.document_id, d.doc_number, c.path, dl.text, dl.date, dl.kind, dl.status, c.text "
           "AS clause_text, ARRAY(SELECT DISTINCT r.unit_key FROM responsibilities r WHERE r.document_id = "
           "dl.document_id AND r.clause_ord = dl.clause_ord) AS units FROM deadlines dl "
           "JOIN clauses c ON c.document_id = dl.document_id AND c.ord = dl.clause_ord "
           f"JOIN documents d ON d.id = dl.document_id {_where(where)} "
           "ORDER BY COALESCE(dl.date, DATE '9999-12-31'), dl.id LIMIT :n")
    return await _fetch(conn, sql, params)


async def unit_summary(conn: asyncpg.Connection, unit_keys: list[str], today: date) -> tuple[int, int, int, int]:
    """(active tasks, open deadlines due within 30 days, overdue open deadlines, documents) of a unit."""
    tasks, documents = await _fetchrow(conn, "SELECT count(*), count(DISTINCT document_id) FROM responsibilities "
                                             "WHERE unit_key = ANY(:keys) AND status = 'active'", {"keys": unit_keys})
    due_soon, overdue = await _fetchrow(
        conn, "SELECT count(*) FILTER (WHERE dl.date BETWEEN :today AND :soon), count(*) FILTER (WHERE dl.date < "
        f":today) FROM deadlines dl WHERE dl.status = 'open' AND dl.kind = ANY(:kinds) AND {_UNIT_CLAUSE}",
        {"keys": unit_keys, "today": today, "soon": today + timedelta(days=30), "kinds": sorted(DUE_KINDS)})
    return tasks, due_soon, overdue, documents


async def list_units(conn: asyncpg.Connection, *, limit: int, after: list | None) -> list:
    return await _fetch(
        conn, "SELECT u.canonical, u.is_group, "
        "ARRAY(SELECT a.alias FROM unit_aliases a WHERE a.unit_id = u.id ORDER BY a.alias) AS aliases, "
        "ARRAY(SELECT m.canonical FROM unit_group_members g JOIN units m ON m.id = g.member_id "
        "      WHERE g.group_id = u.id ORDER BY m.canonical) AS members "
        "FROM units u WHERE u.canonical > :after ORDER BY u.canonical LIMIT :n",
        {"after": after[0] if after else "", "n": limit + 1})


async def events_after(conn: asyncpg.Connection, *, after_seq: int, subject_prefix: str, limit: int = 500) -> list:
    return await _fetch(
        conn, "SELECT seq, id, subject, CAST(payload AS text) AS payload, created_at FROM outbox "
        "WHERE seq > :after AND subject LIKE :prefix ORDER BY seq LIMIT :n",
        {"after": after_seq, "prefix": like_escape(subject_prefix) + "%", "n": limit})


def _where(conditions: list[str]) -> str:
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""
