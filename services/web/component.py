"""WebComponent: the unit workbench over HTTP on DUBAN_WEB_PORT, reading the registry's database.

Runs in the shared process frame (services/runtime/app.py) beside the registry in `duban up`, or alone as its
own Deployment. aiohttp's AppRunner serves without touching signal handlers, so SIGTERM stays with the frame.
"""
from __future__ import annotations

import logging
from datetime import date
from typing import Callable

from aiohttp import web

from services.registry.units import load_directory
from services.runtime.app import Context
from services.web.pages import build_app

log = logging.getLogger("duban.web")

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class WebComponent:
    name = "web"
    needs_database = True
    grpc_services: list[str] = []

    def __init__(self, host: str = "0.0.0.0", clock: Callable[[], date] = date.today) -> None:
        """`host` 127.0.0.1 keeps the UI on loopback (`duban up`); `clock` gives "today" for the traffic lights
        (tests pin it)."""
        self._host, self._clock = host, clock
        self._runner: web.AppRunner | None = None

    async def start(self, ctx: Context) -> None:
        tokens = ctx.settings.api_tokens
        if not tokens and self._host not in LOOPBACK_HOSTS:
            log.warning("web UI access is open: no DUBAN_API_TOKENS configured (set tokens to require 'read')")
        self._runner = web.AppRunner(build_app(ctx.engine, load_directory(), tokens, self._clock), access_log=None)
        await self._runner.setup()
        port = ctx.settings.web_port
        try:
            await web.TCPSite(self._runner, self._host, port).start()
        except OSError as exc:
            raise SystemExit(f"duban: cannot listen on web port {port} ({exc.strerror})") from exc
        log.info("web UI serving", extra={"host": self._host, "web_port": port})

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
