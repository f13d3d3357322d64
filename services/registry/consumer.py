"""Handlers for the registry's two consumers: extraction results, and dead letters about submitted files."""
from __future__ import annotations

import logging
from collections.abc import Callable

import orjson
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from sqlalchemy.ext.asyncio import AsyncEngine

from services.registry import submissions
from services.registry.store import ExtractedFile, MalformedExtraction, StoredDocument, store_extractions
from services.registry.units import UnitDirectory
from services.runtime import bus
from services.runtime.bus import PoisonMessage

log = logging.getLogger("duban.registry.consumer")

DEADLETTER_STAGES_ABOUT_FILES = ("extract", "registry")  # dead letters whose message named a submitted file


def parse_extracted(data: bytes) -> dict:
    try:
        event = orjson.loads(data)
    except ValueError as exc:
        raise PoisonMessage(f"extracted event is not JSON: {exc}") from exc
    if not isinstance(event, dict) or not isinstance(event.get("doc_id"), str) or not event["doc_id"]:
        raise PoisonMessage("extracted event has no doc_id")
    if not isinstance(event.get("documents", []), list):
        raise PoisonMessage("extracted event's documents is not a list")
    ref = event.get("documents_ref")
    if ref is not None and not (isinstance(ref, dict) and isinstance(ref.get("bucket"), str)
                                and isinstance(ref.get("name"), str)):
        raise PoisonMessage("extracted event's documents_ref is not {bucket, name}")
    return event


async def load_documents(js: JetStreamContext, event: dict) -> list:
    """The event's documents: inline, or, for a result too big for one message, from the object it names."""
    ref = event.get("documents_ref")
    if ref is None:
        return event.get("documents") or []
    try:
        stored = await bus.get_object(js, ref["bucket"], ref["name"])
    except NotFoundError as exc:  # deleted, or its bucket lost: a retry will not find it either
        raise PoisonMessage(f"extraction result {ref['bucket']}/{ref['name']} is not in the object store") \
            from exc
    try:
        documents = orjson.loads(stored)
    except ValueError as exc:
        raise PoisonMessage(f"extraction result {ref['bucket']}/{ref['name']} is not JSON: {exc}") from exc
    if not isinstance(documents, list):
        raise PoisonMessage(f"extraction result {ref['bucket']}/{ref['name']} is not a list of documents")
    return documents


def extracted_handler(engine: AsyncEngine, directory: UnitDirectory, on_stored: Callable[[], None],
                      js: JetStreamContext):
    """Handle `duban.documents.extracted`: store the documents (idempotent) or mark the submission failed."""
    async def handle(msg) -> None:
        event = parse_extracted(msg.data)
        doc_id = event["doc_id"]
        if event.get("failure"):
            await submissions.mark_failed(engine, doc_id, str(event["failure"]))
            log.warning("extraction failed", extra={"doc_id": doc_id, "reason": event["failure"]})
            return
        documents = await load_documents(js, event)
        try:
            [stored] = await store_extractions(engine, directory, [_extracted_file(event, documents)])
        except MalformedExtraction as exc:
            await submissions.mark_failed(engine, doc_id, f"registry refused the extraction: {exc}")
            raise PoisonMessage(str(exc)) from exc
        _report_stored(stored, on_stored, "extraction registered", doc_id=doc_id)
    return handle


def extracted_batch_handler(engine: AsyncEngine, directory: UnitDirectory, on_stored: Callable[[], None],
                            js: JetStreamContext):
    """Handle a fetched batch of `duban.documents.extracted` in one transaction. Events that are not plain
    extractions (failures, malformed ones) are left to the one-by-one handler, which reports them."""
    async def handle_batch(msgs: list) -> list:
        files, taken = [], []
        for msg in msgs:
            try:
                event = parse_extracted(msg.data)
                if event.get("failure"):
                    continue
                documents = await load_documents(js, event)
            except Exception:  # noqa: BLE001 (handled, and reported, one by one)
                continue
            files.append(_extracted_file(event, documents, (msg.headers or {}).get("traceparent")))
            taken.append(msg)
        if not files:
            return []
        stored = await store_extractions(engine, directory, files)
        _report_stored([d for file_stored in stored for d in file_stored], on_stored, "extractions registered",
                       files=len(files), doc_ids=[f.doc_id for f in files])
        return taken
    return handle_batch


def _extracted_file(event: dict, documents: list, traceparent: str | None = None) -> ExtractedFile:
    return ExtractedFile(event["doc_id"], str(event.get("extractor_version") or "0"),
                         str(event.get("source_file") or ""), documents, traceparent=traceparent)


def _report_stored(stored: list[StoredDocument], on_stored: Callable[[], None], message: str, **extra) -> None:
    """Wake the relay if the documents stored wrote events, and log what was stored."""
    written = sum(d.events for d in stored)
    if written:
        on_stored()
    log.info(message, extra={**extra, "documents": len(stored), "changed": sum(d.changed for d in stored),
                              "events": written})


def deadletter_handler(engine: AsyncEngine):
    """Handle `duban.deadletter.>`: a dead-lettered message about a submitted file marks that file failed."""
    async def handle(msg) -> None:
        stage = msg.subject.rsplit(".", 1)[-1]
        try:
            letter = orjson.loads(msg.data)
            original = orjson.loads(letter.get("data") or "{}")
        except (ValueError, AttributeError):
            return  # not ours to judge: never dead-letter a dead letter
        doc_id = original.get("doc_id") if isinstance(original, dict) else None
        if stage in DEADLETTER_STAGES_ABOUT_FILES and isinstance(doc_id, str) and doc_id:
            await submissions.mark_failed(engine, doc_id, f"{stage}: {letter.get('reason') or 'dead-lettered'}")
    return handle
