"""Notify: consume registry events (`duban.registry.>`) and alert the units concerned."""
from __future__ import annotations

import json
import logging

from services.runtime import bus
from services.runtime.app import Context

log = logging.getLogger("duban.notify")


class NotifyComponent:
    name = "notify"
    needs_database = True
    grpc_services: list[str] = []

    async def start(self, ctx: Context) -> None:
        self._ctx = ctx
        ctx.spawn(bus.run_pull_consumer(ctx.js, stream="DUBAN_REGISTRY", durable="notify",
                                        subject=f"{bus.SUBJECT_REGISTRY_PREFIX}.>", handler=self.handle,
                                        stop=ctx.stop, max_deliver=ctx.settings.max_deliver), "notify-consumer")

    async def handle(self, msg) -> None:
        try:
            event = json.loads(msg.data)
        except ValueError as exc:
            raise bus.PoisonMessage(f"malformed registry event: {exc}") from exc
        log.info("registry event", extra={"subject": msg.subject, "event_id": event.get("id")})

    async def close(self) -> None:
        pass
