"""`duban up` SIGKILLed while documents flow, then started again on the same data dir: every document whose
submission was acknowledged is registered, once."""
from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from duban.ingest.v1.ingest_pb2 import INGEST_STATE_REGISTERED
from services.ingest.client import ingest_paths
from services.runtime.embedded import free_port
from tests.e2e.test_up import _start_up, _wait_serving
from tests.fault.conftest import (
    doc_number,
    document_text,
    registered_numbers,
    wait_states,
)

pytestmark = pytest.mark.fault

DOCUMENTS = range(901, 931)


async def test_sigkill_then_restart_keeps_every_acknowledged_document(fault_dir: Path) -> None:
    files = fault_dir / "in"
    files.mkdir()
    for n in DOCUMENTS:
        (files / f"n{n}.txt").write_text(document_text(n), encoding="utf-8")
    data_dir, port = fault_dir / "up", free_port()
    proc = _start_up(data_dir, port)
    try:
        await asyncio.to_thread(_wait_serving, proc, port)
        address = f"127.0.0.1:{port}"
        results = await ingest_paths(address, sorted(files.iterdir()), wait=False, timeout=0)
        proc.send_signal(signal.SIGKILL)  # at once: part of the work is still in the pipeline
        proc.wait(timeout=10)
        acknowledged = [r.doc_id for r in results if r.state == "submitted"]
        assert len(acknowledged) == len(DOCUMENTS), [r for r in results if r.state != "submitted"]
        await asyncio.sleep(0.5)  # the children (NATS, PostgreSQL) stop on their parent's death

        proc = _start_up(data_dir, port)
        await asyncio.to_thread(_wait_serving, proc, port)
        states = await wait_states(address, acknowledged, timeout=60)
        assert [states.get(d) for d in acknowledged] == [INGEST_STATE_REGISTERED] * len(acknowledged), states
        assert sorted(await registered_numbers(address)) == sorted(doc_number(n) for n in DOCUMENTS)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
