"""An extract worker SIGKILLed between publishing its result and acking its message: JetStream redelivers the
message to another worker, which extracts again, and the document is still registered exactly once."""
from __future__ import annotations

import asyncio
import functools
import os
import signal
import sys

import nats as nats_client
import pytest

from duban.ingest.v1.ingest_pb2 import INGEST_STATE_REGISTERED
from services.extract.worker import ExtractComponent
from services.runtime import bus
from services.runtime.embedded import free_port
from tests.conftest import REPO_ROOT
from tests.fault.conftest import (
    doc_number,
    document_text,
    fresh_database,
    registered_numbers,
    running,
    submit,
    wait_states,
)
from tests.fault.crashing_extract import ACK_WAIT, PUBLISHED

pytestmark = pytest.mark.fault


class CountingExtract(ExtractComponent):
    def __init__(self) -> None:
        self.deliveries: list[int] = []

    async def handle(self, msg) -> None:
        self.deliveries.append(msg.metadata.num_delivered)
        await super().handle(msg)


async def _stream_messages(nats_url: str, stream: str) -> int:
    nc = await nats_client.connect(nats_url)
    try:
        return (await nc.jetstream().stream_info(stream)).state.messages
    finally:
        await nc.close()


async def test_worker_killed_after_publish_before_ack_registers_once(nats, database_url, fault_dir, monkeypatch):
    monkeypatch.setattr(bus, "run_pull_consumer", functools.partial(bus.run_pull_consumer, ack_wait=ACK_WAIT))
    url = await fresh_database(database_url, "crash")
    env = {**os.environ, "DUBAN_NATS_URL": nats.url, "DUBAN_GRPC_PORT": str(free_port()),
           "DUBAN_METRICS_PORT": "0", "DUBAN_MAX_DELIVER": "3"}
    env.pop("DUBAN_DATABASE_URL", None)
    with open(fault_dir / "crashing.log", "wb") as log:
        worker = await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.fault.crashing_extract",
                                                      cwd=REPO_ROOT, env=env, stdout=asyncio.subprocess.PIPE,
                                                      stderr=log)
    try:
        async with running(nats.url, url, ("ingest", "registry")) as address:
            doc_id = await submit(address, "crash.txt", document_text(601).encode())
            line = await asyncio.wait_for(worker.stdout.readline(), timeout=60)
            assert line.decode().strip() == PUBLISHED, (fault_dir / "crashing.log").read_text()[-2000:]
            worker.send_signal(signal.SIGKILL)
            await asyncio.wait_for(worker.wait(), timeout=10)

            extract = CountingExtract()
            async with running(nats.url, url, (extract,)):
                for _ in range(100):  # redelivered once ACK_WAIT has passed, then acked
                    if extract.deliveries and await _stream_messages(nats.url, "DUBAN_DOCUMENTS") == 0:
                        break
                    await asyncio.sleep(0.1)
            assert extract.deliveries == [2]  # the killed worker had the first delivery
            assert (await wait_states(address, [doc_id], timeout=20))[doc_id] == INGEST_STATE_REGISTERED
            assert await _stream_messages(nats.url, "DUBAN_EXTRACTED") == 1  # second publish deduplicated
            assert await registered_numbers(address) == [doc_number(601)]
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
