"""Prometheus metrics shared by all services (`duban_` prefix, `_total` / `_seconds` names)."""
from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

DOCUMENTS_INGESTED = Counter("duban_documents_ingested_total", "Documents accepted by ingest", ["result"])
EXTRACTION_SECONDS = Histogram("duban_extraction_seconds", "Time to extract one submitted file")
CLAUSES_EXTRACTED = Counter("duban_clauses_extracted_total", "Clauses produced by extraction")
MESSAGES_PROCESSED = Counter("duban_messages_processed_total", "JetStream messages handled",
                             ["consumer", "result"])
DEADLETTERED = Counter("duban_deadlettered_total", "Messages sent to the dead-letter subject", ["stage"])
OUTBOX_LAG = Gauge("duban_outbox_lag_events", "Outbox events written but not yet published")
DELIVERIES = Counter("duban_deliveries_total", "Notification deliveries", ["channel", "result"])
DIGESTS_GIVEN_UP = Counter("duban_digests_given_up_total", "Digests that could not be made after every attempt "
                           "(their items are kept with the error)")
REMINDERS_SENT = Counter("duban_reminders_sent_total", "Deadline reminders sent")
OVERDUE_DEADLINES = Gauge("duban_overdue_deadlines", "Open deadlines past their date")


def serve_metrics(port: int) -> None:
    """Expose /metrics on `port` (0 disables, as `duban up` children share one process)."""
    if port:
        start_http_server(port, addr="0.0.0.0")
