"""NATS stopped (SIGTERM) or killed (SIGKILL) and started again while documents flow: the services report
NOT_SERVING while it is away, SERVING once reconnected, and every accepted document is registered, once.
Submissions refused during the outage succeed when the client tries again."""
from __future__ import annotations

import asyncio

import grpc
import pytest
from grpc_health.v1 import health_pb2

from duban.ingest.v1.ingest_pb2 import INGEST_STATE_REGISTERED
from tests.fault.conftest import (
    doc_number,
    document_text,
    fresh_database,
    registered_numbers,
    running,
    submit,
    wait_health,
    wait_states,
)

pytestmark = pytest.mark.fault

DOCUMENTS = range(701, 721)
SERVING, NOT_SERVING = health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING


async def submit_until_accepted(address: str, n: int) -> str:
    for _ in range(60):
        try:
            return await submit(address, f"n{n}.txt", document_text(n).encode(), timeout=5)
        except grpc.aio.AioRpcError:
            await asyncio.sleep(0.5)
    raise AssertionError(f"document {n} never accepted")


@pytest.mark.parametrize("stop", ["sigterm", "sigkill"])
async def test_nats_restart_loses_nothing(nats, database_url, stop):
    url = await fresh_database(database_url, "natsrestart")
    async with running(nats.url, url, ("ingest", "extract", "registry")) as address:
        accepted: list[str] = []

        async def flow():
            for n in DOCUMENTS:
                accepted.append(await submit_until_accepted(address, n))
                await asyncio.sleep(0.1)

        flowing = asyncio.create_task(flow())
        while len(accepted) < 5:
            await asyncio.sleep(0.05)
        await asyncio.to_thread(nats.down if stop == "sigterm" else nats.kill)
        assert await wait_health(address, NOT_SERVING, timeout=10) == NOT_SERVING
        await asyncio.to_thread(nats.up)
        assert await wait_health(address, SERVING, timeout=20) == SERVING
        await asyncio.wait_for(flowing, timeout=60)

        states = await wait_states(address, accepted, timeout=60)
        assert [states.get(d) for d in accepted] == [INGEST_STATE_REGISTERED] * len(DOCUMENTS), states
        numbers = await registered_numbers(address)
    assert sorted(numbers) == sorted(doc_number(n) for n in DOCUMENTS)  # all there, none twice
