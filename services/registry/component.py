"""The registry as a Component of the process frame: gRPC RegistryService, the `registry` consumer of extraction
results, a consumer of dead letters (to mark submissions failed), the outbox relay, and the job that applies
repeals on the day they take effect."""
from __future__ import annotations

import asyncio
import logging
from typing import ClassVar

from duban.registry.v1 import registry_pb2, registry_pb2_grpc
from services.registry.api import RegistryServicer
from services.registry.consumer import deadletter_handler, extracted_batch_handler, extracted_handler
from services.registry.lifecycle import run_lifecycle
from services.runtime.db import open_statement_pool
from services.registry.relay import run_relay
from services.registry.units import load_directory, sync_units
from services.runtime import bus
from services.runtime.app import Context

log = logging.getLogger("duban.registry")

EXTRACTED_STREAM = "DUBAN_EXTRACTED"
DEADLETTER_STREAM = "DUBAN_DEADLETTER"
# Extracted files fetched together are stored in one transaction: under load a handful of statements for this
# many files instead of a dozen round trips per document; one file at a time when they come one at a time.
CONSUMER_BATCH = 64


class RegistryComponent:
    name = "registry"
    needs_database = True
    grpc_services: ClassVar[list[str]] = [registry_pb2.DESCRIPTOR.services_by_name["RegistryService"].full_name]
    _read_pool = None

    async def start(self, ctx: Context) -> None:
        directory = load_directory()
        await sync_units(ctx.engine, directory)
        self._read_pool = await open_statement_pool(ctx.settings.database_url)
        registry_pb2_grpc.add_RegistryServiceServicer_to_server(
            RegistryServicer(self._read_pool, directory, ctx.stop), ctx.server)
        wake_relay = asyncio.Event()
        ctx.spawn(bus.run_pull_consumer(
            ctx.js, stream=EXTRACTED_STREAM, durable="registry", subject=bus.SUBJECT_EXTRACTED,
            handler=extracted_handler(ctx.engine, directory, wake_relay.set, ctx.js),
            batch_handler=extracted_batch_handler(ctx.engine, directory, wake_relay.set, ctx.js),
            batch=CONSUMER_BATCH, stop=ctx.stop, max_deliver=ctx.settings.max_deliver), "registry-consumer")
        ctx.spawn(bus.run_pull_consumer(
            ctx.js, stream=DEADLETTER_STREAM, durable="registry-deadletters",
            subject=f"{bus.SUBJECT_DEADLETTER_PREFIX}.>", handler=deadletter_handler(ctx.engine), stop=ctx.stop,
            max_deliver=ctx.settings.max_deliver), "registry-deadletters")
        ctx.spawn(run_relay(ctx.engine, ctx.nc, ctx.stop, wake_relay), "registry-outbox-relay")
        ctx.spawn(run_lifecycle(ctx.engine, ctx.stop, wake_relay.set), "registry-lifecycle")

    async def close(self) -> None:
        if self._read_pool is not None:
            await self._read_pool.close()
