"""A document submitted to ingest comes out of the registry over gRPC, with its responsibilities, once."""
from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from duban.ingest.v1 import ingest_pb2
from duban.registry.v1 import registry_pb2 as rpb
from duban.registry.v1 import registry_pb2_grpc
from services.ingest.client import ingest_paths
from tests.conftest import REPO_ROOT
from tests.system import running_system

EXAMPLE = REPO_ROOT / "examples" / "qzbf-2026-3.txt"


@pytest.fixture(scope="module")
async def system(server_data_dir, database_url):
    async with running_system(server_data_dir / "pipeline", database_url, "pipeline") as address:
        yield address


async def _responsibilities(address: str, **filters) -> list:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        found, token = [], ""
        while True:
            page = await stub.ListResponsibilities(
                rpb.ListResponsibilitiesRequest(page_size=7, page_token=token, **filters))
            found.extend(page.responsibilities)
            if not (token := page.next_page_token):
                return found


async def test_submitted_document_is_registered_with_responsibilities(system: str) -> None:
    [result] = await ingest_paths(system, [EXAMPLE], wait=True, timeout=60)
    assert result.state == "registered", result.detail
    assert "衢政办发〔2026〕3号" in result.detail

    async with grpc.aio.insecure_channel(system) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        reply = await stub.GetDocument(rpb.GetDocumentRequest(id="衢政办发〔2026〕3号"))
    assert reply.document.title.startswith("衢州市人民政府办公室关于印发2026年数字经济")
    assert reply.document.clause_count >= 5

    data_bureau = await _responsibilities(system, unit="市数据局")
    paths = {r.clause_path for r in data_bureau if r.doc_number == "衢政办发〔2026〕3号"}
    assert {"2.3", "2.4"} <= paths  # 二、 3． and 4． name 市数据局
    assert all(r.text and r.unit for r in data_bureau)


async def test_same_document_twice_gives_one_copy(system: str) -> None:
    first = await ingest_paths(system, [EXAMPLE], wait=True, timeout=60)
    second = await ingest_paths(system, [EXAMPLE], wait=True, timeout=60)
    assert first[0].doc_id == second[0].doc_id
    async with grpc.aio.insecure_channel(system) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        page = await stub.ListDocuments(rpb.ListDocumentsRequest(page_size=500))
    numbers = [d.doc_number for d in page.documents]
    assert numbers.count("衢政办发〔2026〕3号") == 1
    everything = await _responsibilities(system)
    keys = [(r.doc_number, r.clause_path, r.unit, r.role) for r in everything]
    assert len(keys) == len(set(keys))


async def test_unreadable_file_fails_with_reason(system: str, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    [result] = await ingest_paths(system, [junk], wait=True, timeout=60)
    assert result.state == "failed"
    assert result.detail


async def test_empty_file_is_refused_at_submission(system: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    [result] = await ingest_paths(system, [empty], wait=False, timeout=0)
    assert result.state == "refused" and "empty" in result.detail


async def test_status_of_unknown_document_is_not_found(system: str) -> None:
    from duban.ingest.v1 import ingest_pb2_grpc
    async with grpc.aio.insecure_channel(system) as channel:
        stub = ingest_pb2_grpc.IngestServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.GetIngestStatus(ingest_pb2.GetIngestStatusRequest(doc_id="0" * 64))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_registry_events_continue_the_documents_trace(system: str, database_url: str) -> None:
    import asyncpg
    other = REPO_ROOT / "examples" / "qzf-2026-5.txt"
    results = await ingest_paths(system, [EXAMPLE, other], wait=True, timeout=60)
    assert [r.state for r in results] == ["registered", "registered"]
    url = database_url.rsplit("/", 1)[0].replace("postgresql+asyncpg", "postgresql") + "/pipeline"
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT payload, traceparent FROM outbox")
    finally:
        await conn.close()
    traces: dict[str, set[str]] = {}
    for row in rows:
        assert row["traceparent"], "every outbox event carries the trace of its document"
        doc = str(row["payload"])
        key = "5号" if "衢政发〔2026〕5号" in doc else "3号" if "衢政办发〔2026〕3号" in doc else "other"
        traces.setdefault(key, set()).add(row["traceparent"].split("-")[1])
    assert len(traces["3号"]) == 1 and len(traces["5号"]) == 1  # one trace per ingested file
    assert traces["3号"] != traces["5号"]
