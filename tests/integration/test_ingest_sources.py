"""Every way in, against real servers: a watched folder, PDF and DOCX files made from our examples, a file
streamed in several chunks, a file over the size limit, and re-extraction of stored originals (gRPC and
`duban reextract`) that leaves each document registered once."""
from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path

import grpc
import pytest

from duban.ingest.v1 import ingest_pb2, ingest_pb2_grpc
from duban.registry.v1 import registry_pb2 as rpb
from duban.registry.v1 import registry_pb2_grpc
from services.ingest.client import CHUNK_BYTES, IngestResult, ingest_paths
from services.ingest.watcher import watch_folder
from tests.conftest import REPO_ROOT
from tests.system import running_system
from tests.unit.ingest.generate import example_lines, find_cjk_font, make_docx, make_pdf

MAX_BYTES = 6 * 1024 * 1024  # DUBAN_MAX_DOCUMENT_BYTES of this module's system: above 4 MB, so chunking shows

# A short notice in the real style, written for this test (the examples are taken by the other tests).
WATCHED_NOTICE = """衢州市人民政府办公室关于做好城市道路积水点整治工作的通知

衢政办函〔2026〕41号

各县（市、区）人民政府，市政府各部门、直属各单位：
现将城市道路积水点整治任务分解如下，请认真抓好落实。

衢州市人民政府办公室
2026年4月8日

一、排查整治
1．5月底前完成城区积水点排查，建立整治清单。
牵头市领导：王明远
责任单位：市住建局、市综合执法局
2．汛期前完成积水点改造20处以上。
牵头市领导：王明远
责任单位：市住建局，各县（市、区）政府
"""


@pytest.fixture(scope="module")
async def system(server_data_dir, database_url):
    async with running_system(server_data_dir / "ingest-sources", database_url, "ingest_sources",
                              components=("ingest", "extract", "registry"),
                              # In-process extraction: the re-extraction test swaps the extractor version here.
                              extra_env={"DUBAN_MAX_DOCUMENT_BYTES": str(MAX_BYTES),
                                         "DUBAN_EXTRACT_PROCESSES": "0"}) as address:
        yield address


@pytest.fixture(scope="module")
def cjk_font() -> Path:
    font = find_cjk_font()
    if font is None:
        reason = "no CJK TrueType font installed: run scripts/install-system-deps.sh (fonts-wqy-microhei)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true makes its absence a failure)")
        pytest.skip(reason)
    return font


async def _ingest(address: str, path: Path) -> IngestResult:
    [result] = await ingest_paths(address, [path], wait=True, timeout=60)
    return result


async def _status(address: str, doc_id: str) -> ingest_pb2.GetIngestStatusResponse | None:
    async with grpc.aio.insecure_channel(address) as channel:
        try:
            return await ingest_pb2_grpc.IngestServiceStub(channel).GetIngestStatus(
                ingest_pb2.GetIngestStatusRequest(doc_id=doc_id))
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise


async def _wait_registered(address: str, doc_id: str, timeout: float = 30) -> ingest_pb2.GetIngestStatusResponse:
    for _ in range(int(timeout * 10)):
        status = await _status(address, doc_id)
        if status is not None and status.state in (ingest_pb2.INGEST_STATE_REGISTERED,
                                                   ingest_pb2.INGEST_STATE_FAILED):
            return status
        await asyncio.sleep(0.1)
    raise AssertionError(f"{doc_id} not registered within {timeout}s (last status: {status})")


async def _document(address: str, doc_number: str) -> rpb.Document:
    async with grpc.aio.insecure_channel(address) as channel:
        reply = await registry_pb2_grpc.RegistryServiceStub(channel).GetDocument(rpb.GetDocumentRequest(id=doc_number))
    return reply.document


async def _responsibilities(address: str, doc_number: str) -> list:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        found, token = [], ""
        while True:
            page = await stub.ListResponsibilities(rpb.ListResponsibilitiesRequest(page_size=200, page_token=token))
            found.extend(r for r in page.responsibilities if r.doc_number == doc_number)
            if not (token := page.next_page_token):
                return found


async def _documents_numbered(address: str, doc_number: str) -> int:
    async with grpc.aio.insecure_channel(address) as channel:
        page = await registry_pb2_grpc.RegistryServiceStub(channel).ListDocuments(
            rpb.ListDocumentsRequest(page_size=500))
    return [d.doc_number for d in page.documents].count(doc_number)


async def test_file_dropped_in_watched_folder_is_registered(system: str, tmp_path: Path) -> None:
    folder, stop = tmp_path / "inbox", asyncio.Event()
    watcher = asyncio.create_task(watch_folder(folder, system, stop))
    try:
        await asyncio.sleep(1)  # the watch is set up before the file appears
        data = WATCHED_NOTICE.encode()
        (folder / "道路积水点整治.txt").write_bytes(data)
        status = await _wait_registered(system, hashlib.sha256(data).hexdigest())
    finally:
        stop.set()
        await asyncio.wait_for(watcher, timeout=10)
    assert status.state == ingest_pb2.INGEST_STATE_REGISTERED, status.reason
    assert list(status.doc_numbers) == ["衢政办函〔2026〕41号"]
    units = {(r.clause_path, r.unit) for r in await _responsibilities(system, "衢政办函〔2026〕41号")}
    assert {("1.1", "市住建局"), ("1.1", "市综合执法局"), ("1.2", "各县（市、区）政府")} <= units


async def test_pdf_goes_through_the_pipeline(system: str, tmp_path: Path, cjk_font: Path) -> None:
    pdf, _ = make_pdf(example_lines("qzbf-2026-3.txt"), cjk_font)
    path = tmp_path / "qzbf-2026-3.pdf"
    path.write_bytes(pdf)
    result = await _ingest(system, path)
    assert result.state == "registered" and result.detail == "衢政办发〔2026〕3号", result.detail
    document = await _document(system, "衢政办发〔2026〕3号")
    assert document.source_doc_id == hashlib.sha256(pdf).hexdigest()
    units = {(r.clause_path, r.unit) for r in await _responsibilities(system, "衢政办发〔2026〕3号")}
    assert {("2.3", "市数据局"), ("2.4", "市数据局"), ("1.1", "各县（市、区）政府")} <= units  # 二、3．4． 一、1．


async def test_docx_table_goes_through_the_pipeline(system: str, tmp_path: Path) -> None:
    path = tmp_path / "qzbf-2026-8.docx"
    path.write_bytes(make_docx(example_lines("qzbf-2026-8.txt")))
    result = await _ingest(system, path)
    assert result.state == "registered" and result.detail == "衢政办发〔2026〕8号", result.detail
    roles = {(r.clause_path, r.unit, r.role) for r in await _responsibilities(system, "衢政办发〔2026〕8号")}
    # Row 1 of the table: 市卫健委 leads, 各县（市、区）政府 supports.
    assert {("table1/row/1", "市卫健委", rpb.ROLE_LEAD), ("table1/row/1", "各县（市、区）政府", rpb.ROLE_SUPPORT)} <= roles


async def test_file_over_four_megabytes_streams_in_chunks(system: str, tmp_path: Path) -> None:
    text = (REPO_ROOT / "examples" / "qzf-2026-5.txt").read_text(encoding="utf-8")
    data = (text + "\n" + " " * (4 * 1024 * 1024 + 100_000) + "\n").encode()  # a trailing blank line
    assert len(data) > 4 * CHUNK_BYTES and len(data) < MAX_BYTES
    path = tmp_path / "qzf-2026-5-padded.txt"
    path.write_bytes(data)
    result = await _ingest(system, path)
    assert result.doc_id == hashlib.sha256(data).hexdigest()
    assert result.state == "registered" and result.detail == "衢政发〔2026〕5号", result.detail


async def test_file_over_the_limit_is_refused_with_reason(system: str, tmp_path: Path) -> None:
    path = tmp_path / "too-big.txt"
    path.write_bytes(b"x" * (MAX_BYTES + 1))
    result = await _ingest(system, path)
    assert result.state == "refused"
    assert f"limit of {MAX_BYTES} bytes" in result.detail
    assert await _status(system, hashlib.sha256(path.read_bytes()).hexdigest()) is None  # nothing recorded


async def test_reextraction_requeues_originals_and_keeps_one_document(system: str, tmp_path: Path,
                                                                      monkeypatch) -> None:
    path = tmp_path / "watched.txt"
    path.write_text(WATCHED_NOTICE, encoding="utf-8")
    first = await _ingest(system, path)
    assert first.state == "registered"
    before = await _document(system, "衢政办函〔2026〕41号")

    # An upgraded extractor: the registry stores a new version of the same document instead of a second copy.
    import services.extract.worker as worker
    monkeypatch.setattr(worker, "EXTRACTOR_VERSION", "99.0.0")
    async with grpc.aio.insecure_channel(system) as channel:
        reply = await ingest_pb2_grpc.IngestServiceStub(channel).ReextractDocuments(
            ingest_pb2.ReextractDocumentsRequest(doc_ids=[first.doc_id, "0" * 64]))
    assert reply.queued == 1 and list(reply.missing_doc_ids) == ["0" * 64]
    for _ in range(300):
        after = await _document(system, "衢政办函〔2026〕41号")
        if after.extractor_version == "99.0.0":
            break
        await asyncio.sleep(0.1)
    assert after.extractor_version == "99.0.0" and after.version == before.version + 1
    assert after.id == before.id and await _documents_numbered(system, "衢政办函〔2026〕41号") == 1
    keys = [(r.clause_path, r.unit, r.role) for r in await _responsibilities(system, "衢政办函〔2026〕41号")]
    assert len(keys) == len(set(keys)) == 4
    assert (await _status(system, first.doc_id)).state == ingest_pb2.INGEST_STATE_REGISTERED


async def test_reextract_cli_queues_all_and_names_missing_ids(system: str, tmp_path: Path, capsys) -> None:
    from services.cli import main
    path = tmp_path / "watched.txt"
    path.write_text(WATCHED_NOTICE, encoding="utf-8")
    assert (await _ingest(system, path)).state == "registered"

    def cli(*argv: str) -> int:  # in a thread: the CLI runs its own event loop, the system runs in ours
        return main(["reextract", *argv, "--server", system])
    assert await asyncio.to_thread(cli) == 2  # neither ids nor --all
    assert await asyncio.to_thread(cli, "--all") == 0
    queued = capsys.readouterr().out
    assert queued.startswith("queued ") and int(queued.split()[1]) >= 1
    assert await asyncio.to_thread(cli, "f" * 64) == 1
    assert "no stored original: " + "f" * 64 in capsys.readouterr().err
    await asyncio.sleep(1)  # the re-extraction goes through; the document is still there once
    assert await _documents_numbered(system, "衢政办函〔2026〕41号") == 1


async def test_a_submission_interrupted_after_its_row_is_completed_by_the_retry(system: str, database_url: str,
                                                                                 tmp_path: Path) -> None:
    """Ingest writes the submission row before it stores the original. A crash in between leaves a `received`
    row and no original; the client had no answer and submits again: the original is stored and registered."""
    import asyncpg

    text = WATCHED_NOTICE.replace("41号", "43号").replace("积水点", "排水口")
    data = text.encode()
    doc_id = hashlib.sha256(data).hexdigest()
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql").rsplit("/", 1)[0]
                                 + "/ingest_sources")
    try:
        await conn.execute("INSERT INTO submissions (doc_id, filename, media_type, size, state) "
                           "VALUES ($1, 'interrupted.txt', 'text/plain', $2, 'received')", doc_id, len(data))
    finally:
        await conn.close()
    path = tmp_path / "interrupted.txt"
    path.write_bytes(data)
    result = await _ingest(system, path)
    assert result.doc_id == doc_id
    status = await _wait_registered(system, doc_id)
    assert status.state == ingest_pb2.INGEST_STATE_REGISTERED, status
    assert (await _document(system, "衢政办函〔2026〕43号")).doc_number == "衢政办函〔2026〕43号"
