"""A running system with the web UI, holding the three example documents and one they repeal, for the web tests.

The pipeline (ingest, extract, registry, notify) and WebComponent run in-process in the shared frame, as
`duban up` composes them, on a thread of their own; API tokens are configured so the access rules are in force,
and a webhook subscription exists before the examples arrive so notify sends a real digest. "Today" is pinned
so the traffic lights are the same on every run.
"""
from __future__ import annotations

import asyncio
import os
import queue
import shutil
import tempfile
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from services.runtime.embedded import free_port, start_nats
from tests.conftest import REPO_ROOT, create_database
from tests.system import serving

TODAY = date(2026, 7, 1)  # the examples' 6月底前 deadlines are overdue, later ones green
READ_TOKEN, INGEST_TOKEN, ADMIN_TOKEN = "web-test-read", "web-test-ingest", "web-test-admin"
SUBSCRIBED_UNIT = "市数据局"  # a webhook subscription for it exists before the examples are ingested
EXAMPLES = sorted((REPO_ROOT / "examples").glob("*.txt"))
# Our own short document, the one examples/qzf-2026-5.txt repeals: its page must say so and its tasks must
# leave the unit pages.
REPEALED_NUMBER, REPEALED_BY = "衢政发〔2022〕9号", "衢政发〔2026〕5号"
REPEALED_DOCUMENT = f"""衢州市人民政府关于印发衢州市加快制造业转型升级若干政策的通知

{REPEALED_NUMBER}

各县（市、区）人民政府，市政府各部门、直属各单位：
现将《衢州市加快制造业转型升级若干政策》印发给你们，请认真贯彻执行。

衢州市人民政府
2022年5月6日

衢州市加快制造业转型升级若干政策

一、支持企业技术改造（由市经信局牵头实施）
（一）对技改项目给予一次性奖励，12月底前兑现年度资金。（责任单位：市经信局、市财政局）
"""


@dataclass(frozen=True)
class WebSystem:
    grpc_address: str
    base_url: str  # the web UI, e.g. http://127.0.0.1:PORT
    webhooks: queue.Queue  # bodies (parsed JSON) the notify service POSTed to the subscription's endpoint


@pytest.fixture(scope="package")
def web_system(database_url: str):
    """The system runs on its own event loop in a thread: Selenium's blocking calls must not stall the server."""
    started: queue.Queue = queue.Queue()
    loop_and_stop: list = []

    async def serve() -> None:
        try:
            async with _running_system(database_url) as system:
                stop = asyncio.Event()
                loop_and_stop.extend([asyncio.get_running_loop(), stop])
                started.put(system)
                await stop.wait()
        except BaseException as exc:  # report start-up failures to the test thread
            started.put(exc)
            raise

    thread = threading.Thread(target=asyncio.run, args=(serve(),), name="web-system", daemon=True)
    thread.start()
    system = started.get(timeout=180)
    if isinstance(system, BaseException):
        raise system
    try:
        yield system
    finally:
        loop, stop = loop_and_stop
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=60)


@asynccontextmanager
async def _running_system(database_url: str):
    from services.cli import _components
    from services.ingest.client import ingest_paths
    from services.registry.migrate import upgrade
    from services.runtime.config import Settings
    from services.web.component import WebComponent

    grpc_port, web_port = free_port(), free_port()
    base_url = f"http://127.0.0.1:{web_port}"
    saved_base = os.environ.get("DUBAN_WEB_BASE_URL")
    os.environ["DUBAN_WEB_BASE_URL"] = base_url  # notify reads it at start to link its digests here
    data_dir = Path(tempfile.mkdtemp(prefix="duban-web-"))
    data_dir.chmod(0o755)
    nats = start_nats(data_dir / "nats")
    try:
        url = await create_database(database_url, "duban_web_e2e")
        await asyncio.to_thread(upgrade, url)
        settings = Settings.from_env({
            "DUBAN_NATS_URL": nats.url, "DUBAN_DATABASE_URL": url, "DUBAN_GRPC_PORT": str(grpc_port),
            "DUBAN_METRICS_PORT": "0", "DUBAN_WEB_PORT": str(web_port), "DUBAN_WEBHOOK_ALLOW": "127.0.0.0/8",
            "DUBAN_API_TOKENS": f"{READ_TOKEN}=read;{INGEST_TOKEN}=ingest;{ADMIN_TOKEN}=admin"})
        components = [*_components(["ingest", "extract", "registry", "notify"]),
                      WebComponent(host="127.0.0.1", clock=lambda: TODAY)]
        async with serving(components, settings):
            webhooks: queue.Queue = queue.Queue()
            receiver = await _webhook_receiver(webhooks)
            try:
                address = f"127.0.0.1:{grpc_port}"
                await _subscribe(address, SUBSCRIBED_UNIT, f"http://127.0.0.1:{receiver.addresses[0][1]}/hook")
                repealed = data_dir / "qzf-2022-9.txt"
                repealed.write_text(REPEALED_DOCUMENT, encoding="utf-8")
                results = await ingest_paths(address, [*EXAMPLES, repealed], wait=True, timeout=60, token=INGEST_TOKEN)
                assert all(r.ok for r in results), results
                yield WebSystem(address, base_url, webhooks)
            finally:
                await receiver.cleanup()
    finally:
        if saved_base is None:
            os.environ.pop("DUBAN_WEB_BASE_URL", None)
        else:
            os.environ["DUBAN_WEB_BASE_URL"] = saved_base
        nats.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


async def _webhook_receiver(received: queue.Queue):
    """A webhook endpoint on a free loopback port that keeps every body it is sent."""
    from aiohttp import web

    async def hook(request: web.Request) -> web.Response:
        received.put(await request.json())
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner


async def _subscribe(address: str, unit: str, webhook_url: str) -> None:
    import grpc

    from duban.notify.v1 import notify_pb2, notify_pb2_grpc
    async with grpc.aio.insecure_channel(address) as channel:
        await notify_pb2_grpc.NotifyServiceStub(channel).CreateSubscription(
            notify_pb2.CreateSubscriptionRequest(unit=unit, webhook_url=webhook_url),
            metadata=(("authorization", f"Bearer {ADMIN_TOKEN}"),))
