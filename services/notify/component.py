"""Notify: consume registry events (`duban.registry.>`) and alert the units concerned.

Four loops share one process: the JetStream consumer (events → waiting digest items), the digest flusher
(quiet items → one digest delivery per unit and document), the reminder scheduler and the delivery dispatcher.
Everything they decide is written to PostgreSQL first, so any replica can pick up where another stopped.
"""
from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from datetime import timedelta

import asyncpg
import orjson

from duban.notify.v1 import notify_pb2_grpc
from services.notify import subscriptions
from services.notify.api import SERVICE_NAME, NotifyServicer
from services.notify.batching import flush_ready, queueable, record_assignments
from services.notify.channels.email import EmailSender, parse_smtp_url
from services.notify.channels.webhook import AddressPolicy, WebhookSender
from services.notify.clock import Clock, SystemClock
from services.notify.deliveries import RETRY_SCHEDULE, Dispatcher
from services.notify.notices import (record_deadline_added, record_deadline_changed, record_document_repealed,
                                    record_responsibility_removed)
from services.notify.reminders import ReminderScheduler
from services.registry.units import load_directory
from services.runtime import bus
from services.runtime.app import Context
from services.runtime.config import ConfigError
from services.runtime.db import open_statement_pool
from services.runtime.shutdown import pause
from services.web.urls import web_base_url

log = logging.getLogger("duban.notify")

ASSIGNED = f"{bus.SUBJECT_REGISTRY_PREFIX}.responsibility.assigned"
# Subjects answered by a single notice, and the fields their events must carry.
NOTICES = {f"{bus.SUBJECT_REGISTRY_PREFIX}.deadline.changed": (record_deadline_changed, "deadline"),
           f"{bus.SUBJECT_REGISTRY_PREFIX}.deadline.added": (record_deadline_added, "deadline"),
           f"{bus.SUBJECT_REGISTRY_PREFIX}.responsibility.removed": (record_responsibility_removed, "responsibility"),
           f"{bus.SUBJECT_REGISTRY_PREFIX}.document.repealed": (record_document_repealed, "repealed_by")}
DEADLINE_ADDED = f"{bus.SUBJECT_REGISTRY_PREFIX}.deadline.added"
# A document's ~25 events arrive together: a batch this size costs one prefilter read for several documents.
CONSUMER_BATCH = 128


class NotifyComponent:
    name = "notify"
    needs_database = True
    grpc_services: list[str] = [SERVICE_NAME]

    # A document's assignments leave the registry in one outbox batch, so half a second of quiet is enough to
    # gather them into one digest, and keeps ingest → webhook well under 2 s.
    def __init__(self, *, clock: Clock | None = None, digest_quiet: float = 0.5, reminder_interval: float = 60.0,
                 dispatch_poll: float = 1.0, retry_schedule: Sequence[float] = RETRY_SCHEDULE,
                 rng: random.Random | None = None) -> None:
        self.clock = clock or SystemClock()
        self.digest_quiet = digest_quiet
        self.reminder_interval = reminder_interval
        self.dispatch_poll = dispatch_poll
        self.retry_schedule = retry_schedule
        self.rng = rng
        self.deliveries_waiting = asyncio.Event()  # set when a delivery was recorded: dispatch now
        self._webhook: WebhookSender | None = None
        self._read_pool: asyncpg.Pool | None = None

    async def start(self, ctx: Context) -> None:
        self._ctx = ctx
        directory = load_directory()
        self.web_base = web_base_url()
        async with ctx.engine.begin() as conn:
            await subscriptions.refresh_match_keys(conn, directory)
        self._read_pool = await open_statement_pool(ctx.settings.database_url, size=4)
        notify_pb2_grpc.add_NotifyServiceServicer_to_server(
            NotifyServicer(ctx.engine, directory, self.clock, self.deliveries_waiting.set), ctx.server)

        self._webhook = WebhookSender(self.clock, AddressPolicy(ctx.settings.webhook_allow))
        senders = {"webhook": self._webhook}
        if ctx.settings.smtp_url:
            try:
                senders["email"] = EmailSender(parse_smtp_url(ctx.settings.smtp_url), self.clock)
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
        self.dispatcher = Dispatcher(ctx.engine, senders, self.clock, schedule=self.retry_schedule, rng=self.rng)
        self.scheduler = ReminderScheduler(ctx.engine, self.clock, self.web_base)

        ctx.spawn(bus.run_pull_consumer(ctx.js, stream="DUBAN_REGISTRY", durable="notify",
                                        subject=f"{bus.SUBJECT_REGISTRY_PREFIX}.>", handler=self.handle,
                                        batch_handler=self.settle_batch, batch=CONSUMER_BATCH,
                                        stop=ctx.stop, max_deliver=ctx.settings.max_deliver), "notify-consumer")
        ctx.spawn(self._flush_loop(), "notify-digests")
        ctx.spawn(self.scheduler.run(ctx.stop, self.reminder_interval, self.deliveries_waiting.set),
                  "notify-reminders")
        ctx.spawn(self.dispatcher.run(ctx.stop, self.deliveries_waiting, self.dispatch_poll), "notify-dispatch")

    async def handle(self, msg) -> None:
        try:
            event = orjson.loads(msg.data)
        except ValueError as exc:
            raise bus.PoisonMessage(f"malformed registry event: {exc}") from exc
        if msg.subject == ASSIGNED:
            _require(event, "responsibility", msg.subject)
            if not queueable(event):
                raise bus.PoisonMessage(f"{msg.subject} event without its responsibility's unit_key, clause or role")
            async with self._ctx.engine.begin() as conn:
                queued = await record_assignments(conn, [event], self.clock.now())
            log.debug("assignment queued", extra={"event_id": event["id"], "subscriptions": queued})
        elif msg.subject in NOTICES:
            record_notice, field = NOTICES[msg.subject]
            _require(event, field, msg.subject)
            if _first_version_deadline(msg.subject, event):
                return
            async with self._ctx.engine.begin() as conn:
                if await record_notice(conn, event, self.clock.now(), self.web_base):
                    self.deliveries_waiting.set()
        # Other events (document.expired, …) need no message of their own: reminders read the tables.

    async def settle_batch(self, msgs: list) -> list:
        """The events of a fetched batch settled together; returns them. Assignments: one lean read finds the few
        whose unit some subscription is concerned by (most concern none, and need no transaction), and those are
        queued for their digests in one transaction. Also settled: a first version's deadlines and events no
        notice answers, which call for no message. Notices, and anything odd, are left to `handle`, one by one,
        which decides and reports."""
        settled, assigned = [], {}
        for msg in msgs:
            try:
                event = orjson.loads(msg.data)
            except ValueError:
                continue
            if msg.subject == ASSIGNED:
                if queueable(event):
                    assigned.setdefault(event["responsibility"]["unit_key"], []).append((msg, event))
            elif msg.subject == DEADLINE_ADDED:
                if _complete(event, "deadline") and _first_version_deadline(msg.subject, event):
                    settled.append(msg)
            elif msg.subject not in NOTICES:
                settled.append(msg)
        if assigned:
            concerned = await subscriptions.concerned_keys(self._read_pool, list(assigned))
            settled += [msg for key, group in assigned.items() if key not in concerned for msg, _ in group]
            to_queue = [pair for key in concerned for pair in assigned[key]]
            if to_queue:
                async with self._ctx.engine.begin() as conn:
                    queued = await record_assignments(conn, [event for _, event in to_queue], self.clock.now())
                log.debug("assignments queued", extra={"events": len(to_queue), "items": queued})
                settled += [msg for msg, _ in to_queue]
        return settled

    async def _flush_loop(self) -> None:
        quiet = timedelta(seconds=self.digest_quiet)
        stop = self._ctx.stop
        while not stop.is_set():
            try:
                if await flush_ready(self._ctx.engine, self.clock.now(), quiet, self.web_base):
                    self.deliveries_waiting.set()
            except Exception as exc:  # PostgreSQL away: the items wait in the table
                log.warning("digest flush failed", extra={"error": str(exc)})
            await pause(stop, max(self.digest_quiet / 4, 0.05))

    async def close(self) -> None:
        if self._webhook is not None:
            await self._webhook.close()
        if self._read_pool is not None:
            await self._read_pool.close()


def _first_version_deadline(subject: str, event: dict) -> bool:
    """A deadline added by a document's first version: it travels in the assignment digests, no notice of its own."""
    return subject == DEADLINE_ADDED and not event.get("known_unit_keys")


def _complete(event, field: str) -> bool:
    return isinstance(event, dict) and {"id", "document", field} <= event.keys() and isinstance(event[field], dict)


def _require(event, field: str, subject: str) -> None:
    if not _complete(event, field):
        raise bus.PoisonMessage(f"{subject} event without id, document or {field}")
