"""NATS JetStream: connection, the streams and buckets of the pipeline, idempotent publishes, dead letters."""
from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import hashlib
import itertools
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

import nats
import orjson
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import (AckPolicy, ConsumerConfig, Header, ObjectInfo, ObjectMetaOptions, ObjectStoreConfig,
                         RetentionPolicy, StorageType, StreamConfig)
from nats.js.errors import APIError, DigestMismatchError, NoStreamResponseError, NotFoundError
from nats.js.object_store import (MSG_ROLLUP_SUBJECT, OBJ_CHUNKS_PRE_TEMPLATE, OBJ_DEFAULT_CHUNK_SIZE,
                                  OBJ_DIGEST_TEMPLATE, OBJ_META_PRE_TEMPLATE, OBJ_STREAM_TEMPLATE, ObjectStore)
from nats.nuid import NUID

from services.runtime.metrics import DEADLETTERED, MESSAGES_PROCESSED
from services.runtime.shutdown import pause
from services.runtime.tracing import inject_headers, span_from_headers
from services.runtime.unavailable import is_unavailable

log = logging.getLogger("duban.bus")

UNAVAILABLE_RETRY_SECONDS = 1.0
# Messages in hand get in_progress heartbeats, so this bounds only how long the work of a crashed consumer
# waits before JetStream gives it to another, not how long handling may take.
ACK_WAIT_SECONDS = 10.0
SUBJECT_INGESTED = "duban.documents.ingested"
SUBJECT_EXTRACTED = "duban.documents.extracted"
SUBJECT_REGISTRY_PREFIX = "duban.registry"
SUBJECT_DEADLETTER_PREFIX = "duban.deadletter"
ORIGINALS_BUCKET = "duban-originals"
# Originals up to this size also travel in their `ingested` event (see ingested_event).
INLINE_ORIGINAL_BYTES = 16 * 1024
# Extraction results too big for one message; the `extracted` event then carries a reference.
EXTRACTIONS_BUCKET = "duban-extractions"

STREAMS = (
    # Work queue: a document is extracted once, whichever worker takes it.
    StreamConfig(name="DUBAN_DOCUMENTS", subjects=[SUBJECT_INGESTED], retention=RetentionPolicy.WORK_QUEUE,
                 storage=StorageType.FILE),
    # Limits retention so extractions can be replayed into the registry.
    StreamConfig(name="DUBAN_EXTRACTED", subjects=[SUBJECT_EXTRACTED], storage=StorageType.FILE),
    StreamConfig(name="DUBAN_REGISTRY", subjects=[f"{SUBJECT_REGISTRY_PREFIX}.>"], storage=StorageType.FILE),
    StreamConfig(name="DUBAN_DEADLETTER", subjects=[f"{SUBJECT_DEADLETTER_PREFIX}.>"], storage=StorageType.FILE),
)


async def connect(url: str, name: str) -> Client:
    async def on_error(exc: Exception) -> None:
        log.warning("nats error", extra={"error": str(exc)})

    return await nats.connect(url, name=name, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                              error_cb=on_error, connect_timeout=5)


async def ensure_streams(js: JetStreamContext, replicas: int = 1) -> None:
    """Create the pipeline's streams and object store buckets if missing (idempotent).

    `replicas` is 1 for `duban up`; a production cluster sets DUBAN_NATS_REPLICAS=3 so losing one NATS node
    loses no stream data.
    """
    for config in STREAMS:
        try:
            await js.stream_info(config.name)
        except NotFoundError:
            await js.add_stream(dataclasses.replace(config, num_replicas=replicas))
    for bucket in (ORIGINALS_BUCKET, EXTRACTIONS_BUCKET):
        try:
            await js.object_store(bucket)
        except Exception:
            await js.create_object_store(bucket, config=ObjectStoreConfig(bucket=bucket, replicas=replicas))


async def object_store(js: JetStreamContext, bucket: str) -> ObjectStore:
    """The bucket's handle, looked up once per JetStream context: `js.object_store()` asks the server for the
    bucket's stream info on every call, a round trip per document for nothing."""
    stores = js.__dict__.setdefault("_duban_object_stores", {})
    if bucket not in stores:
        stores[bucket] = await js.object_store(bucket)
    return stores[bucket]


async def get_object(js: JetStreamContext, bucket: str, name: str) -> bytes:
    """An object's bytes. One in a single chunk (any document under 128 KiB) is read with one direct get of that
    chunk: the library's `get` creates a consumer on the server for every read."""
    store = await object_store(js, bucket)
    info = await store.get_info(name)
    if info.chunks != 1 or info.is_link() or not info.digest:
        return (await store.get(name)).data
    chunk = await js.get_last_msg(f"OBJ_{bucket}", f"$O.{bucket}.C.{info.nuid}")
    if hashlib.sha256(chunk.data).digest() != base64.urlsafe_b64decode(info.digest.partition("=")[2]):
        raise DigestMismatchError
    return chunk.data


_object_nuids = NUID()


async def put_new_object(js: JetStreamContext, bucket: str, name: str, data: bytes) -> None:
    """Store an object that does not exist yet: the chunk and meta messages `ObjectStore.put` writes, without
    its lookup of a previous version to clean up (a JetStream API round trip per document). Readers see no
    difference. Chunks first, then meta, so no reader finds a meta whose chunks are missing."""
    nuid = _object_nuids.next().decode()
    chunk_subject = OBJ_CHUNKS_PRE_TEMPLATE.format(bucket=bucket, obj=nuid)
    step = OBJ_DEFAULT_CHUNK_SIZE
    chunks = [data[start:start + step] for start in range(0, len(data), step)]
    try:
        for chunk in chunks:
            await js.publish(chunk_subject, chunk)
    except Exception:
        await js.purge_stream(OBJ_STREAM_TEMPLATE.format(bucket=bucket), subject=chunk_subject)
        raise
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode()
    info = ObjectInfo(name=name, bucket=bucket, nuid=nuid, size=len(data), chunks=len(chunks),
                      mtime=datetime.now(timezone.utc).isoformat(), digest=OBJ_DIGEST_TEMPLATE.format(digest=digest),
                      options=ObjectMetaOptions(max_chunk_size=step))
    meta_subject = OBJ_META_PRE_TEMPLATE.format(bucket=bucket, obj=base64.urlsafe_b64encode(name.encode()).decode())
    await js.publish(meta_subject, orjson.dumps(info.as_dict()), headers={Header.ROLLUP: MSG_ROLLUP_SUBJECT})


def ingested_event(doc_id: str, media_type: str, source: str, size: int,
                   data: bytes | None = None) -> dict[str, Any]:
    """The `ingested` event of a stored original. Given its bytes, a small one (most notices) also rides in it,
    base64-encoded, so extract need not read it back from the object store: two round trips and a decode per
    document."""
    event: dict[str, Any] = {"doc_id": doc_id, "media_type": media_type, "source": source, "size": size}
    if data is not None and len(data) <= INLINE_ORIGINAL_BYTES:
        event["original"] = base64.b64encode(data).decode("ascii")
    return event


def inline_original(event: dict[str, Any]) -> bytes | None:
    """The original carried in an `ingested` event, or None (read it from the object store). Raises ValueError
    when it is not valid base64 or not the file its doc_id (SHA-256) names."""
    encoded = event.get("original")
    if encoded is None:
        return None
    try:
        data = base64.b64decode(encoded, validate=True)
    except (TypeError, binascii.Error) as exc:
        raise ValueError(f"inline original is not base64: {exc}") from None
    if hashlib.sha256(data).hexdigest() != event.get("doc_id"):
        raise ValueError("inline original does not match its doc_id")
    return data


def nats_probe(nc: Client, js: JetStreamContext):
    async def probe() -> bool:
        if not nc.is_connected:
            return False
        await js.account_info()
        return True
    return probe


async def publish_json(js: JetStreamContext, subject: str, payload: dict[str, Any] | bytes, msg_id: str,
                       headers: dict[str, str] | None = None) -> bool:
    """Publish with Nats-Msg-Id so a retried publish is deduplicated; returns False for a duplicate.

    `payload` is a dict, or its JSON already encoded (a caller that had to measure it)."""
    outgoing = inject_headers({"Nats-Msg-Id": msg_id, **(headers or {})})
    data = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    ack = await js.publish(subject, data, headers=outgoing)
    return not ack.duplicate


class BatchPublisher:
    """JetStream publishes whose acks are awaited together: one reply subscription for all of them and a future
    per message. What `js.publish_async` does, without what costs it most per message (a semaphore wait, a
    random token from os.urandom, a PubAck object built by reflection): the outbox relay publishes every event
    of the registry through it."""

    def __init__(self, nc: Client) -> None:
        self._nc = nc
        self._prefix: str | None = None
        self._tokens = itertools.count()
        self._waiting: dict[str, asyncio.Future] = {}

    async def publish(self, messages: list[tuple[str, bytes, dict[str, str]]], timeout: float) -> None:
        """Publish (subject, payload, headers) messages; returns once JetStream has stored every one. Raises the
        first refusal (a JetStream API error, no stream for the subject), or TimeoutError past `timeout`."""
        if self._prefix is None:
            prefix = f"{self._nc.new_inbox()}."
            await self._nc.subscribe(f"{prefix}*", cb=self._on_ack)
            self._prefix = prefix
        loop = asyncio.get_running_loop()
        pending: dict[str, asyncio.Future] = {}
        try:
            for subject, payload, headers in messages:
                token = str(next(self._tokens))
                pending[token] = self._waiting[token] = loop.create_future()
                await self._nc.publish(subject, payload, reply=self._prefix + token, headers=headers)
            await asyncio.wait_for(asyncio.gather(*pending.values()), timeout)
        finally:
            for token, ack in pending.items():  # an ack that never came must not stay waited for
                del self._waiting[token]
                ack.cancel()

    async def _on_ack(self, msg) -> None:
        ack = self._waiting.get(msg.subject[len(self._prefix or ""):])
        if ack is None or ack.done():
            return
        if msg.headers and msg.headers.get("Status") == "503":
            ack.set_exception(NoStreamResponseError())  # no stream takes the subject
            return
        try:
            reply = orjson.loads(msg.data)
        except ValueError as exc:
            ack.set_exception(exc)
            return
        if "error" not in reply:
            ack.set_result(None)
            return
        try:
            APIError.from_error(reply["error"])  # raises the error's own class (BadRequestError, …)
        except APIError as exc:
            ack.set_exception(exc)


Handler = Callable[[Any], Awaitable[None]]
BatchHandler = Callable[[list], Awaitable[list]]  # handles what it can of a batch; returns those messages


class PoisonMessage(Exception):
    """Input that can never be processed: dead-letter it at once instead of retrying."""


async def _next_batch(sub, batch: int) -> list:
    """Up to `batch` messages, returned as soon as one is there.

    `fetch(batch)` waits, once the first message came, for the batch to fill until its timeout: up to half a
    second added at every stage of the pipeline when documents come one at a time. So: wait for one, then take
    whatever else is already waiting."""
    msgs = await sub.fetch(1, timeout=0.5)
    if batch > 1:
        try:
            msgs += await sub.fetch(batch - 1, timeout=0.02)
        except (nats.errors.TimeoutError, asyncio.TimeoutError):
            pass
    return msgs


async def run_pull_consumer(js: JetStreamContext, *, stream: str, durable: str, subject: str, handler: Handler,
                            stop, max_deliver: int, batch: int = 16, ack_wait: float = ACK_WAIT_SECONDS,
                            batch_handler: BatchHandler | None = None) -> None:
    """Fetch and handle messages until `stop` is set. The handler must be idempotent.

    `batch_handler`, if given, is offered each batch of two or more messages first, to handle together (one
    transaction for all, say): the messages it returns are acked; the others, or all of them if it raises, go
    through `handler` one by one, with the failure handling below.

    Success → ack. PoisonMessage, or a failure on the last allowed delivery → dead-letter with the
    reason, then term. A dependency unreachable (PostgreSQL or NATS down) → keep the message and retry it
    without using up an attempt. Other failures → nak with back-off (JetStream redelivers).
    """
    await js.add_consumer(stream, ConsumerConfig(durable_name=durable, ack_policy=AckPolicy.EXPLICIT,
                                                 max_deliver=max_deliver, ack_wait=ack_wait,
                                                 filter_subject=subject))
    sub = await js.pull_subscribe(subject, durable=durable, stream=stream)
    stage = durable
    try:
        while not stop.is_set():
            try:
                msgs = await _next_batch(sub, batch)
            except (nats.errors.TimeoutError, asyncio.TimeoutError):
                continue
            except Exception as exc:  # connection trouble: nats.py reconnects; wait and try again
                log.warning("fetch failed", extra={"consumer": durable, "error": str(exc)})
                await pause(stop, 0.5)
                continue
            # Messages of the batch not handled yet are kept ours (in_progress) however long the others or a
            # dependency outage take: a redelivery would cost one of their attempts.
            # (Keyed by identity: messages are dataclasses, and their field-by-field == made finding one in a
            # list of a batch's messages cost a comparison of payloads per message ahead of it.)
            held = {id(msg): msg for msg in msgs}
            heartbeat = asyncio.create_task(_hold(held, ack_wait / 3))
            if batch_handler is not None and len(msgs) > 1:
                for msg in await _handle_batch(msgs, batch_handler, stage):
                    del held[id(msg)]
                msgs = [msg for msg in msgs if id(msg) in held]
            async def settle(msg) -> None:
                while not await _handle_one(js, msg, handler, stage, max_deliver) and not stop.is_set():
                    await pause(stop, UNAVAILABLE_RETRY_SECONDS)  # a dependency is down
                del held[id(msg)]
            try:
                await asyncio.gather(*(settle(msg) for msg in msgs))
            finally:
                heartbeat.cancel()
    finally:
        try:
            await sub.unsubscribe()  # an idle pull subscription would otherwise hold up nc.drain()
        except Exception:
            pass


async def _handle_batch(msgs: list, batch_handler: BatchHandler, stage: str) -> list:
    """The messages `batch_handler` handled, acked; none if it failed (each is then handled alone)."""
    try:
        with span_from_headers(f"consume batch of {len(msgs)}", None, **{"messaging.consumer": stage}):
            handled = await batch_handler(msgs)
    except Exception as exc:  # noqa: BLE001 (the one-by-one path retries, and reports what is wrong)
        log.warning("batch not handled together; handling its messages one by one",
                    extra={"consumer": stage, "messages": len(msgs), "error": repr(exc)})
        return []
    for msg in handled:
        await _quietly(msg.ack())
    MESSAGES_PROCESSED.labels(stage, "ok").inc(len(handled))
    return handled


async def _hold(msgs: dict, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        for msg in list(msgs.values()):
            await _quietly(msg.in_progress())


async def _quietly(awaitable) -> None:
    """Acks and the like while NATS may be away: on failure JetStream redelivers, and handlers are idempotent."""
    try:
        await awaitable
    except Exception as exc:
        log.warning("could not reply to NATS about a message", extra={"error": str(exc)})


async def _handle_one(js: JetStreamContext, msg, handler: Handler, stage: str, max_deliver: int) -> bool:
    """Handle one delivery; False when a dependency was unreachable and the message is still in hand."""
    deliveries = msg.metadata.num_delivered
    try:
        with span_from_headers(f"consume {msg.subject}", msg.headers, **{"messaging.consumer": stage,
                                                                         "messaging.delivery": deliveries}):
            await handler(msg)
    except PoisonMessage as exc:
        await _quietly(_dead_letter_and_term(js, msg, stage, str(exc)))
        MESSAGES_PROCESSED.labels(stage, "poison").inc()
        return True
    except Exception as exc:
        if is_unavailable(exc):
            log.warning("dependency unavailable; message kept for retry", extra={"consumer": stage,
                                                                                 "error": repr(exc)})
            MESSAGES_PROCESSED.labels(stage, "unavailable").inc()
            return False
        log.exception("handler failed", extra={"consumer": stage, "delivery": deliveries})
        if deliveries >= max_deliver:
            await _quietly(_dead_letter_and_term(js, msg, stage,
                                                 f"failed {deliveries} times; last error: {exc!r}"))
            MESSAGES_PROCESSED.labels(stage, "deadlettered").inc()
        else:
            await _quietly(msg.nak(delay=min(0.5 * 2 ** deliveries, 30)))
            MESSAGES_PROCESSED.labels(stage, "retry").inc()
        return True
    # A plain ack, not ack_sync: it rides the client's next write with the other acks instead of costing a
    # round trip per message. Were it lost, JetStream redelivers and the idempotent handler changes nothing.
    await _quietly(msg.ack())
    MESSAGES_PROCESSED.labels(stage, "ok").inc()
    return True


async def _dead_letter_and_term(js: JetStreamContext, msg, stage: str, reason: str) -> None:
    await dead_letter(js, msg, stage, reason)
    await msg.term()


async def dead_letter(js: JetStreamContext, msg, stage: str, reason: str) -> None:
    meta = msg.metadata
    payload = {"subject": msg.subject, "stream": meta.stream, "stream_seq": meta.sequence.stream,
               "deliveries": meta.num_delivered, "reason": reason,
               "data": msg.data.decode("utf-8", "replace")[:100_000]}
    await publish_json(js, f"{SUBJECT_DEADLETTER_PREFIX}.{stage}", payload,
                       msg_id=f"dl:{meta.stream}:{meta.sequence.stream}")
    DEADLETTERED.labels(stage).inc()
    log.error("message dead-lettered", extra={"stage": stage, "reason": reason})
