"""gRPC health that follows the real state of the dependencies (NATS, PostgreSQL), not a constant SERVING."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from grpc_health.v1 import health, health_pb2

log = logging.getLogger("duban.health")

Probe = Callable[[], Awaitable[bool]]


class HealthMonitor:
    """Polls dependency probes and sets every registered service SERVING only while all of them pass."""

    def __init__(self, probes: dict[str, Probe], services: Iterable[str] = (), interval: float = 1.0) -> None:
        self.servicer = health.aio.HealthServicer()
        self._probes = probes
        self._services = ["", *services]
        self._interval = interval
        self._draining = False
        self._task: asyncio.Task | None = None
        self.state: dict[str, bool] = {name: False for name in probes}

    @property
    def serving(self) -> bool:
        return not self._draining and all(self.state.values())

    async def check_once(self) -> bool:
        results = await asyncio.gather(*(self._run_probe(p) for p in self._probes.values()))
        changed = dict(zip(self._probes, results)) != self.state
        self.state = dict(zip(self._probes, results))
        if changed:
            log.info("dependency state changed", extra={"dependencies": self.state})
        status = (health_pb2.HealthCheckResponse.SERVING if self.serving
                  else health_pb2.HealthCheckResponse.NOT_SERVING)
        for name in self._services:
            await self.servicer.set(name, status)
        return self.serving

    async def _run_probe(self, probe: Probe) -> bool:
        try:
            return bool(await asyncio.wait_for(probe(), timeout=max(self._interval, 2.0)))
        except Exception:  # a failing probe means "not ready", never a crash of the monitor
            return False

    async def _loop(self) -> None:
        while True:
            await self.check_once()
            await asyncio.sleep(self._interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="health-monitor")

    async def drain(self) -> None:
        """First step of shutdown: report NOT_SERVING so load balancers stop sending work."""
        self._draining = True
        if self._task:
            self._task.cancel()
        await self.servicer.enter_graceful_shutdown()  # every service NOT_SERVING, later sets ignored
