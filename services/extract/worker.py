"""Extract worker: pull `duban.documents.ingested`, read the original, extract, publish `duban.documents.extracted`.

Several replicas share the durable pull consumer `extract`. A file that cannot be read is a result, not an
error: it is published with `failure` so the registry marks the submission failed with the reason.
A result too big for one NATS message goes to the extractions bucket and the event carries `documents_ref`.
"""
from __future__ import annotations

import asyncio
import logging
import time

import orjson

from services.extract import EXTRACTOR_VERSION
from services.extract.model import to_contract
from services.extract.pipeline import extract_text_with_warnings
from services.ingest.readers import UnreadableDocument, read_document
from services.runtime import bus
from services.runtime.app import Context
from services.runtime.metrics import CLAUSES_EXTRACTED, EXTRACTION_SECONDS

log = logging.getLogger("duban.extract")

HEADERS_ALLOWANCE = 4096  # NATS counts headers (message id, trace context) in its max_payload


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


class ExtractComponent:
    name = "extract"
    needs_database = False
    grpc_services: list[str] = []

    async def start(self, ctx: Context) -> None:
        self._ctx = ctx
        ctx.spawn(bus.run_pull_consumer(ctx.js, stream="DUBAN_DOCUMENTS", durable="extract",
                                        subject=bus.SUBJECT_INGESTED, handler=self.handle, stop=ctx.stop,
                                        max_deliver=ctx.settings.max_deliver), "extract-consumer")

    async def handle(self, msg) -> None:
        try:
            event = orjson.loads(msg.data)
            doc_id, source = event["doc_id"], event.get("source", "")
        except (ValueError, KeyError) as exc:
            raise bus.PoisonMessage(f"malformed ingested event: {exc}") from exc
        original = await bus.get_object(self._ctx.js, bus.ORIGINALS_BUCKET, doc_id)
        started = time.perf_counter()
        # CPU-bound: keep the event loop (acks, health, gRPC) responsive while it runs.
        body = await asyncio.to_thread(extract_bytes, original, source)
        EXTRACTION_SECONDS.observe(time.perf_counter() - started)
        CLAUSES_EXTRACTED.inc(sum(len(d["clauses"]) for d in body["documents"]))
        payload = {"doc_id": doc_id, "extractor_version": EXTRACTOR_VERSION, "source_file": source, **body}
        data = orjson.dumps(payload)  # encoded once: measured here, published as is
        if len(data) > self._ctx.nc.max_payload - HEADERS_ALLOWANCE:  # NATS would refuse it on every attempt
            data = orjson.dumps(await self._store_documents(payload))
        await bus.publish_json(self._ctx.js, bus.SUBJECT_EXTRACTED, data, msg_id=f"{doc_id}:{EXTRACTOR_VERSION}")
        log.info("document extracted", extra={"doc_id": doc_id, "documents": len(body["documents"]),
                                               "failure": body["failure"]})

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
        pass
