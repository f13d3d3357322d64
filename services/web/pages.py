"""The HTTP routes: each reads through `queries`, shapes with the pure modules and renders a Jinja2 template."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncEngine

from services.registry.units import UnitDirectory
from services.web import queries, urls
from services.web.access import may_read, presented_token
from services.web.changes import describe_event
from services.web.highlight import KIND_LABELS, Fact, highlight, layout_document
from services.web.status import LIGHT_LABELS, LIGHTS, light_of
from services.web.tasks import count_tasks, filter_tasks, group_by_document
from services.web.timeline import TimelineItem, timeline_svg

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOKEN_COOKIE = "duban_token"
MAX_QUERY_CHARS = 100
STATUS_LABELS = {"in_force": "现行有效", "repealed": "已废止", "expired": "已失效"}
RELATION_LABELS = {"repeals": "废止", "expires": "终止", "amends": "修改"}
RELATED_BY_LABELS = {"repeals": "被废止", "expires": "被终止", "amends": "被修改"}

ENGINE = web.AppKey("engine", AsyncEngine)
DIRECTORY = web.AppKey("directory", UnitDirectory)
CLOCK = web.AppKey("clock", Callable[[], date])
JINJA = web.AppKey("jinja", Environment)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(unit_url=lambda unit: urls.unit_url("", unit),
                       document_url=lambda key, path=None: urls.document_url("", key, path),
                       clause_anchor=urls.clause_anchor, light_of=light_of, LIGHTS=LIGHTS,
                       LIGHT_LABELS=LIGHT_LABELS, KIND_LABELS=KIND_LABELS, STATUS_LABELS=STATUS_LABELS,
                       RELATION_LABELS=RELATION_LABELS, RELATED_BY_LABELS=RELATED_BY_LABELS)
    return env


def _render(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    html = request.app[JINJA].get_template(template).render(today=request.app[CLOCK](), **context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",  # a ?token= link must not leak through the Referer header
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",  # pages hold registry data that may need a token: no shared caches
}


def _access_middleware(tokens: dict[str, frozenset[str]]):
    @web.middleware
    async def check(request: web.Request, handler):
        if request.path == "/healthz":
            return await handler(request)
        query_token = request.query.get("token")
        token = presented_token(request.headers.get("Authorization"), query_token or request.cookies.get(TOKEN_COOKIE))
        if not may_read(tokens, token):
            response = _render(request, "denied.html", status=401, title="需要授权")
        elif tokens and query_token:
            # a link from an email or digest carried the token: keep it in a cookie for the links on the pages,
            # and drop it from the address bar and history (the browser keeps the #clause fragment)
            query = request.query.copy()
            query.popall("token")
            response = web.Response(status=303, headers={"Location": str(request.rel_url.with_query(query))})
            response.set_cookie(TOKEN_COOKIE, query_token, httponly=True, samesite="Lax", path="/")
        else:
            response = await handler(request)
        response.headers.update(SECURITY_HEADERS)
        return response
    return check


async def overview(request: web.Request) -> web.Response:
    engine, today = request.app[ENGINE], request.app[CLOCK]()
    stats = await queries.unit_statistics(engine, today)
    in_force, documents = await queries.documents_in_force(engine)
    changes = [(c, describe_event(c.subject, c.payload)) for c in await queries.recent_changes(engine)]
    return _render(request, "overview.html", title="督办总览", stats=stats, in_force=in_force,
                   documents=documents, changes=changes, totals=await queries.city_totals(engine, today))


async def unit_page(request: web.Request) -> web.Response:
    engine, today = request.app[ENGINE], request.app[CLOCK]()
    found = await queries.unit_tasks(engine, request.app[DIRECTORY], request.match_info["unit"])
    light, document_id = request.query.get("status") or None, request.query.get("document") or None
    shown = filter_tasks(found.tasks, today, light=light, document_id=document_id)
    timeline = timeline_svg([TimelineItem(t.due, f"{t.doc_number or t.title or ''} {t.clause_path}：{t.clause_text}",
                                          urls.document_url("", t.doc_number or t.document_id, t.clause_path))
                             for t in found.tasks if t.due is not None], today)
    documents = {t.document_id: t.doc_number or t.title or t.document_id for t in found.tasks}
    return _render(request, "unit.html", title=found.name, unit=found, counts=count_tasks(found.tasks, today),
                   groups=group_by_document(shown), shown=len(shown), timeline=timeline, documents=documents,
                   light=light, document_id=document_id)


async def document_page(request: web.Request) -> web.Response:
    detail = await queries.document_detail(request.app[ENGINE], request.match_info["key"])
    if detail is None:
        return _render(request, "not_found.html", status=404, title="未找到文件", what=request.match_info["key"])
    clauses = detail.payload.get("clauses") or []
    blocks = layout_document(detail.payload.get("text"), clauses)
    return _render(request, "document.html", title=detail.doc_number or detail.title or detail.id, doc=detail,
                   blocks=blocks, has_text=bool(detail.payload.get("text")))


async def search_page(request: web.Request) -> web.Response:
    query = request.query.get("q", "").strip()[:MAX_QUERY_CHARS]
    hits = await queries.search_clauses(request.app[ENGINE], query) if query else []
    marked = [(hit, highlight(hit.clause_text, [Fact("match", query, "")])) for hit in hits]
    return _render(request, "search.html", title=f"搜索：{query}" if query else "搜索", query=query, hits=marked,
                   limit=queries.SEARCH_LIMIT)


async def healthz(_request: web.Request) -> web.Response:
    return web.Response(text="ok")


def build_app(engine: AsyncEngine, directory: UnitDirectory, tokens: dict[str, frozenset[str]],
              clock: Callable[[], date] = date.today) -> web.Application:
    app = web.Application(middlewares=[_access_middleware(tokens)])
    app[ENGINE], app[DIRECTORY], app[CLOCK], app[JINJA] = engine, directory, clock, _environment()
    app.add_routes([web.get("/", overview), web.get("/units/{unit}", unit_page),
                    web.get("/documents/{key}", document_page), web.get("/search", search_page),
                    web.get("/healthz", healthz)])
    return app
