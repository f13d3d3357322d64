"""Bearer-token scopes over real gRPC: every scope against every kind of method, health and reflection open."""
from __future__ import annotations

import logging

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2, reflection_pb2_grpc

from duban.ingest.v1 import ingest_pb2, ingest_pb2_grpc
from duban.notify.v1 import notify_pb2, notify_pb2_grpc
from duban.registry.v1 import registry_pb2 as pb
from duban.registry.v1 import registry_pb2_grpc
from services.runtime.auth import REQUIRED_SCOPE, server_credentials, server_interceptors
from services.runtime.config import ConfigError, parse_api_tokens

TOKENS = parse_api_tokens("r-token=read;i-token=ingest;a-token=admin;ri-token=read,ingest")
OK, UNAUTH, DENIED = grpc.StatusCode.OK, grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED


class Registry(registry_pb2_grpc.RegistryServiceServicer):
    async def GetDocument(self, request, context):
        return pb.GetDocumentResponse(document=pb.Document(id=request.id))

    async def WatchEvents(self, request, context):
        yield pb.WatchEventsResponse(id="e1")


class Ingest(ingest_pb2_grpc.IngestServiceServicer):
    async def SubmitDocument(self, request_iterator, context):
        size = sum([len(chunk.chunk) async for chunk in request_iterator])
        return ingest_pb2.SubmitDocumentResponse(doc_id="x", size=size)


class Notify(notify_pb2_grpc.NotifyServiceServicer):
    async def ListSubscriptions(self, request, context):
        return notify_pb2.ListSubscriptionsResponse()


async def _serve(tokens):
    server = grpc.aio.server(interceptors=server_interceptors(tokens))
    registry_pb2_grpc.add_RegistryServiceServicer_to_server(Registry(), server)
    ingest_pb2_grpc.add_IngestServiceServicer_to_server(Ingest(), server)
    notify_pb2_grpc.add_NotifyServiceServicer_to_server(Notify(), server)
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    reflection.enable_server_reflection(["duban.registry.v1.RegistryService", reflection.SERVICE_NAME], server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, grpc.aio.insecure_channel(f"127.0.0.1:{port}")


@pytest.fixture(scope="module")
async def channel():
    server, channel = await _serve(TOKENS)
    yield channel
    await channel.close()
    await server.stop(0)


async def _code(call) -> grpc.StatusCode:
    try:
        await call
    except grpc.aio.AioRpcError as exc:
        return exc.code()
    return OK


def _calls(channel, metadata):
    registry = registry_pb2_grpc.RegistryServiceStub(channel)
    ingest = ingest_pb2_grpc.IngestServiceStub(channel)
    notify = notify_pb2_grpc.NotifyServiceStub(channel)

    async def chunks():
        yield ingest_pb2.SubmitDocumentRequest(filename="a.txt", chunk=b"abc")

    async def watch():
        return [e async for e in registry.WatchEvents(pb.WatchEventsRequest(), metadata=metadata)]
    return {
        "read": registry.GetDocument(pb.GetDocumentRequest(id="d"), metadata=metadata),
        "read-stream": watch(),
        "ingest-stream": ingest.SubmitDocument(chunks(), metadata=metadata),
        "admin": notify.ListSubscriptions(notify_pb2.ListSubscriptionsRequest(), metadata=metadata),
    }


@pytest.mark.parametrize("token, expected", [
    (None, {"read": UNAUTH, "read-stream": UNAUTH, "ingest-stream": UNAUTH, "admin": UNAUTH}),
    ("wrong", {"read": UNAUTH, "read-stream": UNAUTH, "ingest-stream": UNAUTH, "admin": UNAUTH}),
    ("r-token", {"read": OK, "read-stream": OK, "ingest-stream": DENIED, "admin": DENIED}),
    ("i-token", {"read": DENIED, "read-stream": DENIED, "ingest-stream": OK, "admin": DENIED}),
    ("ri-token", {"read": OK, "read-stream": OK, "ingest-stream": OK, "admin": DENIED}),
    ("a-token", {"read": OK, "read-stream": OK, "ingest-stream": OK, "admin": OK}),
])
async def test_scope_matrix(channel, token, expected):
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    codes = {name: await _code(call) for name, call in _calls(channel, metadata).items()}
    assert codes == expected


async def test_health_and_reflection_stay_open(channel):
    reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    assert reply.status == health_pb2.HealthCheckResponse.SERVING
    stream = reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")]))
    services = [s.name async for r in stream for s in r.list_services_response.service]
    assert "duban.registry.v1.RegistryService" in services


async def test_no_tokens_means_open_access_and_says_so(caplog):
    with caplog.at_level(logging.WARNING, logger="duban.auth"):
        server, channel = await _serve({})
    try:
        codes = {name: await _code(call) for name, call in _calls(channel, ()).items()}
    finally:
        await channel.close()
        await server.stop(0)
    assert set(codes.values()) == {OK}
    assert "access is open" in caplog.text


def test_every_registry_method_needs_read():
    methods = pb.DESCRIPTOR.services_by_name["RegistryService"].methods
    assert {REQUIRED_SCOPE[f"/duban.registry.v1.RegistryService/{m.name}"] for m in methods} == {"read"}


def test_tls_settings_must_come_in_pairs(tmp_path):
    assert server_credentials({}) is None
    with pytest.raises(ConfigError):
        server_credentials({"DUBAN_TLS_CERT_FILE": str(tmp_path / "cert.pem")})
    with pytest.raises(ConfigError):
        server_credentials({"DUBAN_TLS_CERT_FILE": str(tmp_path / "c"), "DUBAN_TLS_KEY_FILE": str(tmp_path / "k")})


@pytest.mark.parametrize("module, service", [(ingest_pb2, "IngestService"), (notify_pb2, "NotifyService"),
                                             (pb, "RegistryService")])
def test_every_method_has_an_explicit_scope(module, service):
    descriptor = module.DESCRIPTOR.services_by_name[service]
    missing = [m.name for m in descriptor.methods if f"/{descriptor.full_name}/{m.name}" not in REQUIRED_SCOPE]
    assert missing == []
