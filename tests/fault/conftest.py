"""Fixtures for fault tests: servers we can stop and start again on the same address and data, the components
running in-process against them, and small documents written in the real style (our own sentences)."""
from __future__ import annotations

import asyncio
import itertools
import shutil
import tempfile
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from duban.ingest.v1 import ingest_pb2, ingest_pb2_grpc
from services.runtime.embedded import (
    RunningServer,
    free_port,
    start_nats,
    start_postgres,
)
from tests.conftest import create_database
from tests.system import serving

_names = itertools.count(1)


@pytest.fixture
def fault_dir():
    """State for one test, 0755 under /tmp: as root PostgreSQL runs as a user who must traverse to it."""
    path = Path(tempfile.mkdtemp(prefix="duban-fault-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@dataclass
class Restartable:
    """A server on a FIXED port and data dir, so a restart keeps its address and its state."""
    start: Callable[..., RunningServer]  # start_nats or start_postgres
    data_dir: Path
    port: int
    server: RunningServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def up(self) -> Restartable:
        self.server = self.start(self.data_dir, port=self.port)
        return self

    def down(self) -> None:
        if self.server is not None:
            self.server.stop()

    def kill(self) -> None:
        if self.server is not None:
            self.server.process.kill()
            self.server.process.wait(10)


@pytest.fixture
def nats(fault_dir):
    server = Restartable(start_nats, fault_dir / "nats", free_port()).up()
    yield server
    server.down()


@pytest.fixture
def private_postgres(fault_dir):
    server = Restartable(start_postgres, fault_dir / "pg", free_port()).up()
    yield server
    server.down()


async def fresh_database(database_url: str, prefix: str) -> str:
    """A new migrated database on the session's PostgreSQL."""
    from services.registry.migrate import upgrade
    url = await create_database(database_url, f"fault_{prefix}_{next(_names)}")
    await asyncio.to_thread(upgrade, url, "heads")
    return url


@asynccontextmanager
async def running(nats_url: str, database_url: str, components, extra_env: dict[str, str] | None = None):
    """`components` (names or Component objects) serving gRPC on a free port; yields the address."""
    from services.cli import _components
    from services.runtime.config import Settings

    objects = [c for c in components if not isinstance(c, str)] + _components(
        [c for c in components if isinstance(c, str)])
    port = free_port()
    settings = Settings.from_env({"DUBAN_NATS_URL": nats_url, "DUBAN_DATABASE_URL": database_url,
                                  "DUBAN_GRPC_PORT": str(port), "DUBAN_METRICS_PORT": "0",
                                  "DUBAN_MAX_DELIVER": "3", "DUBAN_WEBHOOK_ALLOW": "127.0.0.0/8",
                                  **(extra_env or {})})
    async with serving(objects, settings):
        yield f"127.0.0.1:{port}"


def document_text(n: int, year: int = 2031) -> str:
    """A short notice with its own 文号 (衢政办发〔year〕n号), one task, one unit and one deadline."""
    return (f"衢州市人民政府办公室关于做好第{n}批基层治理专项工作的通知\n\n衢政办发〔{year}〕{n}号\n\n"
            f"各县（市、区）人民政府，市政府各部门：\n为抓好第{n}批专项工作，现将有关事项通知如下。\n\n"
            f"一、加强组织领导\n1．9月底前完成第{n}批专项整治任务。\n责任单位：市数据局\n\n"
            f"衢州市人民政府办公室\n{year}年3月1日\n")


def doc_number(n: int, year: int = 2031) -> str:
    return f"衢政办发〔{year}〕{n}号"


async def submit(address: str, name: str, data: bytes, timeout: float = 10) -> str:
    """SubmitDocument once; returns the doc_id (raises AioRpcError when refused or failed)."""
    async def chunks():
        yield ingest_pb2.SubmitDocumentRequest(filename=name, chunk=data)
    async with grpc.aio.insecure_channel(address) as channel:
        reply = await ingest_pb2_grpc.IngestServiceStub(channel).SubmitDocument(chunks(), timeout=timeout)
    return reply.doc_id


async def wait_states(address: str, doc_ids: list[str], timeout: float) -> dict[str, int]:
    """Poll GetIngestStatus until every doc is registered or failed, or the time is up; returns doc_id → state.
    Errors while polling (a dependency down) count as 'not yet'."""
    final = {ingest_pb2.INGEST_STATE_REGISTERED, ingest_pb2.INGEST_STATE_FAILED}
    states: dict[str, int] = {}
    deadline = asyncio.get_running_loop().time() + timeout
    async with grpc.aio.insecure_channel(address) as channel:
        stub = ingest_pb2_grpc.IngestServiceStub(channel)
        while asyncio.get_running_loop().time() < deadline:
            for doc_id in doc_ids:
                if states.get(doc_id) in final:
                    continue
                try:
                    reply = await stub.GetIngestStatus(ingest_pb2.GetIngestStatusRequest(doc_id=doc_id), timeout=3)
                    states[doc_id] = reply.state
                except grpc.aio.AioRpcError:
                    pass
            if all(states.get(d) in final for d in doc_ids):
                break
            await asyncio.sleep(0.2)
    return states


async def registered_numbers(address: str) -> list[str]:
    """Every document number the registry lists (with repeats, if any)."""
    from duban.registry.v1 import registry_pb2 as rpb
    from duban.registry.v1 import registry_pb2_grpc
    numbers, token = [], ""
    async with grpc.aio.insecure_channel(address) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        while True:
            page = await stub.ListDocuments(rpb.ListDocumentsRequest(page_size=100, page_token=token), timeout=10)
            numbers += [d.doc_number for d in page.documents]
            if not (token := page.next_page_token):
                return numbers


async def health(address: str, service: str = "") -> int:
    """The gRPC health status of `service` ("" = the whole server)."""
    async with grpc.aio.insecure_channel(address) as channel:
        reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=service),
                                                               timeout=3)
    return reply.status


async def wait_health(address: str, want: int, timeout: float = 20) -> int:
    """Poll the registry's health until it is `want` or the time is up; returns the last status."""
    status = None
    for _ in range(int(timeout / 0.2)):
        status = await health(address, "duban.registry.v1.RegistryService")
        if status == want:
            break
        await asyncio.sleep(0.2)
    return status
