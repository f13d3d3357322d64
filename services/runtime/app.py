"""The process frame every service runs in: config → logging → metrics → NATS + PostgreSQL → gRPC with health
and reflection → components → wait for SIGTERM → NOT_SERVING → drain → stop.

A component is one service (ingest, extract, registry, notify). `duban up` runs all four in one process
on one gRPC port, plus worker processes that run their background loops without gRPC (services/workers.py);
Kubernetes runs one per pod. Either way they share this frame.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Protocol

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from nats.aio.client import Client
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncEngine

from services.runtime import bus
from services.runtime.auth import server_credentials, server_interceptors
from services.runtime.collector import tuned_collector
from services.runtime.config import Settings
from services.runtime.db import database_probe, make_engine
from services.runtime.guard import RequestGuardInterceptor
from services.runtime.health import HealthMonitor
from services.runtime.logs import configure_logging
from services.runtime.metrics import serve_metrics
from services.runtime.shutdown import install_stop_event
from services.runtime.tracing import configure_tracing

log = logging.getLogger("duban.app")

MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # gRPC limit; documents larger than this stream in chunks anyway


@dataclass
class Context:
    settings: Settings
    nc: Client
    js: JetStreamContext
    engine: AsyncEngine | None
    server: grpc.aio.Server
    stop: asyncio.Event
    tasks: list[asyncio.Task] = field(default_factory=list)

    def spawn(self, coro, name: str) -> asyncio.Task:
        """Run a background loop for the life of the process; a crash in it is logged and stops the process."""
        task = asyncio.create_task(coro, name=name)

        def done(t: asyncio.Task) -> None:
            if not t.cancelled() and t.exception() is not None:
                log.error("background task crashed", exc_info=t.exception(), extra={"task": name})
                self.stop.set()
        task.add_done_callback(done)
        self.tasks.append(task)
        return task


class Component(Protocol):
    name: str
    needs_database: bool
    grpc_services: list[str]  # full names, for health and reflection

    async def start(self, ctx: Context) -> None: ...

    async def close(self) -> None: ...


async def run(components: list[Component], settings: Settings, *, grpc_port: int | None = None,
              metrics_port: int | None = None, ready: asyncio.Event | None = None,
              stop: asyncio.Event | None = None, serve_grpc: bool = True) -> None:
    """Run `components` until `stop` (SIGTERM/SIGINT). With `serve_grpc` False only their background loops run
    (consumers, relay, schedulers): the gRPC services are registered but never served, and health is not
    reported (a `duban up` worker process, which its parent supervises)."""
    configure_logging(settings.log_level)
    configure_tracing("duban-" + "+".join(c.name for c in components))
    serve_metrics(settings.metrics_port if metrics_port is None else metrics_port)
    stop = stop or install_stop_event()
    needs_db = any(c.needs_database for c in components)

    nc = await bus.connect(settings.nats_url, name="duban-" + "+".join(c.name for c in components))
    js = nc.jetstream()
    await bus.ensure_streams(js, settings.nats_replicas)
    engine = make_engine(settings.database_url, settings.db_pool_size) if needs_db else None

    credentials = server_credentials()  # TLS when DUBAN_TLS_CERT_FILE / DUBAN_TLS_KEY_FILE are set
    server = grpc.aio.server(options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                                      ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)],
                             interceptors=[*server_interceptors(settings.api_tokens), RequestGuardInterceptor()])
    ctx = Context(settings, nc, js, engine, server, stop)
    service_names = [name for c in components for name in c.grpc_services]
    probes = {"nats": bus.nats_probe(nc, js)}
    if engine is not None:
        probes["postgres"] = database_probe(engine)
    health = HealthMonitor(probes, service_names)
    health_pb2_grpc.add_HealthServicer_to_server(health.servicer, server)
    for component in components:
        await component.start(ctx)
    bound = None
    if serve_grpc:
        reflection.enable_server_reflection(
            [*service_names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME],
            server)
        port = settings.grpc_port if grpc_port is None else grpc_port
        address = f"0.0.0.0:{port}"
        bound = (server.add_secure_port(address, credentials) if credentials else server.add_insecure_port(address))
        if bound == 0:
            raise SystemExit(f"duban: cannot listen on gRPC port {port} (in use?)")
        await server.start()
        await health.check_once()
        health.start()
    log.info("serving" if serve_grpc else "running background loops",
             extra={"components": [c.name for c in components], "grpc_port": bound})
    if ready is not None:
        ready.set()

    with tuned_collector():
        await stop.wait()
    log.info("stopping: NOT_SERVING, draining")
    if serve_grpc:
        await health.drain()
        await server.stop(grace=5)
    # Loops watch `stop` and finish the message in hand; whatever has not ended in time is cancelled
    # (its message is not acked, so JetStream redelivers it).
    if ctx.tasks:
        await asyncio.wait(ctx.tasks, timeout=10)
    for task in ctx.tasks:
        task.cancel()
    await asyncio.gather(*ctx.tasks, return_exceptions=True)
    for component in reversed(components):
        await component.close()
    try:
        await asyncio.wait_for(nc.drain(), timeout=5)
    except Exception:
        await nc.close()
    if engine is not None:
        await engine.dispose()
    log.info("stopped")
