"""Run the whole system in-process against real servers, for integration tests."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path

from services.runtime.embedded import free_port, start_nats
from tests.conftest import create_database


@asynccontextmanager
async def running_system(data_dir: Path, database_url: str, database_name: str,
                         components: tuple[str, ...] = ("ingest", "extract", "registry", "notify"),
                         extra_env: dict[str, str] | None = None):
    """A private nats-server (streams and durable consumers are not shared with other tests), a fresh
    migrated database, and the named components serving gRPC on a free port. Yields the gRPC address."""
    from services.cli import _components
    from services.registry.migrate import upgrade
    from services.runtime.config import Settings

    nats = start_nats(data_dir / "nats")
    try:
        url = await create_database(database_url, database_name)
        await asyncio.to_thread(upgrade, url)
        port = free_port()
        settings = Settings.from_env({"DUBAN_NATS_URL": nats.url, "DUBAN_DATABASE_URL": url,
                                      "DUBAN_GRPC_PORT": str(port), "DUBAN_METRICS_PORT": "0",
                                      "DUBAN_WEBHOOK_ALLOW": "127.0.0.0/8", **(extra_env or {})})
        async with serving(_components(list(components)), settings):
            yield f"127.0.0.1:{port}"
    finally:
        nats.stop()


@asynccontextmanager
async def serving(components: list, settings):
    """`components` running under `settings` (services.runtime.app.run) from ready until the block ends."""
    from services.runtime.app import run

    ready, stop = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run(components, settings, ready=ready, stop=stop))
    waiter = asyncio.create_task(ready.wait())
    await asyncio.wait([task, waiter], timeout=60, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # it failed to start: its error, not a timeout
    waiter.cancel()
    assert ready.is_set(), "components did not become ready in 60 s"
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
