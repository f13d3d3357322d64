"""Deliveries against a real PostgreSQL and a real HTTP receiver: recorded before sending, signed, retried on the
schedule (the clock is moved, nothing sleeps through a delay), 410 disables, no redirects, the allow-list, timeouts,
a crash mid-send resends with the same webhook-id, and two dispatchers never send one delivery twice."""
from __future__ import annotations

import asyncio
import json
import random
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text

from services.notify import subscriptions
from services.notify.channels import webhook
from services.notify.channels.webhook import RESPONSE_READ_LIMIT, AddressPolicy, WebhookSender
from services.notify.deliveries import RETRY_SCHEDULE, Dispatcher, claim_due, record
from services.notify.subscriptions import SubscriptionSpec

pytestmark = pytest.mark.usefixtures("empty_notify_tables")

LOOPBACK = AddressPolicy(["127.0.0.0/8"])


async def _subscribe(engine, directory, clock, url, **spec):
    async with engine.begin() as conn:
        return await subscriptions.create(conn, SubscriptionSpec(unit="市数据局", webhook_url=url, **spec),
                                          directory, clock.now())


async def _record(engine, sub, clock, key, data=None):
    async with engine.begin() as conn:
        return await record(conn, sub, "notify.test", data or {"unit": sub.unit, "note": "测试"}, key, clock.now())


async def _delivery(engine, delivery_id):
    async with engine.connect() as conn:
        return (await conn.execute(text("SELECT * FROM notify_deliveries WHERE id = :id"),
                                   {"id": delivery_id})).one()


def _dispatcher(engine, clock, policy=LOOPBACK, timeout=None, **kw):
    sender = WebhookSender(clock, policy, **({"timeout": timeout} if timeout else {}))
    return Dispatcher(engine, {"webhook": sender}, clock, rng=random.Random(1), **kw), sender


async def test_recorded_then_sent_signed_once(engine, directory, clock, receiver):
    sub = await _subscribe(engine, directory, clock, receiver.url)
    receiver.secret = sub.secret
    [delivery_id] = await _record(engine, sub, clock, "k-signed")
    assert (await _delivery(engine, delivery_id)).status == "pending"  # recorded before any send
    assert await _record(engine, sub, clock, "k-signed") == []  # same key: recorded once only

    dispatcher, sender = _dispatcher(engine, clock)
    assert await dispatcher.run_once() == 1
    await sender.close()
    [got] = receiver.received
    assert got.verified and got.headers["webhook-id"] == delivery_id
    assert got.headers["webhook-timestamp"] == str(int(clock.now().timestamp()))
    body = json.loads(got.body)
    assert set(body) == {"type", "timestamp", "data"} and body["type"] == "notify.test"
    assert body["data"]["note"] == "测试"
    row = await _delivery(engine, delivery_id)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 200)
    assert await dispatcher.run_once() == 0


async def test_a_connection_serves_the_next_delivery_unless_its_reply_was_long(engine, directory, clock, receiver):
    sub = await _subscribe(engine, directory, clock, receiver.url)
    dispatcher, sender = _dispatcher(engine, clock)
    try:
        for key in ("k-conn-1", "k-conn-2"):
            await _record(engine, sub, clock, key)
            assert await dispatcher.run_once() == 1
        receiver.reply = "x" * (RESPONSE_READ_LIMIT * 2)  # not read to its end: the connection is closed
        for key in ("k-conn-3", "k-conn-4"):
            await _record(engine, sub, clock, key)
            assert await dispatcher.run_once() == 1
    finally:
        await sender.close()
    first, second, third, fourth = (r.peer_port for r in receiver.received)
    assert first == second == third != fourth
    async with engine.connect() as conn:
        statuses = (await conn.scalars(text("SELECT status FROM notify_deliveries"))).all()
    assert statuses == ["delivered"] * 4


async def test_a_host_pool_pushed_out_while_sending_finishes_its_delivery(monkeypatch, engine, directory, clock,
                                                                          receiver):
    monkeypatch.setattr(webhook, "POOLED_HOSTS", 1)  # the second host's pool pushes the first one's out
    receiver.delays["/slow"] = 1.0
    slow = await _subscribe(engine, directory, clock, receiver.url.replace("/hook", "/slow"))
    fast = await _subscribe(engine, directory, clock, receiver.other_host_url)
    dispatcher, sender = _dispatcher(engine, clock)
    try:
        await _record(engine, slow, clock, "k-pool-slow")
        sending_slow = asyncio.create_task(dispatcher.run_once())
        await receiver.wait_for(1)  # the slow request is in, its reply a second away
        await _record(engine, fast, clock, "k-pool-fast")
        assert await dispatcher.run_once() == 1
        assert await sending_slow == 1
        assert not any(client.is_closed for client in sender._clients.values()) and sender._retired == []
    finally:
        await sender.close()
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT status, last_error FROM notify_deliveries"))).all()
    assert [tuple(row) for row in rows] == [("delivered", None)] * 2
    assert [r.path for r in receiver.received] == ["/slow", "/hook"]


async def test_retries_follow_the_schedule_with_the_same_id_and_body(engine, directory, clock, receiver):
    sub = await _subscribe(engine, directory, clock, receiver.url)
    receiver.secret = sub.secret
    receiver.responses = [500, 503, 200]
    [delivery_id] = await _record(engine, sub, clock, "k-retry")
    dispatcher, sender = _dispatcher(engine, clock)

    assert await dispatcher.run_once() == 1
    row = await _delivery(engine, delivery_id)
    wait = (row.next_attempt_at - clock.now()).total_seconds()
    assert row.status == "pending" and row.last_error == "HTTP 500" and 4.5 <= wait <= 5.5

    clock.advance(timedelta(seconds=4))
    assert await dispatcher.run_once() == 0  # not due yet
    clock.advance(timedelta(seconds=2))
    assert await dispatcher.run_once() == 1
    row = await _delivery(engine, delivery_id)
    assert 270 <= (row.next_attempt_at - clock.now()).total_seconds() <= 330  # 5 min ± jitter

    clock.advance(timedelta(minutes=6))
    assert await dispatcher.run_once() == 1
    await sender.close()
    assert (await _delivery(engine, delivery_id)).status == "delivered"
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery_id] * 3
    assert len(set(receiver.bodies())) == 1 and all(r.verified for r in receiver.received)


async def test_gives_up_after_the_last_scheduled_attempt(engine, directory, clock, receiver):
    sub = await _subscribe(engine, directory, clock, receiver.url)
    receiver.responses = [500] * 20
    [delivery_id] = await _record(engine, sub, clock, "k-give-up")
    dispatcher, sender = _dispatcher(engine, clock)
    for _ in RETRY_SCHEDULE:
        assert await dispatcher.run_once() == 1
        clock.advance(timedelta(hours=12))
    assert await dispatcher.run_once() == 0
    await sender.close()
    row = await _delivery(engine, delivery_id)
    assert (row.status, row.attempts) == ("failed", len(RETRY_SCHEDULE))
    assert len(receiver.received) == len(RETRY_SCHEDULE)


async def test_410_gone_disables_the_webhook(engine, directory, clock, receiver):
    sub = await _subscribe(engine, directory, clock, receiver.url)
    receiver.responses = [410]
    [first] = await _record(engine, sub, clock, "k-gone-1")
    dispatcher, sender = _dispatcher(engine, clock)
    await dispatcher.run_once()
    assert (await _delivery(engine, first)).status == "failed"
    async with engine.connect() as conn:
        assert "410" in (await subscriptions.get(conn, sub.id)).webhook_disabled_reason

    [second] = await _record(engine, sub, clock, "k-gone-2")
    await dispatcher.run_once()
    await sender.close()
    row = await _delivery(engine, second)
    assert row.status == "failed" and "disabled" in row.last_error
    assert len(receiver.received) == 1  # nothing more reached the endpoint

    async with engine.begin() as conn:  # a new URL re-enables it
        again = await subscriptions.update(conn, sub.id, SubscriptionSpec(webhook_url=receiver.url),
                                           ["webhook_url"], directory, clock.now())
    assert again.webhook_disabled_reason is None


async def test_redirects_are_not_followed(engine, directory, clock, receiver):
    sub = await _subscribe(engine, directory, clock, receiver.url)
    receiver.responses = [307]
    [delivery_id] = await _record(engine, sub, clock, "k-redirect")
    dispatcher, sender = _dispatcher(engine, clock)
    await dispatcher.run_once()
    await sender.close()
    row = await _delivery(engine, delivery_id)
    assert row.status == "pending" and "not followed" in row.last_error
    assert [r.path for r in receiver.received] == ["/hook"]


async def test_internal_address_refused_without_allow_list(engine, directory, clock, receiver):
    sub = await _subscribe(engine, directory, clock, receiver.url.replace("127.0.0.1", "localhost"))
    [delivery_id] = await _record(engine, sub, clock, "k-blocked")
    dispatcher, sender = _dispatcher(engine, clock, policy=AddressPolicy([]))
    await dispatcher.run_once()
    await sender.close()
    row = await _delivery(engine, delivery_id)
    assert row.status == "failed" and "DUBAN_WEBHOOK_ALLOW" in row.last_error
    assert receiver.received == []


async def test_slow_endpoint_times_out(engine, directory, clock, receiver):
    sub = await _subscribe(engine, directory, clock, receiver.url)
    receiver.delays["/hook"] = 1.0
    [delivery_id] = await _record(engine, sub, clock, "k-timeout")
    dispatcher, sender = _dispatcher(engine, clock, timeout=httpx.Timeout(0.2))
    await dispatcher.run_once()
    await sender.close()
    row = await _delivery(engine, delivery_id)
    assert row.status == "pending" and "timed out" in row.last_error


async def test_a_slow_endpoint_does_not_hold_up_the_others(engine, directory, clock, receiver):
    import asyncio
    slow = await _subscribe(engine, directory, clock, receiver.url + "/slow")
    fast = await _subscribe(engine, directory, clock, receiver.url)
    receiver.delays["/hook/slow"] = 3.0
    await _record(engine, slow, clock, "k-slow")
    for n in range(5):
        await _record(engine, fast, clock, f"k-fast-{n}")
    dispatcher, sender = _dispatcher(engine, clock, batch=1)
    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run(stop, asyncio.Event(), idle_poll=0.05, workers=2))
    try:
        await receiver.wait_for(6, timeout=2.5)  # the five fast ones arrive while the slow one still waits
    finally:
        stop.set()
        await running
        await sender.close()
    assert sorted(r.path for r in receiver.received) == ["/hook"] * 5 + ["/hook/slow"]


async def test_crash_mid_send_resends_with_the_same_id(engine, directory, clock, receiver):
    sub = await _subscribe(engine, directory, clock, receiver.url)
    receiver.secret = sub.secret
    [delivery_id] = await _record(engine, sub, clock, "k-crash")
    [claimed] = await claim_due(engine, clock.now(), 10)  # a replica claims it, then dies before finishing
    assert claimed.id == delivery_id
    dispatcher, sender = _dispatcher(engine, clock)
    assert await dispatcher.run_once() == 0  # leased: nobody else sends it meanwhile
    clock.advance(timedelta(minutes=3))
    assert await dispatcher.run_once() == 1
    await sender.close()
    [got] = receiver.received
    assert got.headers["webhook-id"] == delivery_id and got.verified
    assert (await _delivery(engine, delivery_id)).attempts == 2


async def test_two_dispatchers_send_each_delivery_once(engine, directory, clock, receiver):
    import asyncio
    sub = await _subscribe(engine, directory, clock, receiver.url)
    ids = [i for n in range(20) for i in await _record(engine, sub, clock, f"k-race-{n}")]
    (first, s1), (second, s2) = _dispatcher(engine, clock, batch=3), _dispatcher(engine, clock, batch=3)
    for _ in range(10):
        await asyncio.gather(first.run_once(), second.run_once())
    await s1.close()
    await s2.close()
    sent = [r.headers["webhook-id"] for r in receiver.received]
    assert sorted(sent) == sorted(ids)


async def test_rotation_signs_with_old_and_new_secret(engine, directory, clock, receiver):
    sub = await _subscribe(engine, directory, clock, receiver.url)
    async with engine.begin() as conn:
        rotated = await subscriptions.update(conn, sub.id, SubscriptionSpec(), ["secret"], directory, clock.now())
    assert rotated.new_secret_issued and rotated.secret != sub.secret
    receiver.secret = sub.secret  # a receiver still on the old secret keeps verifying during the grace
    await _record(engine, rotated, clock, "k-rotate")
    dispatcher, sender = _dispatcher(engine, clock)
    await dispatcher.run_once()
    clock.advance(timedelta(hours=25))
    receiver.secret = rotated.secret
    await _record(engine, rotated, clock, "k-rotate-after")
    await dispatcher.run_once()
    await sender.close()
    during, after = receiver.received
    assert during.verified and len(during.headers["webhook-signature"].split()) == 2
    assert after.verified and len(after.headers["webhook-signature"].split()) == 1


async def test_https_goes_to_the_checked_address_with_the_name_for_tls(engine, directory, clock):
    """The request is pinned to the resolved address, yet TLS still verifies the certificate against the host
    name (SNI) and the receiver sees the name in Host."""
    import ssl

    import trustme
    from aiohttp import web

    from services.runtime.embedded import free_port

    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    hosts = []

    async def handle(request):
        hosts.append(request.headers["Host"])
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "localhost", port, ssl_context=server_context).start()  # v4 and v6
    try:
        sub = await _subscribe(engine, directory, clock, f"https://localhost:{port}/hook")
        [delivery_id] = await _record(engine, sub, clock, "k-https")
        sender = WebhookSender(clock, AddressPolicy(["127.0.0.0/8", "::1"]), verify=client_context)
        await Dispatcher(engine, {"webhook": sender}, clock).run_once()
        await sender.close()
    finally:
        await runner.cleanup()
    row = await _delivery(engine, delivery_id)
    assert row.status == "delivered", row.last_error
    assert hosts == [f"localhost:{port}"]
