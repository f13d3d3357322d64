"""Bad input through the real pipeline (ingest → extract → registry, real NATS and PostgreSQL): every kind gets a
clear refusal or failure reason, or a correct result — and the documents already registered are unharmed.
The documents are our own sentences in the real style."""
from __future__ import annotations

import asyncio
import hashlib
import io
import random
import re
from pathlib import Path

import cn2an
import grpc
import pytest

from duban.ingest.v1 import ingest_pb2, ingest_pb2_grpc
from duban.registry.v1 import registry_pb2 as rpb
from duban.registry.v1 import registry_pb2_grpc
from services.ingest.client import ingest_paths
from tests.conftest import REPO_ROOT
from tests.system import running_system

EXAMPLE = REPO_ROOT / "examples" / "qzbf-2026-3.txt"
EXAMPLE_NUMBER = "衢政办发〔2026〕3号"
MAX_DOCUMENT_BYTES = 2_000_000
# Codes that say "your request was wrong" or "no such thing"; INTERNAL or UNKNOWN would mean we broke.
CLEAR_CODES = {grpc.StatusCode.OK, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT}


def notice(n: int, body: str = "一、加强组织领导\n1．9月底前完成专项整治任务。\n责任单位：市数据局\n",
           number: bool = True) -> str:
    heading = f"衢政办发〔2032〕{n}号\n\n" if number else ""
    return (f"衢州市人民政府办公室关于做好第{n}批专项工作的通知\n\n{heading}各县（市、区）人民政府，市政府各部门：\n"
            f"现将有关事项通知如下。\n\n{body}\n衢州市人民政府办公室\n2032年3月1日\n")


def number(n: int) -> str:
    return f"衢政办发〔2032〕{n}号"


def pdf(lines: list[str], encrypt: str | None = None) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=encrypt)
    page.setFont("STSong-Light", 12)
    for i, line in enumerate(lines):
        page.drawString(50, 800 - 18 * i, line)
    page.save()
    return buffer.getvalue()


def junk(size: int) -> bytes:
    rng = random.Random(size)
    return bytes(rng.randrange(256) for _ in range(size))


def nested_html(depth: int, n: int) -> bytes:
    body = "".join(f"<p>{line}</p>" for line in notice(n).splitlines() if line)
    return f"<html><body>{'<div>' * depth}{body}{'</div>' * depth}</body></html>".encode()


@pytest.fixture(scope="module")
async def system(server_data_dir, database_url):
    async with running_system(server_data_dir / "bad_input", database_url, "bad_input",
                              components=("ingest", "extract", "registry"),
                              extra_env={"DUBAN_MAX_DELIVER": "2",
                                         "DUBAN_MAX_DOCUMENT_BYTES": str(MAX_DOCUMENT_BYTES)}) as address:
        [example] = await ingest_paths(address, [EXAMPLE], wait=True, timeout=60)
        assert example.state == "registered", example.detail
        yield address


async def _get_document(address: str, document_id: str):
    async with grpc.aio.insecure_channel(address) as channel:
        return (await registry_pb2_grpc.RegistryServiceStub(channel).GetDocument(
            rpb.GetDocumentRequest(id=document_id), timeout=10)).document


@pytest.fixture(scope="module")
async def example_before(system):
    return await _get_document(system, EXAMPLE_NUMBER)


async def _ingest(address: str, path: Path, data: bytes):
    path.write_bytes(data)
    [result] = await ingest_paths(address, [path], wait=True, timeout=60)
    return result


FILES = [
    # (file name, bytes, expected state, a fragment of the reason or of the registered document numbers)
    ("empty.txt", b"", "refused", "empty"),
    ("too-big.txt", b"a" * (MAX_DOCUMENT_BYTES + 1), "refused", "limit"),
    ("junk.bin", junk(20_000), "failed", "binary"),
    ("junk.txt", junk(5_000), "failed", "binary"),
    ("junk.docx", b"PK\x03\x04" + junk(5_000), "failed", ""),
    ("picture.png", b"\x89PNG\r\n\x1a\n" + junk(2_000), "failed", "image"),
    ("truncated.pdf", pdf(notice(301).splitlines())[:1500], "failed", "PDF"),
    ("encrypted.pdf", pdf(notice(302).splitlines(), encrypt="secret"), "failed", "password"),
    ("deep.html", nested_html(200, 303), "registered", number(303)),
    ("very-deep.html", nested_html(100_000, 304), "failed", ""),
    ("gb18030.txt", notice(305).encode("gb18030"), "registered", number(305)),
    ("gbk.txt", notice(306).encode("gbk"), "registered", number(306)),
    ("utf16.txt", notice(307).encode("utf-16"), "registered", number(307)),
    ("utf8-bom.txt", notice(308).encode("utf-8-sig"), "registered", number(308)),
    ("misnamed.pdf", notice(309).encode(), "registered", number(309)),  # text named .pdf: read as what it is
]


@pytest.mark.parametrize("name,data,state,fragment", FILES, ids=[f[0] for f in FILES])
async def test_file_gets_a_clear_outcome(system, tmp_path, name, data, state, fragment):
    result = await _ingest(system, tmp_path / name, data)
    assert result.state == state, (result.state, result.detail)
    assert fragment.lower() in result.detail.lower()
    if state != "registered":
        assert result.detail.strip(), "a refusal or failure must say why"


async def test_document_without_a_number_is_registered(system, tmp_path):
    result = await _ingest(system, tmp_path / "no-number.txt", notice(310, number=False).encode())
    assert result.state == "registered" and result.detail == "", result.detail  # no 文号 to report
    async with grpc.aio.insecure_channel(system) as channel:
        page = await registry_pb2_grpc.RegistryServiceStub(channel).ListDocuments(
            rpb.ListDocumentsRequest(page_size=500))
    [document] = [d for d in page.documents if d.source_file == "no-number.txt"]
    assert document.doc_number == "" and document.clause_count >= 1


def parts_of_items(parts: int, items: int) -> str:
    """`parts` numbered parts of `items` tasks each (four-digit item numbers are not read as items: no real
    notice has them)."""
    return "".join(f"{cn2an.an2cn(part)}、第{part}部分任务\n"
                   + "".join(f"{i}．第{part}部分第{i}项任务9月底前完成。\n" for i in range(1, items + 1))
                   for part in range(1, parts + 1))


async def test_two_thousand_clauses_are_registered(system, tmp_path):
    result = await _ingest(system, tmp_path / "two-thousand.txt", notice(316, parts_of_items(4, 500)).encode())
    assert result.state == "registered", result.detail
    assert (await _get_document(system, number(316))).clause_count == 2_000 + 4


async def test_ten_thousand_clauses_are_registered(system, tmp_path):
    # Its extraction result (about 2.7 MB) is over NATS's default 1 MB message limit: it travels by reference.
    result = await _ingest(system, tmp_path / "ten-thousand.txt", notice(311, parts_of_items(20, 500)).encode())
    assert result.state == "registered", result.detail
    assert (await _get_document(system, number(311))).clause_count == 10_000 + 20


SQL_CLAUSE = "1．'; DROP TABLE documents; -- 9月底前完成\"任务\" OR '1'='1，%_\\ 不得遗漏。"


async def test_sql_like_text_is_stored_as_text(system, tmp_path):
    body = f"一、工作要求\n{SQL_CLAUSE}\n责任单位：市数据局\n"
    result = await _ingest(system, tmp_path / "sql.txt", notice(312, body).encode())
    assert result.state == "registered", result.detail
    async with grpc.aio.insecure_channel(system) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        clauses = (await stub.ListClauses(rpb.ListClausesRequest(document=number(312), page_size=50))).clauses
        found = (await stub.SearchClauses(rpb.SearchClausesRequest(query="DROP TABLE documents"))).clauses
    assert any("'; DROP TABLE documents; --" in c.text and "OR '1'='1" in c.text for c in clauses), clauses
    assert [c.doc_number for c in found] == [number(312)]


async def test_stray_control_characters_are_removed(system, tmp_path):
    # A NUL, a bell and an escape among ordinary tasks (PostgreSQL text cannot hold NUL).
    tasks = "".join(f"{i}．做好第{i}项专项整治工作，9月底前完成并报送情况。\n" for i in range(2, 16))
    body = f"一、工作要求\n1．9月底前完成\x00专项\x07整治\x1b任务。\n{tasks}责任单位：市数据局\n"
    result = await _ingest(system, tmp_path / "control.txt", notice(313, body).encode())
    assert result.state == "registered", result.detail
    async with grpc.aio.insecure_channel(system) as channel:
        clauses = (await registry_pb2_grpc.RegistryServiceStub(channel).ListClauses(
            rpb.ListClausesRequest(document=number(313), page_size=50))).clauses
    assert any("9月底前完成专项整治任务" in c.text for c in clauses), [c.text for c in clauses]


HOSTILE = ["'; DROP TABLE documents; --", "%' OR 1=1 --", "%", "_", "\\", "\x00", "\x1b[2J\x07", "🙂" * 100,
           "衢政办发〔2026〕3号' OR '1'='1", "a" * 100_000, "衢" * 512, "../../../etc/passwd", "\u202e\u200b"]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_api_fields_get_clear_answers(system, value):
    async with grpc.aio.insecure_channel(system) as channel:
        registry = registry_pb2_grpc.RegistryServiceStub(channel)
        ingest = ingest_pb2_grpc.IngestServiceStub(channel)
        calls = {
            "GetDocument": registry.GetDocument(rpb.GetDocumentRequest(id=value)),
            "ListClauses": registry.ListClauses(rpb.ListClausesRequest(document=value, path_prefix=value)),
            "ListResponsibilities": registry.ListResponsibilities(rpb.ListResponsibilitiesRequest(
                unit=value, document=value)),
            "ListResponsibilities token": registry.ListResponsibilities(rpb.ListResponsibilitiesRequest(
                page_token=value)),
            "ListDeadlines": registry.ListDeadlines(rpb.ListDeadlinesRequest(unit=value, from_date=value)),
            "SearchClauses": registry.SearchClauses(rpb.SearchClausesRequest(query=value, document=value)),
            "ResolveUnit": registry.ResolveUnit(rpb.ResolveUnitRequest(name=value)),
            "GetUnitSummary": registry.GetUnitSummary(rpb.GetUnitSummaryRequest(unit=value)),
            "ListDocuments": registry.ListDocuments(rpb.ListDocumentsRequest(issuer=value, signed_from=value)),
            "GetIngestStatus": ingest.GetIngestStatus(ingest_pb2.GetIngestStatusRequest(doc_id=value)),
        }
        codes = {}
        for name, call in calls.items():
            try:
                await call
                codes[name] = (grpc.StatusCode.OK, "")
            except grpc.aio.AioRpcError as exc:
                codes[name] = (exc.code(), exc.details() or "")
    assert {n: c for n, c in codes.items() if c[0] not in CLEAR_CODES} == {}
    leaks = {n: d for n, (_, d) in codes.items() if re.search(r"SELECT|INSERT|asyncpg|sqlalchemy|Traceback", d)}
    assert leaks == {}


async def _submit_named(address: str, filename: str, data: bytes):
    async def chunks():
        yield ingest_pb2.SubmitDocumentRequest(filename=filename, chunk=data)
    async with grpc.aio.insecure_channel(address) as channel:
        stub = ingest_pb2_grpc.IngestServiceStub(channel)
        reply = await stub.SubmitDocument(chunks(), timeout=10)
        for _ in range(300):
            status = await stub.GetIngestStatus(ingest_pb2.GetIngestStatusRequest(doc_id=reply.doc_id))
            if status.state in (ingest_pb2.INGEST_STATE_REGISTERED, ingest_pb2.INGEST_STATE_FAILED):
                return status
            await asyncio.sleep(0.1)
    return status


async def test_hostile_file_name_is_only_a_label(system):
    status = await _submit_named(system, "../../x'; DROP TABLE submissions; --\x1b[2J" + "名" * 200 + ".txt",
                                 notice(314).encode())
    assert status.state == ingest_pb2.INGEST_STATE_REGISTERED, status.reason
    assert list(status.doc_numbers) == [number(314)]


async def test_file_name_with_nul_is_refused(system):
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await _submit_named(system, "a\x00b.txt", notice(315).encode())
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "NUL" in refused.value.details()


async def test_oversized_grpc_request_is_refused_and_the_server_carries_on(system):
    async with grpc.aio.insecure_channel(system, options=[("grpc.max_send_message_length", -1)]) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.GetDocument(rpb.GetDocumentRequest(id="x" * (65 * 1024 * 1024)), timeout=30)
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert (await _get_document(system, EXAMPLE_NUMBER)).doc_number == EXAMPLE_NUMBER


async def test_oversized_document_stream_is_refused(system):
    async def chunks():
        for _ in range(3):
            yield ingest_pb2.SubmitDocumentRequest(filename="big.txt", chunk=b"a" * (MAX_DOCUMENT_BYTES // 2 + 1))
    async with grpc.aio.insecure_channel(system) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await ingest_pb2_grpc.IngestServiceStub(channel).SubmitDocument(chunks(), timeout=10)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "limit" in refused.value.details()


async def test_small_document_in_one_message_is_registered_like_a_streamed_one(system):
    data = notice(316).encode()
    async with grpc.aio.insecure_channel(system) as channel:
        stub = ingest_pb2_grpc.IngestServiceStub(channel)
        reply = await stub.SubmitSmallDocument(ingest_pb2.SubmitSmallDocumentRequest(
            filename="small.txt", content=data), timeout=10)
    assert (reply.doc_id, reply.duplicate, reply.size) == (hashlib.sha256(data).hexdigest(), False, len(data))
    status = await _submit_named(system, "small-again.txt", data)  # the same bytes streamed: the same document
    assert status.doc_id == reply.doc_id and status.state == ingest_pb2.INGEST_STATE_REGISTERED, status.reason
    assert list(status.doc_numbers) == [number(316)]


@pytest.mark.parametrize("content, reason", [(b"", "empty"), (b"a" * (MAX_DOCUMENT_BYTES + 1), "limit")])
async def test_small_document_empty_or_over_the_limit_is_refused(system, content, reason):
    async with grpc.aio.insecure_channel(system) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await ingest_pb2_grpc.IngestServiceStub(channel).SubmitSmallDocument(
                ingest_pb2.SubmitSmallDocumentRequest(filename="x.txt", content=content), timeout=10)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT and reason in refused.value.details()


async def test_registered_documents_are_unharmed(system, example_before):
    """Runs last: the example registered before all of the above is exactly as it was."""
    after = await _get_document(system, EXAMPLE_NUMBER)
    assert after == example_before
    async with grpc.aio.insecure_channel(system) as channel:
        page = await registry_pb2_grpc.RegistryServiceStub(channel).ListDocuments(
            rpb.ListDocumentsRequest(page_size=500))
    numbers = [d.doc_number for d in page.documents if d.doc_number]
    assert len(numbers) == len(set(numbers)) and EXAMPLE_NUMBER in numbers
