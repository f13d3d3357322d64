"""A real extract worker process that halts after publishing its result and before acking the message, so
a test can SIGKILL it at exactly that point. Run as `python -m tests.fault.crashing_extract` with DUBAN_NATS_URL."""
from __future__ import annotations

import asyncio
import functools

from services.extract.worker import ExtractComponent
from services.runtime import bus
from services.runtime.app import run
from services.runtime.config import Settings

ACK_WAIT = 2.0  # short, so the test sees the redelivery in seconds; the test's own workers use the same
PUBLISHED = "published"


class PublishThenHalt(ExtractComponent):
    async def handle(self, msg) -> None:
        await super().handle(msg)
        print(PUBLISHED, flush=True)
        await asyncio.Event().wait()  # never returns, so never acks: the test kills us here


def main() -> None:
    bus.run_pull_consumer = functools.partial(bus.run_pull_consumer, ack_wait=ACK_WAIT)
    asyncio.run(run([PublishThenHalt()], Settings.from_env(require_database=False)))


if __name__ == "__main__":
    main()
