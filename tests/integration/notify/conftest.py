"""Fixtures for notify tests: a freshly migrated database per module, a real HTTP receiver that checks Standard
Webhooks signatures, a real SMTP server (aiosmtpd), and registry documents written in the real style (our own
sentences, not corpus text)."""
from __future__ import annotations

import asyncio
import copy
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import message_from_bytes, policy

import pytest
from sqlalchemy import text
from aiohttp import web
from aiosmtpd.controller import Controller
from standardwebhooks import Webhook

from services.notify.clock import ManualClock
from services.registry.migrate import upgrade
from services.registry.units import load_directory
from services.runtime.db import make_engine
from services.runtime.embedded import free_port
from tests.conftest import create_database

_db_names = itertools.count(1)


@pytest.fixture(scope="module")
async def notify_url(database_url, request):
    name = f"notify_{request.module.__name__.rsplit('.', 1)[-1]}_{next(_db_names)}"
    url = await create_database(database_url, name)
    await asyncio.to_thread(upgrade, url, "heads")
    return url


@pytest.fixture(scope="module")
async def engine(notify_url):
    engine = make_engine(notify_url, pool_size=4)
    yield engine
    await engine.dispose()


@pytest.fixture
async def empty_notify_tables(engine):
    """No subscriptions, deliveries or reminders left over from an earlier test of the module."""
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE notify_subscriptions CASCADE"))


@pytest.fixture(scope="session")
def directory():
    return load_directory()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    peer_port: int = 0  # the sender's end of the connection: equal for requests on one connection


@dataclass
class Receiver:
    """A local webhook endpoint. `secret` (when set) is checked on every request; `responses` are the statuses
    to answer, in order (200 once they run out); `delays` seconds before answering, by path; `reply` the body
    of each answer."""
    url: str
    secret: str | None = None
    responses: list[int] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    reply: str = "ok"
    other_host_url: str = ""  # the same endpoint under another host (127.0.0.2): the sender pools it apart

    def bodies(self, path: str = "/hook") -> list[bytes]:
        return [r.body for r in self.received if r.path == path]

    async def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        async def enough():
            while len(self.received) < count:
                await asyncio.sleep(0.05)
        await asyncio.wait_for(enough(), timeout)
        return self.received


def signature_matches(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The reference library's check of `webhook-signature`, at the message's own timestamp (the tests move the
    clock, so the library's five-minute freshness window against the real time does not apply)."""
    when = datetime.fromtimestamp(int(headers["webhook-timestamp"]), timezone.utc)
    expected = Webhook(secret).sign(headers["webhook-id"], when, body.decode())
    return expected in headers["webhook-signature"].split(" ")


@pytest.fixture
async def receiver():
    state = Receiver(url="")

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        verified = bool(state.secret) and signature_matches(state.secret, headers, body)
        peer_port = request.transport.get_extra_info("peername")[1]
        state.received.append(Received(request.path, headers, body, verified, peer_port))
        if request.path in state.delays:
            await asyncio.sleep(state.delays[request.path])
        status = state.responses.pop(0) if state.responses else 200
        if 300 <= status < 400:
            return web.Response(status=status, headers={"Location": f"{state.url.rsplit('/', 1)[0]}/elsewhere"})
        return web.Response(status=status, text=state.reply)

    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    await web.TCPSite(runner, "127.0.0.2", port).start()
    state.url = f"http://127.0.0.1:{port}/hook"
    state.other_host_url = f"http://127.0.0.2:{port}/hook"
    yield state
    await runner.cleanup()


class Mailbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback; yields (smtp URL, mailbox)."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}?from=duban@example.gov.cn", mailbox
    controller.stop()


def clause(path, text, units=(), deadlines=(), targets=()):
    return {"path": path, "text": text, "span": [0, len(text)], "officials": [],
            "units": [{"name": n, "role": r} for n, r in units],
            "deadlines": [{"text": t, "date": d, "kind": k} for t, d, k in deadlines],
            "targets": list(targets)}


def work_plan(doc_number="衢政办发〔2026〕91号", clauses=None, **overrides) -> dict:
    """A small work plan in the style of a 重点工作责任分解 notice."""
    document = {
        "doc_number": doc_number,
        "title": "衢州市人民政府办公室关于印发2026年数字化改革重点任务的通知",
        "issuers": ["衢州市人民政府办公室"],
        "signed_date": "2026-02-20", "effective_date": None, "expiry_date": None,
        "source": {"file": "plan.txt", "start_line": 1, "end_line": 40},
        "attachments": [], "relations": [],
        "clauses": clauses if clauses is not None else [
            clause("1", "建设一体化公共数据平台，6月底前完成主体建设。",
                   units=[("市数据局", "lead"), ("市财政局", "support")],
                   deadlines=[("6月底前", "2026-06-30", "due")],
                   targets=[{"text": "数据共享率达到95%以上", "value": 95, "unit": "%", "op": ">="}]),
            clause("2", "推进政务服务“一网通办”，年底前实现全覆盖。", units=[("市数据局", "responsible")],
                   deadlines=[("年底前", "2026-12-31", "due")]),
            clause("3", "完善基层治理数字化应用，9月底前上线。", units=[("各县（市、区）政府", "responsible")],
                   deadlines=[("9月底前", "2026-09-30", "due")]),
            clause("4", "加强预算绩效管理。", units=[("市财政局", "lead")]),
        ],
    }
    document.update(overrides)
    return copy.deepcopy(document)


