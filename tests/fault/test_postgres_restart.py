"""PostgreSQL stopped while work is queued: the services report NOT_SERVING, the work waits (it is not dead-lettered
for want of a database), and once PostgreSQL is back they report SERVING again and drain the backlog."""
from __future__ import annotations

import asyncio

import pytest
from grpc_health.v1 import health_pb2

from duban.ingest.v1.ingest_pb2 import INGEST_STATE_REGISTERED
from services.registry.migrate import upgrade
from tests.fault.conftest import (
    doc_number,
    document_text,
    registered_numbers,
    running,
    submit,
    wait_health,
    wait_states,
)

pytestmark = pytest.mark.fault

DOCUMENTS = range(801, 811)
LATE = 811
OUTAGE_SECONDS = 6  # longer than the whole retry back-off of DUBAN_MAX_DELIVER=3 (1 s + 2 s)


async def test_postgres_restart_reports_not_serving_then_drains(nats, private_postgres):
    await asyncio.to_thread(upgrade, private_postgres.url, "heads")
    serving, not_serving = health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING
    async with running(nats.url, private_postgres.url, ("ingest", "registry")) as address:
        # Queued while no extract worker runs: their results will reach the registry during the outage.
        doc_ids = [await submit(address, f"n{n}.txt", document_text(n).encode()) for n in DOCUMENTS]
        await asyncio.to_thread(private_postgres.down)
        assert await wait_health(address, not_serving) == not_serving
        async with running(nats.url, private_postgres.url, ("extract",)):
            await asyncio.sleep(OUTAGE_SECONDS)
            await asyncio.to_thread(private_postgres.up)
            assert await wait_health(address, serving) == serving
            # Submitted after the restart closed every connection ingest held: its pool opens new ones.
            doc_ids.append(await submit(address, f"n{LATE}.txt", document_text(LATE).encode()))
            states = await wait_states(address, doc_ids, timeout=60)
        assert [states.get(d) for d in doc_ids] == [INGEST_STATE_REGISTERED] * len(doc_ids), states
        assert sorted(await registered_numbers(address)) == sorted(doc_number(n) for n in [*DOCUMENTS, LATE])
