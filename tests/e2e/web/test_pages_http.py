"""The web UI over plain HTTP on a running system: access rules, and each page against the registry's gRPC answers."""
from __future__ import annotations

import aiohttp
import grpc
import pytest

from duban.registry.v1 import registry_pb2 as pb
from duban.registry.v1 import registry_pb2_grpc
from services.web.urls import document_url, search_url, unit_url
from tests.e2e.web.conftest import INGEST_TOKEN, READ_TOKEN, REPEALED_BY, REPEALED_NUMBER

pytestmark = pytest.mark.e2e

UNIT_ALIAS, UNIT_CANONICAL = "市经信局", "衢州市经济和信息化局"


async def _get(url: str, token: str | None = READ_TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.text()


async def _registry_tasks(address: str, unit: str) -> set[tuple[str, str]]:
    """(文号, clause path) of every active responsibility the gRPC API lists for the unit."""
    async with grpc.aio.insecure_channel(address) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        found, token = set(), ""
        while True:
            page = await stub.ListResponsibilities(
                pb.ListResponsibilitiesRequest(unit=unit, status=pb.RESPONSIBILITY_STATUS_ACTIVE, page_size=500,
                                               page_token=token),
                metadata=(("authorization", f"Bearer {READ_TOKEN}"),))
            found |= {(r.doc_number, r.clause_path) for r in page.responsibilities}
            if not (token := page.next_page_token):
                return found


@pytest.mark.parametrize("token, status", [(None, 401), ("wrong", 401), (INGEST_TOKEN, 401), (READ_TOKEN, 200)])
async def test_pages_need_a_read_token(web_system, token, status) -> None:
    code, body = await _get(web_system.base_url + "/", token)
    assert code == status
    assert ("需要授权" in body) == (status == 401)


async def test_a_token_link_parameter_opens_the_page_and_is_kept_in_a_cookie(web_system) -> None:
    # unsafe=True: keep cookies for an IP address host, as browsers do
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(unit_url(web_system.base_url, UNIT_ALIAS, token=READ_TOKEN)) as response:
            assert response.status == 200
            assert [r.status for r in response.history] == [303]
            assert "token" not in response.url.query  # dropped from the address bar
            assert response.headers["Referrer-Policy"] == "no-referrer"
        async with session.get(search_url(web_system.base_url, "数字")) as response:  # the cookie suffices now
            assert response.status == 200


@pytest.mark.parametrize("alias, canonical", [(UNIT_ALIAS, UNIT_CANONICAL),
                                              ("柯城区政府", "衢州市柯城区人民政府")])  # also 各县（市、区）政府's tasks
async def test_unit_page_by_alias_lists_what_the_registry_lists(web_system, alias, canonical) -> None:
    expected = await _registry_tasks(web_system.grpc_address, canonical)
    assert expected, "the examples assign tasks to the unit"
    code, body = await _get(unit_url(web_system.base_url, alias))
    assert code == 200
    assert f'<h1 id="unit-name">{canonical}</h1>' in body
    assert f'<b id="count-tasks">{len(expected)}</b>' in body
    for doc_number, path in expected:
        assert doc_number in body and f"第{path}条" in body
    assert "<svg" in body and 'class="dot"' in body


async def test_document_page_highlights_facts_and_anchors_clauses(web_system) -> None:
    code, body = await _get(document_url(web_system.base_url, "衢政发〔2026〕5号"))
    assert code == 200
    assert '<mark class="unit"' in body and '<mark class="deadline"' in body
    assert 'id="clause-1.1"' in body


async def test_a_repealed_document_says_by_whom_and_its_tasks_leave_the_unit_pages(web_system) -> None:
    code, body = await _get(document_url(web_system.base_url, REPEALED_NUMBER))
    assert code == 200
    assert "已废止" in body and f"被废止：<a href=\"{document_url('', REPEALED_BY)}\">{REPEALED_BY}</a>" in body
    code, body = await _get(document_url(web_system.base_url, REPEALED_BY))
    assert f'废止 <a href="{document_url("", REPEALED_NUMBER)}">{REPEALED_NUMBER}</a>' in body  # now a link
    code, body = await _get(unit_url(web_system.base_url, UNIT_ALIAS))
    assert REPEALED_NUMBER not in body


async def test_unknown_document_is_404(web_system) -> None:
    code, body = await _get(document_url(web_system.base_url, "衢政发〔1999〕1号"))
    assert code == 404 and "未找到" in body


async def test_search_finds_clause_text(web_system) -> None:
    code, body = await _get(search_url(web_system.base_url, "5G基站"))
    assert code == 200
    assert '<mark class="match">5G基站</mark>' in body
