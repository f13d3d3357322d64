"""Extract worker: pull `duban.documents.ingested`, read the original, extract, publish `duban.documents.extracted`.

Several replicas share the durable pull consumer `extract`. A file that cannot be read is a result, not an
error: it is published with `failure` so the registry marks the submission failed with the reason.
A result too big for one NATS message goes to the extractions bucket and the event carries `documents_ref`.
"""
from __future__ import annotations

import asyncio
import atexit
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import orjson

from services.extract import EXTRACTOR_VERSION
from services.extract.model import to_contract
from services.extract.pipeline import extract_text_with_warnings
from services.ingest.readers import UnreadableDocument, read_document, sniff
from services.runtime import bus
from services.runtime.app import Context
from services.runtime.children import stop_resource_tracker
from services.runtime.embedded import die_with_parent
from services.runtime.metrics import CLAUSES_EXTRACTED, EXTRACTION_SECONDS

log = logging.getLogger("duban.extract")

# Fetched together, so the extraction worker always has the next document queued while the event loop reads
# originals and publishes results (a small batch left it idle at each batch's end) ...
CONSUMER_BATCH = 64
# ... but only this many per worker process are read into memory and extracted at once (originals run to 50 MB).
IN_FLIGHT_PER_PROCESS = 8
HEADERS_ALLOWANCE = 4096  # NATS counts headers (message id, trace context) in its max_payload
# A text or HTML original up to this size is extracted on the event loop: at about 3 MB/s that holds the loop for
# a few milliseconds, less than handing the document to a worker process and its result back costs (pickling,
# pipes, the pool's manager thread taking turns with the loop for the interpreter lock). Bigger ones, and PDF
# and DOCX files (slow and crash-prone readers), go to the worker processes.
INLINE_BYTES = 16 * 1024
# Extracted once by each new worker process, so the imports, compiled patterns and unit directory it needs are
# ready before the first real document arrives (they cost about a second of CPU).
WARM_UP_TEXT = "关于做好汛期安全工作的通知\n各县（市、区）人民政府：\n一、市水利局牵头，6月底前完成水库安全检查。\n"


def extracted_event(data: bytes, filename: str, doc_id: str) -> tuple[bytes, int, int, str | None]:
    """Pure: file bytes → the `extracted` event, JSON-encoded (in the worker process: only bytes cross back), and
    its clause count, document count and failure."""
    body = extract_bytes(data, filename)
    payload = {"doc_id": doc_id, "extractor_version": EXTRACTOR_VERSION, "source_file": filename, **body}
    return (orjson.dumps(payload), sum(len(d["clauses"]) for d in body["documents"]), len(body["documents"]),
            body["failure"])


def extract_bytes(data: bytes, filename: str) -> dict:
    """Pure: file bytes → the `extracted` event body (without doc_id)."""
    try:
        read = read_document(data, filename)
    except UnreadableDocument as exc:
        return {"documents": [], "warnings": [], "failure": exc.reason}
    documents, warnings = extract_text_with_warnings(read.text, filename)
    # The event also carries each document's normalised text (not part of `duban extract` output), so the
    # registry can show facts in place at their spans.
    return {"documents": [{**to_contract(d), "text": d.text} for d in documents], "warnings": [*read.warnings, *warnings],
            "failure": None}


def warm_up() -> int:
    """Run in each new worker process before any document: returns the clauses found in WARM_UP_TEXT."""
    return sum(len(d["clauses"]) for d in extract_bytes(WARM_UP_TEXT.encode(), "warm-up.txt")["documents"])


class ExtractComponent:
    name = "extract"
    needs_database = False
    grpc_services: list[str] = []

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._in_flight = asyncio.Semaphore(IN_FLIGHT_PER_PROCESS)

    async def start(self, ctx: Context) -> None:
        self._ctx = ctx
        # Extraction is CPU-bound Python: in worker processes it runs beside the service's event loop instead of
        # taking turns with it for the interpreter lock, and `duban up` uses more than one core.
        self._processes = ctx.settings.extract_processes
        if self._processes:
            self._pool = _new_pool(self._processes)
        self._in_flight = asyncio.Semaphore(IN_FLIGHT_PER_PROCESS * max(self._processes, 1))
        ctx.spawn(bus.run_pull_consumer(ctx.js, stream="DUBAN_DOCUMENTS", durable="extract",
                                        subject=bus.SUBJECT_INGESTED, handler=self.handle, batch=CONSUMER_BATCH,
                                        stop=ctx.stop,
                                        max_deliver=ctx.settings.max_deliver), "extract-consumer")

    async def handle(self, msg) -> None:
        try:
            event = orjson.loads(msg.data)
            doc_id, source = event["doc_id"], event.get("source", "")
            original = bus.inline_original(event)
        except (ValueError, KeyError, AttributeError) as exc:
            raise bus.PoisonMessage(f"malformed ingested event: {exc}") from exc
        async with self._in_flight:
            if original is None:
                original = await bus.get_object(self._ctx.js, bus.ORIGINALS_BUCKET, doc_id)
            await self._extract_and_publish(doc_id, source, original)

    async def _extract_and_publish(self, doc_id: str, source: str, original: bytes) -> None:
        started = time.perf_counter()
        data, clauses, documents, failure = await self._extract(original, source, doc_id)
        EXTRACTION_SECONDS.observe(time.perf_counter() - started)
        CLAUSES_EXTRACTED.inc(clauses)
        if len(data) > self._ctx.nc.max_payload - HEADERS_ALLOWANCE:  # NATS would refuse it on every attempt
            data = orjson.dumps(await self._store_documents(orjson.loads(data)))
        await bus.publish_json(self._ctx.js, bus.SUBJECT_EXTRACTED, data, msg_id=f"{doc_id}:{EXTRACTOR_VERSION}")
        log.info("document extracted", extra={"doc_id": doc_id, "documents": documents, "failure": failure})

    async def _extract(self, original: bytes, source: str, doc_id: str) -> tuple[bytes, int, int, str | None]:
        if extracts_inline(original):
            return extracted_event(original, source, doc_id)
        if self._pool is None:  # CPU-bound: a thread keeps the event loop (acks, health, gRPC) responsive
            return await asyncio.to_thread(extracted_event, original, source, doc_id)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, extracted_event, original, source,
                                                                    doc_id)
        except BrokenProcessPool:
            # A worker died (killed, out of memory, a crash in a PDF library): this document is retried, and
            # dead-lettered if it does that every time; the others go on in a new pool.
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = _new_pool(self._processes)
            raise RuntimeError(f"extraction worker process died while extracting {doc_id}") from None

    async def _store_documents(self, payload: dict) -> dict:
        """Put the documents in the extractions bucket; return the event with a reference in their place.

        The name is fixed by doc_id and extractor version, so a redelivery overwrites the same object.
        """
        name = f"{payload['doc_id']}/{EXTRACTOR_VERSION}"
        store = await bus.object_store(self._ctx.js, bus.EXTRACTIONS_BUCKET)
        await store.put(name, orjson.dumps(payload["documents"]))
        event = {key: value for key, value in payload.items() if key != "documents"}
        return {**event, "documents_ref": {"bucket": bus.EXTRACTIONS_BUCKET, "name": name}}

    async def close(self) -> None:
        if self._pool is not None:  # wait for the workers to exit: none may outlive the service
            await asyncio.to_thread(self._pool.shutdown, wait=True, cancel_futures=True)


def extracts_inline(original: bytes) -> bool:
    return len(original) <= INLINE_BYTES and sniff.sniff_media_type(original) in (sniff.TEXT, sniff.HTML)


def _new_pool(processes: int) -> ProcessPoolExecutor:
    # spawn, not fork: the service process has threads and an event loop that a forked child must not inherit.
    # Workers die with the service, even when it is killed (their queues never report its death to them).
    pool = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                               initializer=die_with_parent, initargs=(os.getpid(),))
    # The pool starts multiprocessing's resource tracker, which would outlive this process by a moment: stopped
    # when the process exits, once every pool is gone (a second registration finds nothing left to stop).
    atexit.register(stop_resource_tracker)
    for _ in range(processes):  # starts the processes now, and warms them up, rather than at the first document
        pool.submit(warm_up)
    return pool
