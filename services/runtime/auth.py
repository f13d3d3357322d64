"""gRPC access control: bearer tokens with scopes (read / ingest / admin), and TLS when certificates are given.

Tokens come from DUBAN_API_TOKENS (`token=scope[,scope];…`). With none configured, access is open and the log
says so; configuring any token turns enforcement on for every method except health and reflection. `admin`
includes the other scopes. A method missing from REQUIRED_SCOPE needs `admin` (closed by default).
"""
from __future__ import annotations

import hmac
import logging
import os
from pathlib import Path

import grpc

from services.runtime.config import ConfigError

log = logging.getLogger("duban.auth")

OPEN_SERVICES = ("/grpc.health.v1.Health/", "/grpc.reflection.v1alpha.ServerReflection/",
                 "/grpc.reflection.v1.ServerReflection/")


def _methods(service: str, scope: str, *names: str) -> dict[str, str]:
    return {f"/{service}/{name}": scope for name in names}


REQUIRED_SCOPE: dict[str, str] = {
    **_methods("duban.ingest.v1.IngestService", "ingest", "SubmitDocument", "SubmitSmallDocument", "GetIngestStatus",
               "ReextractDocuments"),
    **_methods("duban.registry.v1.RegistryService", "read", "GetDocument", "ListDocuments", "ListClauses",
               "ListResponsibilities", "ListDeadlines", "SearchClauses", "ListUnits", "ResolveUnit",
               "GetUnitSummary", "WatchEvents"),
    **_methods("duban.notify.v1.NotifyService", "admin", "CreateSubscription", "GetSubscription",
               "ListSubscriptions", "UpdateSubscription", "DeleteSubscription", "ListDeliveries",
               "RedeliverDelivery", "SendTest"),
}


def required_scope(method: str) -> str | None:
    """Scope a full method name needs; None for the open services (health, reflection)."""
    if method.startswith(OPEN_SERVICES):
        return None
    return REQUIRED_SCOPE.get(method, "admin")


def bearer_token(metadata) -> str | None:
    for key, value in metadata or ():
        if key == "authorization" and isinstance(value, str) and value[:7].lower() == "bearer ":
            return value[7:].strip()
    return None


def _deny(handler: grpc.RpcMethodHandler, code: grpc.StatusCode, message: str) -> grpc.RpcMethodHandler:
    """A handler of the same shape as `handler` that refuses the call."""
    async def refuse(_request, context):
        await context.abort(code, message)

    async def refuse_stream(_request, context):
        await context.abort(code, message)
        yield  # makes this an async generator, as a server-streaming handler must be

    kwargs = {"request_deserializer": handler.request_deserializer,
              "response_serializer": handler.response_serializer}
    if handler.response_streaming:
        factory = (grpc.stream_stream_rpc_method_handler if handler.request_streaming
                   else grpc.unary_stream_rpc_method_handler)
        return factory(refuse_stream, **kwargs)
    factory = grpc.stream_unary_rpc_method_handler if handler.request_streaming else grpc.unary_unary_rpc_method_handler
    return factory(refuse, **kwargs)


class BearerTokenInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, tokens: dict[str, frozenset[str]]) -> None:
        self._tokens = list(tokens.items())

    def scopes_of(self, token: str | None) -> frozenset[str] | None:
        if not token:
            return None
        found = None
        for known, scopes in self._tokens:  # compare every token in constant time: no timing oracle
            if hmac.compare_digest(known.encode(), token.encode()):
                found = scopes
        return found

    async def intercept_service(self, continuation, handler_call_details):
        handler = await continuation(handler_call_details)
        scope = required_scope(handler_call_details.method)
        if handler is None or scope is None:
            return handler
        scopes = self.scopes_of(bearer_token(handler_call_details.invocation_metadata))
        if scopes is None:
            return _deny(handler, grpc.StatusCode.UNAUTHENTICATED,
                         "a valid bearer token is required (metadata 'authorization: Bearer <token>')")
        if scope not in scopes and "admin" not in scopes:
            return _deny(handler, grpc.StatusCode.PERMISSION_DENIED,
                         f"{handler_call_details.method} needs the '{scope}' scope; this token has "
                         f"{', '.join(sorted(scopes))}")
        return handler


def server_interceptors(tokens: dict[str, frozenset[str]]) -> list[grpc.aio.ServerInterceptor]:
    """Interceptors for the gRPC server: none (open access, logged) when no tokens are configured."""
    if not tokens:
        log.warning("gRPC access is open: no DUBAN_API_TOKENS configured (set tokens to enforce scopes)")
        return []
    log.info("gRPC bearer-token access control on", extra={"tokens": len(tokens)})
    return [BearerTokenInterceptor(tokens)]


def server_credentials(env: dict[str, str] | None = None) -> grpc.ServerCredentials | None:
    """TLS credentials from DUBAN_TLS_CERT_FILE and DUBAN_TLS_KEY_FILE (PEM), None when neither is set."""
    env = os.environ if env is None else env
    cert, key = env.get("DUBAN_TLS_CERT_FILE", ""), env.get("DUBAN_TLS_KEY_FILE", "")
    if not cert and not key:
        return None
    if not (cert and key):
        raise ConfigError("DUBAN_TLS_CERT_FILE and DUBAN_TLS_KEY_FILE must be set together")
    try:
        pair = (Path(key).read_bytes(), Path(cert).read_bytes())
    except OSError as exc:
        raise ConfigError(f"cannot read TLS certificate or key: {exc}") from None
    return grpc.ssl_server_credentials([pair])
