"""RegistryService over real gRPC and PostgreSQL: every method, pagination, and errors."""
from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import grpc
import pytest

from duban.registry.v1 import registry_pb2 as pb
from duban.registry.v1 import registry_pb2_grpc
from services.registry.api import RegistryServicer
from services.runtime.db import open_statement_pool
from services.registry.store import store_extraction
from tests.integration.registry.conftest import clause, work_plan

TODAY = date.today()
SOON = (TODAY + timedelta(days=10)).isoformat()
PAST = (TODAY - timedelta(days=10)).isoformat()
LATER = (TODAY + timedelta(days=200)).isoformat()


def _corpus() -> list[tuple[str, dict]]:
    plan = work_plan("衢政办发〔2024〕31号")
    plan["clauses"].append(clause("4", "推进数字化改革，近期完成。", units=[("市发改委", "responsible")],
                                  deadlines=[("近期", SOON, "due")]))
    plan["clauses"].append(clause("5", "清理历史遗留问题。", units=[("市发改委", "responsible")],
                                  deadlines=[("上月底前", PAST, "due")]))
    plan["clauses"].append(clause("5.1", "推进重大项目前期工作。", units=[("开化县司法局", "responsible")],
                                  deadlines=[("每季度", None, "recurring")]))
    notice = work_plan("衢政发〔2023〕8号", title="关于加强法治政府建设的意见", issuers=["衢州市人民政府"],
                       signed_date="2023-06-01", clauses=[
                           clause("1", "各县（市、区）司法局要健全重大项目法律审核机制。",
                                  units=[("各县（市、区）司法局", "responsible")],
                                  deadlines=[("年内", LATER, "due")])])
    old = work_plan("衢政发〔2018〕1号", signed_date="2018-01-01", issuers=["衢州市人民政府"])
    repealer = work_plan("衢政发〔2024〕2号", signed_date="2024-05-01", issuers=["衢州市人民政府"], clauses=[],
                         relations=[{"type": "repeals", "doc_number": "衢政发〔2018〕1号", "effective_date": None}])
    return [("a" * 64, plan), ("b" * 64, notice), ("c" * 64, old), ("d" * 64, repealer)]


@pytest.fixture(scope="module")
async def stub(engine, directory, registry_url):
    for doc_id, document in _corpus():
        await store_extraction(engine, directory, doc_id=doc_id, extractor_version="1.0.0", source_file="x.txt",
                               documents=[document])
    pool = await open_statement_pool(registry_url, size=2)
    server = grpc.aio.server()
    registry_pb2_grpc.add_RegistryServiceServicer_to_server(RegistryServicer(pool, directory), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    yield registry_pb2_grpc.RegistryServiceStub(channel)
    await channel.close()
    await server.stop(0)
    await pool.close()


async def _error(call) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    return info.value.code(), info.value.details()


async def test_get_document_by_id_and_doc_number(stub):
    by_number = (await stub.GetDocument(pb.GetDocumentRequest(id="衢政发〔2018〕1号"))).document
    by_id = (await stub.GetDocument(pb.GetDocumentRequest(id=by_number.id))).document
    assert by_id == by_number
    assert by_number.status == pb.DOCUMENT_STATUS_REPEALED and by_number.status_changed_by == "衢政发〔2024〕2号"
    repealer = (await stub.GetDocument(pb.GetDocumentRequest(id="衢政发(2024)2号"))).document
    assert [(r.type, r.doc_number) for r in repealer.relations] == [("repeals", "衢政发〔2018〕1号")]


async def test_get_document_errors(stub):
    assert (await _error(stub.GetDocument(pb.GetDocumentRequest(id=""))))[0] == grpc.StatusCode.INVALID_ARGUMENT
    code, message = await _error(stub.GetDocument(pb.GetDocumentRequest(id="衢政发〔1999〕1号")))
    assert code == grpc.StatusCode.NOT_FOUND and "衢政发〔1999〕1号" in message


async def test_list_documents_filters_and_pages_newest_first(stub):
    first = await stub.ListDocuments(pb.ListDocumentsRequest(page_size=2))
    second = await stub.ListDocuments(pb.ListDocumentsRequest(page_size=2, page_token=first.next_page_token))
    numbers = [d.doc_number for d in [*first.documents, *second.documents]]
    assert numbers == ["衢政发〔2024〕2号", "衢政办发〔2024〕31号", "衢政发〔2023〕8号", "衢政发〔2018〕1号"]
    assert second.next_page_token == ""
    by_issuer = await stub.ListDocuments(pb.ListDocumentsRequest(issuer="衢州市人民政府", signed_from="2020-01-01",
                                                                 status=pb.DOCUMENT_STATUS_IN_FORCE))
    assert [d.doc_number for d in by_issuer.documents] == ["衢政发〔2024〕2号", "衢政发〔2023〕8号"]


async def test_page_token_for_other_filters_or_garbage_is_refused(stub):
    first = await stub.ListDocuments(pb.ListDocumentsRequest(page_size=1))
    code, message = await _error(stub.ListDocuments(pb.ListDocumentsRequest(
        page_size=1, issuer="衢州市人民政府", page_token=first.next_page_token)))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "different query" in message
    code, _ = await _error(stub.ListResponsibilities(pb.ListResponsibilitiesRequest(page_token="garbage!")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    code, message = await _error(stub.ListDocuments(pb.ListDocumentsRequest(signed_from="2024/01/01")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "signed_from" in message


async def test_list_clauses_with_prefix_and_details(stub):
    reply = await stub.ListClauses(pb.ListClausesRequest(document="衢政办发〔2024〕31号", path_prefix="5"))
    assert [c.path for c in reply.clauses] == ["5", "5.1"]
    first = (await stub.ListClauses(pb.ListClausesRequest(document="衢政办发〔2024〕31号", page_size=1))).clauses[0]
    assert [(u.name, u.canonical, u.role) for u in first.units] == [
        ("市发改委", "衢州市发展和改革委员会", pb.ROLE_LEAD), ("市财政局", "衢州市财政局", pb.ROLE_SUPPORT)]
    assert [(d.date, d.kind) for d in first.deadlines] == [("2024-10-31", pb.DEADLINE_KIND_DUE)]
    assert [(t.value, t.op) for t in first.targets] == [(10.0, ">=")] and list(first.officials) == ["张三"]
    code, _ = await _error(stub.ListClauses(pb.ListClausesRequest(document="nope")))
    assert code == grpc.StatusCode.NOT_FOUND


async def test_list_responsibilities_by_alias_pages_without_overlap(stub):
    seen, token = [], ""
    while True:
        reply = await stub.ListResponsibilities(pb.ListResponsibilitiesRequest(
            unit="衢州市发改委", page_size=2, page_token=token))
        seen += [(r.doc_number, r.clause_path) for r in reply.responsibilities]
        token = reply.next_page_token
        if not token:
            break
    assert sorted(seen) == [("衢政办发〔2024〕31号", "1"), ("衢政办发〔2024〕31号", "4"), ("衢政办发〔2024〕31号", "5"),
                            ("衢政发〔2018〕1号", "1")]
    active = await stub.ListResponsibilities(pb.ListResponsibilitiesRequest(
        unit="市发改委", status=pb.RESPONSIBILITY_STATUS_ACTIVE, role=pb.ROLE_RESPONSIBLE))
    assert [r.clause_path for r in active.responsibilities] == ["4", "5"]
    due = await stub.ListResponsibilities(pb.ListResponsibilitiesRequest(unit="市发改委", due_from=TODAY.isoformat(),
                                                                         document="衢政办发〔2024〕31号"))
    assert [r.clause_path for r in due.responsibilities] == ["4"]  # clause 1 (2024-10-31) and 5 are past


async def test_groups_expand_both_ways(stub):
    county = await stub.ListResponsibilities(pb.ListResponsibilitiesRequest(
        unit="开化县司法局", status=pb.RESPONSIBILITY_STATUS_ACTIVE))
    assert sorted((r.doc_number, r.clause_path) for r in county.responsibilities) == [
        ("衢政办发〔2024〕31号", "5.1"), ("衢政发〔2023〕8号", "1")]
    group = await stub.ListResponsibilities(pb.ListResponsibilitiesRequest(
        unit="各县(市、区)政府", status=pb.RESPONSIBILITY_STATUS_ACTIVE))
    member = await stub.ListResponsibilities(pb.ListResponsibilitiesRequest(
        unit="开化县", status=pb.RESPONSIBILITY_STATUS_ACTIVE))
    assert [r.unit_key for r in group.responsibilities] == ["各县（市、区）政府"]
    assert [r.id for r in member.responsibilities] == [r.id for r in group.responsibilities]


async def test_list_deadlines_overdue_range_kind_and_unit(stub):
    overdue = await stub.ListDeadlines(pb.ListDeadlinesRequest(unit="市发改委", overdue=True,
                                                               status=pb.DEADLINE_STATUS_OPEN))
    assert PAST in [d.date for d in overdue.deadlines]
    assert all(d.date < TODAY.isoformat() for d in overdue.deadlines)
    window = await stub.ListDeadlines(pb.ListDeadlinesRequest(from_date=TODAY.isoformat(), to_date=SOON))
    assert [(d.text, d.clause_path, list(d.units)) for d in window.deadlines] == [
        ("近期", "4", ["衢州市发展和改革委员会"])]
    recurring = await stub.ListDeadlines(pb.ListDeadlinesRequest(kind=pb.DEADLINE_KIND_RECURRING))
    assert [(d.text, d.date) for d in recurring.deadlines] == [("每季度", "")]
    all_pages, token = [], ""
    while True:
        reply = await stub.ListDeadlines(pb.ListDeadlinesRequest(page_size=3, page_token=token))
        all_pages += [d.id for d in reply.deadlines]
        token = reply.next_page_token
        if not token:
            break
    everything = await stub.ListDeadlines(pb.ListDeadlinesRequest(page_size=500))
    assert all_pages == [d.id for d in everything.deadlines] and len(set(all_pages)) == len(all_pages) > 3


async def test_search_clauses(stub):
    reply = await stub.SearchClauses(pb.SearchClausesRequest(query="重大项目"))
    assert sorted((c.doc_number, c.path) for c in reply.clauses) == [
        ("衢政办发〔2024〕31号", "1"), ("衢政办发〔2024〕31号", "5.1"), ("衢政发〔2018〕1号", "1"),
        ("衢政发〔2023〕8号", "1")]
    only = await stub.SearchClauses(pb.SearchClausesRequest(query="重大项目", document="衢政发〔2023〕8号"))
    assert [c.path for c in only.clauses] == ["1"]
    literal = await stub.SearchClauses(pb.SearchClausesRequest(query="100%"))
    assert list(literal.clauses) == []
    assert (await _error(stub.SearchClauses(pb.SearchClausesRequest(query=" "))))[0] == \
        grpc.StatusCode.INVALID_ARGUMENT


async def test_units_list_resolve_and_summary(stub):
    first = await stub.ListUnits(pb.ListUnitsRequest(page_size=10))
    rest = await stub.ListUnits(pb.ListUnitsRequest(page_size=500, page_token=first.next_page_token))
    names = [u.canonical for u in [*first.units, *rest.units]]
    assert len(names) == len(set(names)) > 10 and names == sorted(names)
    resolved = await stub.ResolveUnit(pb.ResolveUnitRequest(name="市人社局"))
    assert resolved.unit.canonical == "衢州市人力资源和社会保障局" and not resolved.unit.is_group
    group = await stub.ResolveUnit(pb.ResolveUnitRequest(name="各县市区"))
    assert group.unit.is_group and "开化县人民政府" in group.unit.members
    assert (await _error(stub.ResolveUnit(pb.ResolveUnitRequest(name="火星局"))))[0] == grpc.StatusCode.NOT_FOUND
    summary = await stub.GetUnitSummary(pb.GetUnitSummaryRequest(unit="市发改委"))
    assert (summary.unit, summary.tasks, summary.due_within_30_days, summary.overdue, summary.documents) == (
        "衢州市发展和改革委员会", 3, 1, 2, 1)
    assert (await _error(stub.GetUnitSummary(pb.GetUnitSummaryRequest(unit="火星局"))))[0] == \
        grpc.StatusCode.NOT_FOUND


async def test_watch_events_resumes_from_cursor(stub):
    everything = stub.WatchEvents(pb.WatchEventsRequest())
    first, second, third = [await asyncio.wait_for(everything.read(), 5) for _ in range(3)]
    everything.cancel()
    resumed = stub.WatchEvents(pb.WatchEventsRequest(cursor=second.cursor))
    assert (await asyncio.wait_for(resumed.read(), 5)).id == third.id
    resumed.cancel()
    assert json.loads(first.payload_json)["id"] == first.id and first.subject.startswith("duban.registry.")
    repeals = stub.WatchEvents(pb.WatchEventsRequest(subject_prefix="duban.registry.document."))
    event = await asyncio.wait_for(repeals.read(), 5)
    repeals.cancel()
    assert event.subject == "duban.registry.document.repealed"
    assert json.loads(event.payload_json)["document"]["doc_number"] == "衢政发〔2018〕1号"
    bad = stub.WatchEvents(pb.WatchEventsRequest(cursor="not-a-cursor"))
    assert (await _error(bad.read()))[0] == grpc.StatusCode.INVALID_ARGUMENT
