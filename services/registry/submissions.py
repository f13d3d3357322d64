"""Submitted files and how far each got: received → extracted → registered, or failed with a reason.

Ingest records a file when it accepts it; the registry consumer moves it on (or marks it failed when the
extraction failed or its message was dead-lettered). Keyed by doc_id, the SHA-256 of the file.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.runtime.db import autocommit, sql

STATES = ("received", "extracted", "registered", "failed")


@dataclass(frozen=True)
class SubmissionStatus:
    doc_id: str
    filename: str
    media_type: str
    size: int
    state: str
    reason: str | None
    doc_numbers: list[str]
    received_at: datetime
    updated_at: datetime


async def record_received(pool: asyncpg.Pool, *, doc_id: str, filename: str, media_type: str,
                          size: int) -> str | None:
    """Record an accepted file; returns the state it had before (None: a new file), all in one statement.
    A resubmission of a failed file starts it again from `received`; a file in any other state is left as is.
    (On ingest's lean pool: once per submitted document.)"""
    return await pool.fetchval(
        "WITH previous AS (SELECT state FROM submissions WHERE doc_id = $1), "
        "recorded AS (INSERT INTO submissions (doc_id, filename, media_type, size, state) "
        "VALUES ($1, $2, $3, $4, 'received') "
        "ON CONFLICT (doc_id) DO UPDATE SET state = 'received', reason = NULL, filename = EXCLUDED.filename, "
        "media_type = EXCLUDED.media_type, updated_at = now() WHERE submissions.state = 'failed') "
        "SELECT (SELECT state FROM previous)", doc_id, filename, media_type, size)


async def mark_failed(engine: AsyncEngine, doc_id: str, reason: str) -> None:
    """Mark a submission failed with the reason; creates the row if ingest never recorded it (replays)."""
    async with autocommit(engine).connect() as conn:
        await conn.execute(sql(
            "INSERT INTO submissions (doc_id, filename, size, state, reason) VALUES (:doc_id, '', 0, 'failed', :r) "
            "ON CONFLICT (doc_id) DO UPDATE SET state = 'failed', reason = :r, updated_at = now()"),
            {"doc_id": doc_id, "r": reason})


@dataclass(frozen=True)
class Registered:
    doc_id: str
    source_file: str
    doc_numbers: list[str]
    extractor_version: str


async def mark_registered(conn: AsyncConnection, registered: list[Registered]) -> None:
    """Inside the registry's write transaction: these submissions' documents are stored (one pipelined
    statement for all)."""
    if not registered:
        return
    await conn.execute(sql(
        "INSERT INTO submissions (doc_id, filename, size, state, doc_numbers, extractor_version) "
        "VALUES (:doc_id, :f, 0, 'registered', :n, :v) "
        "ON CONFLICT (doc_id) DO UPDATE SET state = 'registered', reason = NULL, doc_numbers = :n, "
        "extractor_version = :v, updated_at = now()"),
        [{"doc_id": r.doc_id, "f": r.source_file, "n": r.doc_numbers, "v": r.extractor_version}
         for r in registered])


async def get_status(engine: AsyncEngine, doc_id: str) -> SubmissionStatus | None:
    async with autocommit(engine).connect() as conn:
        row = (await conn.execute(sql(
            "SELECT doc_id, filename, media_type, size, state, reason, doc_numbers, received_at, updated_at "
            "FROM submissions WHERE doc_id = :doc_id"), {"doc_id": doc_id})).one_or_none()
    return None if row is None else SubmissionStatus(*row)


async def list_submissions(engine: AsyncEngine, doc_ids: list[str] | None = None) -> list[SubmissionStatus]:
    """Every submission (or those named), oldest first: what `duban reextract` sends through extraction again."""
    query = ("SELECT doc_id, filename, media_type, size, state, reason, doc_numbers, received_at, updated_at "
             "FROM submissions" + (" WHERE doc_id = ANY(:ids)" if doc_ids is not None else "")
             + " ORDER BY received_at, doc_id")
    async with autocommit(engine).connect() as conn:
        rows = (await conn.execute(sql(query), {"ids": doc_ids} if doc_ids is not None else {})).all()
    return [SubmissionStatus(*row) for row in rows]
