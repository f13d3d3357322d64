"""A gRPC server interceptor that shields every service from two kinds of trouble:

- request strings no service can use: a NUL character (PostgreSQL text cannot hold one, so the query failed
  with an internal error) or an absurd length (a NOT_FOUND that echoed a 100,000-character id overflowed the
  client's metadata limit) → INVALID_ARGUMENT naming the field;
- an unexpected exception in a handler → INTERNAL with a generic message. gRPC's default would send the
  exception's text to the client, and a database error's text carries the SQL and its parameters.
"""
from __future__ import annotations

import logging

import grpc
from google.protobuf.message import Message

log = logging.getLogger("duban.grpc")

# Ids, names, queries, URLs and page tokens are shorter. An error that echoes a field must stay under gRPC's
# 8 KiB soft limit on metadata, and grpc-message percent-encodes each byte (9 bytes a Chinese character).
MAX_FIELD_CHARS = 512
INTERNAL_MESSAGE = "internal error; the server log has the details"
GUARDED_PREFIX = "/duban."


def request_problem(message: Message, prefix: str = "") -> str | None:
    """Why `message` is refused, or None. Looks into nested and repeated fields."""
    for field, value in message.ListFields():
        name = prefix + field.name
        values = value if field.is_repeated else [value]
        for item in values:
            if isinstance(item, Message):
                problem = request_problem(item, name + ".")
            elif isinstance(item, str):
                problem = _string_problem(name, item)
            else:
                problem = None
            if problem:
                return problem
    return None


def _string_problem(name: str, value: str) -> str | None:
    if "\x00" in value:
        return f"field {name} contains a NUL character"
    if len(value) > MAX_FIELD_CHARS:
        return f"field {name} is {len(value)} characters long; at most {MAX_FIELD_CHARS} are accepted"
    return None


async def _internal(context, method: str, exc: Exception) -> None:
    log.error("handler failed", exc_info=exc, extra={"method": method})
    await context.abort(grpc.StatusCode.INTERNAL, INTERNAL_MESSAGE)


class RequestGuardInterceptor(grpc.aio.ServerInterceptor):
    async def intercept_service(self, continuation, handler_call_details):
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or not method.startswith(GUARDED_PREFIX):
            return handler  # health and reflection are grpcio's own
        kwargs = {"request_deserializer": handler.request_deserializer,
                  "response_serializer": handler.response_serializer}

        async def checked(request_iterator, context):
            async for request in request_iterator:
                if problem := request_problem(request):
                    await context.abort(grpc.StatusCode.INVALID_ARGUMENT, problem)
                yield request

        if handler.unary_unary:
            async def unary_unary(request, context):
                if problem := request_problem(request):
                    await context.abort(grpc.StatusCode.INVALID_ARGUMENT, problem)
                try:
                    return await handler.unary_unary(request, context)
                except (grpc.aio.AbortError, grpc.aio.UsageError):
                    raise
                except Exception as exc:
                    await _internal(context, method, exc)
            return grpc.unary_unary_rpc_method_handler(unary_unary, **kwargs)
        if handler.stream_unary:
            async def stream_unary(request_iterator, context):
                try:
                    return await handler.stream_unary(checked(request_iterator, context), context)
                except (grpc.aio.AbortError, grpc.aio.UsageError):
                    raise
                except Exception as exc:
                    await _internal(context, method, exc)
            return grpc.stream_unary_rpc_method_handler(stream_unary, **kwargs)
        if handler.unary_stream:
            async def unary_stream(request, context):
                if problem := request_problem(request):
                    await context.abort(grpc.StatusCode.INVALID_ARGUMENT, problem)
                try:
                    async for response in handler.unary_stream(request, context):
                        yield response
                except (grpc.aio.AbortError, grpc.aio.UsageError):
                    raise
                except Exception as exc:
                    await _internal(context, method, exc)
            return grpc.unary_stream_rpc_method_handler(unary_stream, **kwargs)
        return handler  # bidirectional streams: duban has none
