"""`duban up`'s worker processes: each runs the background loops of extract, registry and notify (consumers,
outbox relay, lifecycle, digests, reminders, dispatch) without serving gRPC, so one machine's system uses more
than one core. They share the work with the main process as Kubernetes replicas do (durable pull consumers,
SKIP LOCKED claims, idempotent handlers), so any of them may stop or die without losing anything.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
import time

from services.runtime.shutdown import pause

log = logging.getLogger("duban.up")

WORKER_COMPONENTS = ["extract", "registry", "notify"]
# Seconds before a worker that exited on its own is started again: doubled while it keeps failing at once (say
# its metrics port is taken), back to the first once it has run a while.
RESTART_DELAYS = (2.0, 60.0)
RAN_A_WHILE = 30.0
STOP_TIMEOUT = 30.0  # seconds a worker gets to drain after SIGTERM before it is killed


def default_worker_count(cpus: int | None = None) -> int:
    """One per core beside the main process's, at most three: past that PostgreSQL and NATS are the limit."""
    return max(0, min((cpus or os.cpu_count() or 1) - 1, 3))


def worker_env(env: dict[str, str], index: int) -> dict[str, str]:
    """A worker's environment: the main process's, with its own metrics port (the next ones up) when the main
    process serves metrics."""
    port = int(env.get("DUBAN_METRICS_PORT") or 0)
    return {**env, "DUBAN_METRICS_PORT": str(port + 1 + index if port else 0)}


async def supervise_workers(count: int, env: dict[str, str], stop: asyncio.Event) -> None:
    """Keep `count` worker processes running until `stop`; then stop them (SIGTERM, drain, exit)."""
    await asyncio.gather(*(_keep_running(index, worker_env(env, index), stop) for index in range(count)))


async def _keep_running(index: int, env: dict[str, str], stop: asyncio.Event) -> None:
    delay = RESTART_DELAYS[0]
    while not stop.is_set():
        started = time.monotonic()
        # Its own process group: a Ctrl-C reaches only the main process, which stops the workers in order.
        # The worker asks for SIGKILL when we die (--parent-pid), so none outlives a killed `duban up`.
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "services.cli", "workers", "--parent-pid", str(os.getpid()), env=env,
            process_group=0)
        log.info("worker process started", extra={"worker": index, "pid": process.pid})
        exited = asyncio.ensure_future(process.wait())
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait([exited, stopping], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(asyncio.shield(exited), STOP_TIMEOUT)
            except asyncio.TimeoutError:
                log.warning("worker process did not stop in time; killed", extra={"worker": index})
                process.kill()
                await exited
            return
        if stop.is_set():
            return
        if time.monotonic() - started > RAN_A_WHILE:
            delay = RESTART_DELAYS[0]
        log.error("worker process exited; starting it again", extra={"worker": index, "code": process.returncode,
                                                                      "in_seconds": delay})
        await pause(stop, delay)
        delay = min(delay * 2, RESTART_DELAYS[1])


def run_worker(parent_pid: int) -> int:
    """The worker process itself (`duban workers`)."""
    from services.cli import _components
    from services.runtime.app import run
    from services.runtime.config import Settings
    from services.runtime.embedded import die_with_parent

    die_with_parent(parent_pid)
    asyncio.run(run(_components(WORKER_COMPONENTS), Settings.from_env(), serve_grpc=False))
    return 0
