"""IngestService: accept a streamed file, store the original, record it, publish `duban.documents.ingested`."""
from __future__ import annotations

import hashlib
import logging
import time

import asyncpg
import grpc
from nats.js.errors import NotFoundError

from duban.ingest.v1 import ingest_pb2, ingest_pb2_grpc
from services.registry import submissions
from services.runtime import bus
from services.runtime.app import Context
from services.runtime.db import open_statement_pool
from services.runtime.metrics import DOCUMENTS_INGESTED
from services.runtime.tracing import tracer

log = logging.getLogger("duban.ingest")

_STATES = {
    "received": ingest_pb2.INGEST_STATE_RECEIVED,
    "extracted": ingest_pb2.INGEST_STATE_EXTRACTED,
    "registered": ingest_pb2.INGEST_STATE_REGISTERED,
    "failed": ingest_pb2.INGEST_STATE_FAILED,
}


class SubmissionRefused(Exception):
    """A submission that is refused up front; the message is the reason the client sees."""


async def store_and_publish(ctx: Context, pool: asyncpg.Pool, data: bytes, filename: str,
                            media_type: str) -> tuple[str, bool]:
    """Store the original and queue it for extraction. Returns (doc_id, duplicate). Idempotent by content."""
    if not data:
        raise SubmissionRefused("empty file: nothing to ingest")
    limit = ctx.settings.max_document_bytes
    if len(data) > limit:
        raise SubmissionRefused(f"file is {len(data)} bytes, over the limit of {limit} bytes")
    doc_id = hashlib.sha256(data).hexdigest()
    with tracer.start_as_current_span("ingest document", attributes={"duban.doc_id": doc_id}):
        return await _store_and_publish(ctx, pool, data, doc_id, filename, media_type)


async def _store_and_publish(ctx: Context, pool: asyncpg.Pool, data: bytes, doc_id: str, filename: str,
                             media_type: str) -> tuple[str, bool]:
    # The row first, in the same statement that says whether the file is new: a crash before the original is
    # stored leaves a `received` row, and the client's retry (it had no answer) stores and publishes it below.
    previous = await submissions.record_received(pool, doc_id=doc_id, filename=filename,
                                                 media_type=media_type, size=len(data))
    if previous in ("extracted", "registered"):
        DOCUMENTS_INGESTED.labels("duplicate").inc()
        return doc_id, True
    if previous is None:  # new content: nothing stored under its id yet
        await bus.put_new_object(ctx.js, bus.ORIGINALS_BUCKET, doc_id, data)
    else:
        store = await bus.object_store(ctx.js, bus.ORIGINALS_BUCKET)
        try:
            await store.get_info(doc_id)
        except NotFoundError:
            await store.put(doc_id, data)  # put replaces the chunks of a copy left by an interrupted submission
    event = bus.ingested_event(doc_id, media_type, filename, len(data), data)
    if previous == "received":
        # A crash may have come between the row and the event: publish again. Nats-Msg-Id deduplicates the
        # common case where the first event did go out.
        await bus.publish_json(ctx.js, bus.SUBJECT_INGESTED, event, msg_id=doc_id)
        DOCUMENTS_INGESTED.labels("duplicate").inc()
        return doc_id, True
    # A retry after failure needs a fresh id, or the duplicate window would swallow it.
    msg_id = doc_id if previous is None else f"{doc_id}:retry:{time.time_ns()}"
    await bus.publish_json(ctx.js, bus.SUBJECT_INGESTED, event, msg_id=msg_id)
    DOCUMENTS_INGESTED.labels("accepted").inc()
    log.info("document ingested", extra={"doc_id": doc_id, "source": filename, "size": len(data)})
    return doc_id, False


class IngestServicer(ingest_pb2_grpc.IngestServiceServicer):
    def __init__(self, ctx: Context, pool: asyncpg.Pool) -> None:
        self._ctx, self._pool = ctx, pool

    async def SubmitDocument(self, request_iterator, context):
        filename = media_type = ""
        parts: list[bytes] = []
        size, limit = 0, self._ctx.settings.max_document_bytes
        first = True
        async for chunk in request_iterator:
            if first:
                filename, media_type, first = chunk.filename, chunk.media_type, False
            size += len(chunk.chunk)
            if size > limit:
                await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                    f"file exceeds the limit of {limit} bytes; refused")
            parts.append(chunk.chunk)
        doc_id, duplicate = await self._submit(context, b"".join(parts), filename, media_type)
        return ingest_pb2.SubmitDocumentResponse(doc_id=doc_id, duplicate=duplicate, size=size)

    async def SubmitSmallDocument(self, request, context):
        doc_id, duplicate = await self._submit(context, request.content, request.filename, request.media_type)
        return ingest_pb2.SubmitSmallDocumentResponse(doc_id=doc_id, duplicate=duplicate,
                                                      size=len(request.content))

    async def _submit(self, context, data: bytes, filename: str, media_type: str) -> tuple[str, bool]:
        try:
            return await store_and_publish(self._ctx, self._pool, data, filename or "unnamed", media_type)
        except SubmissionRefused as exc:
            DOCUMENTS_INGESTED.labels("refused").inc()
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))

    async def GetIngestStatus(self, request, context):
        if not request.doc_id:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "doc_id is required")
        status = await submissions.get_status(self._ctx.engine, request.doc_id)
        if status is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no document with id {request.doc_id}")
        return ingest_pb2.GetIngestStatusResponse(doc_id=request.doc_id, state=_STATES.get(status.state, 0),
                                                  reason=status.reason or "",
                                                  doc_numbers=list(status.doc_numbers or []))

    async def ReextractDocuments(self, request, context):
        if not request.all and not request.doc_ids:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "name doc_ids or set all")
        queued, missing = await requeue_for_extraction(self._ctx, None if request.all else list(request.doc_ids))
        log.info("re-extraction queued", extra={"queued": queued, "missing": len(missing)})
        return ingest_pb2.ReextractDocumentsResponse(queued=queued, missing_doc_ids=missing)


async def requeue_for_extraction(ctx: Context, doc_ids: list[str] | None) -> tuple[int, list[str]]:
    """Publish `ingested` again for stored originals (all when doc_ids is None). Returns (queued, missing)."""
    known = await submissions.list_submissions(ctx.engine, doc_ids)
    store = await bus.object_store(ctx.js, bus.ORIGINALS_BUCKET)
    queued, missing = 0, sorted(set(doc_ids or []) - {s.doc_id for s in known})
    stamp = time.time_ns()
    for sub in known:
        try:
            await store.get_info(sub.doc_id)
        except NotFoundError:
            missing.append(sub.doc_id)
            continue
        await bus.publish_json(ctx.js, bus.SUBJECT_INGESTED,  # without the original: extract reads the stored one
                               bus.ingested_event(sub.doc_id, sub.media_type, sub.filename, sub.size),
                               msg_id=f"{sub.doc_id}:reextract:{stamp}")
        queued += 1
    return queued, missing


class IngestComponent:
    name = "ingest"
    needs_database = True
    grpc_services = [ingest_pb2.DESCRIPTOR.services_by_name["IngestService"].full_name]

    _pool: asyncpg.Pool | None = None

    async def start(self, ctx: Context) -> None:
        # Each submission's row is one statement: on a lean pool it is one round trip, without SQLAlchemy's
        # checkout and statement compilation.
        self._pool = await open_statement_pool(ctx.settings.database_url)
        ingest_pb2_grpc.add_IngestServiceServicer_to_server(IngestServicer(ctx, self._pool), ctx.server)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
