"""Security over the real system: every gRPC method of every service refused without a token, with an unknown
token and with a token of the wrong scope (and let through with the right one); webhook targets outside the
allow-list refused; no secret (API tokens, webhook signing secret, SMTP and database passwords) in the logs;
the request guard's checks as a table."""
from __future__ import annotations

import asyncio

import grpc
import pytest
from google.protobuf import message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc

from duban.ingest.v1 import ingest_pb2
from duban.notify.v1 import notify_pb2, notify_pb2_grpc
from duban.registry.v1 import registry_pb2
from services.runtime.auth import REQUIRED_SCOPE, required_scope
from services.runtime.embedded import free_port
from services.runtime.guard import MAX_FIELD_CHARS, request_problem
from tests.system import running_system

READ, INGEST, ADMIN, READ_INGEST = "tok-read-7Qm2", "tok-ingest-9Xv4", "tok-admin-3Lp8", "tok-readingest-5Hd1"
TOKENS = f"{READ}=read;{INGEST}=ingest;{ADMIN}=admin;{READ_INGEST}=read,ingest"
RIGHT = {"read": READ, "ingest": INGEST, "admin": ADMIN}
WRONG = {"read": INGEST, "ingest": READ, "admin": READ_INGEST}  # neither the scope nor admin
SERVICES = [pb.DESCRIPTOR.services_by_name[name] for pb, name in (
    (ingest_pb2, "IngestService"), (registry_pb2, "RegistryService"), (notify_pb2, "NotifyService"))]
METHODS = [method for service in SERVICES for method in service.methods]
DENIED = {grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED}


def _path(method) -> str:
    return f"/{method.containing_service.full_name}/{method.name}"


@pytest.fixture(scope="module")
async def secured(server_data_dir, database_url):
    async with running_system(server_data_dir / "security", database_url, "security",
                              extra_env={"DUBAN_API_TOKENS": TOKENS}) as address:
        yield address


async def _call(address: str, method, token: str | None) -> grpc.StatusCode:
    """Call `method` with an empty request (and an empty request stream); the status code it ends with."""
    request_class = message_factory.GetMessageClass(method.input_type)
    response_class = message_factory.GetMessageClass(method.output_type)
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    kinds = {(False, False): "unary_unary", (False, True): "unary_stream", (True, False): "stream_unary"}
    async with grpc.aio.insecure_channel(address) as channel:
        factory = getattr(channel, kinds[(method.client_streaming, method.server_streaming)])
        call = factory(_path(method), request_serializer=request_class.SerializeToString,
                       response_deserializer=response_class.FromString)

        async def requests():
            yield request_class()
        try:
            if method.server_streaming:
                async for _ in call(request_class(), metadata=metadata, timeout=1.5):
                    pass
            else:
                await call(requests() if method.client_streaming else request_class(), metadata=metadata,
                           timeout=5)
        except grpc.aio.AioRpcError as exc:
            return exc.code()
    return grpc.StatusCode.OK


def test_every_method_has_an_explicit_scope():
    assert {_path(m) for m in METHODS} == set(REQUIRED_SCOPE)


@pytest.mark.parametrize("method", METHODS, ids=[m.name for m in METHODS])
async def test_method_checks_its_token(secured, method):
    scope = required_scope(_path(method))
    assert await _call(secured, method, None) == grpc.StatusCode.UNAUTHENTICATED
    assert await _call(secured, method, "not-a-known-token") == grpc.StatusCode.UNAUTHENTICATED
    assert await _call(secured, method, WRONG[scope]) == grpc.StatusCode.PERMISSION_DENIED
    assert await _call(secured, method, RIGHT[scope]) not in DENIED  # the check lets the right token through


async def test_health_is_open(secured):
    async with grpc.aio.insecure_channel(secured) as channel:
        reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def _deliveries_settled(stub, subscription_id: int, metadata, timeout: float = 20):
    deliveries = []
    for _ in range(int(timeout / 0.2)):
        deliveries = (await stub.ListDeliveries(notify_pb2.ListDeliveriesRequest(subscription_id=subscription_id),
                                                metadata=metadata)).deliveries
        if deliveries and all(d.status != notify_pb2.DELIVERY_STATUS_PENDING for d in deliveries):
            break
        await asyncio.sleep(0.2)
    return deliveries


# Internal addresses outside DUBAN_WEBHOOK_ALLOW (the test system allows 127.0.0.0/8 only).
OUTSIDE = ["http://10.20.30.40/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]:9/hook",
           "http://192.168.1.1/hook", "http://[::ffff:10.0.0.1]/hook"]


@pytest.mark.parametrize("url", OUTSIDE)
async def test_webhook_outside_the_allow_list_is_refused(secured, url):
    metadata = (("authorization", f"Bearer {ADMIN}"),)
    async with grpc.aio.insecure_channel(secured) as channel:
        stub = notify_pb2_grpc.NotifyServiceStub(channel)
        created = await stub.CreateSubscription(notify_pb2.CreateSubscriptionRequest(unit="市数据局", webhook_url=url),
                                                metadata=metadata)
        await stub.SendTest(notify_pb2.SendTestRequest(id=created.subscription.id), metadata=metadata)
        [delivery] = await _deliveries_settled(stub, created.subscription.id, metadata)
    assert delivery.status == notify_pb2.DELIVERY_STATUS_FAILED
    assert "DUBAN_WEBHOOK_ALLOW" in delivery.last_error and delivery.attempts == 1


async def test_no_secrets_in_logs(server_data_dir, database_url, capfd):
    from aiohttp import web
    received = []

    async def hook(request):
        received.append(await request.read())
        return web.Response(text="ok")
    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)  # the receiver's own log is not duban's
    await runner.setup()
    hook_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", hook_port).start()

    smtp_password, db_password = "smtp-Pw-8Kq3", "db-Pw-2Zr6"
    with_password = database_url.replace("://duban@", f"://duban:{db_password}@")
    assert db_password in with_password
    env = {"DUBAN_API_TOKENS": TOKENS,
           "DUBAN_SMTP_URL": f"smtp://mailer:{smtp_password}@127.0.0.1:{free_port()}?from=duban@example.gov.cn"}
    hook_key = "hook-Key-7Qw2"
    secrets = [READ, INGEST, ADMIN, READ_INGEST, smtp_password, db_password, hook_key]
    try:
        async with running_system(server_data_dir / "secrets", with_password, "secrets", extra_env=env) as address:
            admin = (("authorization", f"Bearer {ADMIN}"),)
            async with grpc.aio.insecure_channel(address) as channel:
                stub = notify_pb2_grpc.NotifyServiceStub(channel)
                for token in (READ, "tok-wrong-1Ab9"):  # refused calls: their tokens must not be logged
                    with pytest.raises(grpc.aio.AioRpcError):
                        await stub.ListSubscriptions(notify_pb2.ListSubscriptionsRequest(),
                                                     metadata=(("authorization", f"Bearer {token}"),))
                secrets.append("tok-wrong-1Ab9")
                # A webhook URL may carry its own secret (a key in the query, a token in the path).
                created = await stub.CreateSubscription(notify_pb2.CreateSubscriptionRequest(
                    unit="市数据局", webhook_url=f"http://127.0.0.1:{hook_port}/hook?key={hook_key}",
                    email="ban@example.gov.cn"), metadata=admin)
                assert created.subscription.secret  # issued by the server, shown once
                secrets.append(created.subscription.secret)
                await stub.SendTest(notify_pb2.SendTestRequest(id=created.subscription.id), metadata=admin)
                for _ in range(100):  # until each channel made an attempt (e-mail then waits for its retry)
                    deliveries = (await stub.ListDeliveries(notify_pb2.ListDeliveriesRequest(
                        subscription_id=created.subscription.id), metadata=admin)).deliveries
                    if len(deliveries) == 2 and all(d.status == notify_pb2.DELIVERY_STATUS_DELIVERED or d.last_error
                                                    for d in deliveries):
                        break
                    await asyncio.sleep(0.2)
    finally:
        await runner.cleanup()
    logs = capfd.readouterr().err
    assert received, "the webhook was sent (signed with the secret)"
    assert any(d.channel == "email" and d.attempts and d.last_error for d in deliveries), deliveries
    assert '"msg": "serving"' in logs  # the logs were captured
    assert [s for s in secrets if s in logs] == [], [line for line in logs.splitlines() if any(s in line for s in secrets)]


GUARD_CASES = [
    (registry_pb2.GetDocumentRequest(id="衢政办发〔2026〕3号"), None),
    (registry_pb2.GetDocumentRequest(id="a\x00b"), "field id contains a NUL character"),
    (registry_pb2.GetDocumentRequest(id="x" * (MAX_FIELD_CHARS + 1)), f"field id is {MAX_FIELD_CHARS + 1} characters long"),
    (registry_pb2.GetDocumentRequest(id="x" * MAX_FIELD_CHARS), None),
    (notify_pb2.CreateSubscriptionRequest(unit="市数据局", event_types=["ok", "bad\x00"]), "field event_types"),
    (notify_pb2.UpdateSubscriptionRequest(subscription=notify_pb2.CreateSubscriptionRequest(unit="\x00")),
     "field subscription.unit contains a NUL"),
    (ingest_pb2.SubmitDocumentRequest(filename="a.txt", chunk=b"\x00" * 10), None),  # bytes may hold anything
]


@pytest.mark.parametrize("request_,problem", GUARD_CASES)
def test_request_guard(request_, problem):
    found = request_problem(request_)
    assert (found is None) if problem is None else (problem in found), found
