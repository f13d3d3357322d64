"""W3C trace context across the pipeline: carried in NATS message headers from ingest to notify.

Spans are always created (so log lines carry trace ids); exporting them is off unless DUBAN_OTEL_EXPORTER says
`console` (stderr) or `otlp` (needs the opentelemetry-exporter-otlp package and OTEL_EXPORTER_OTLP_ENDPOINT).
"""
from __future__ import annotations

import os
from contextlib import contextmanager

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

_configured = False


def configure_tracing(service_name: str) -> None:
    global _configured
    if _configured:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    exporter = os.environ.get("DUBAN_OTEL_EXPORTER", "none").lower()
    if exporter == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    elif exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _configured = True


tracer = trace.get_tracer("duban")


def inject_headers(headers: dict[str, str]) -> dict[str, str]:
    """Add `traceparent` (and `tracestate`) of the current span to outgoing message headers."""
    propagate.inject(headers)
    return headers


@contextmanager
def span_from_headers(name: str, headers: dict[str, str] | None, **attributes):
    """A consumer span that continues the trace of the message that triggered it."""
    ctx = propagate.extract(headers or {})
    with tracer.start_as_current_span(name, context=ctx, kind=trace.SpanKind.CONSUMER,
                                      attributes=attributes) as span:
        yield span


def current_trace_id() -> str | None:
    span_ctx = trace.get_current_span().get_span_context()
    return f"{span_ctx.trace_id:032x}" if span_ctx.is_valid else None
