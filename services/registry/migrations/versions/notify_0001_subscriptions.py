"""Notify schema (its own branch, so the two chains never conflict: `alembic upgrade heads` runs both, and
`depends_on` puts the registry's first revision before it): subscriptions, deliveries
(recorded before they are sent), digest items waiting to be grouped, and the reminders already sent.

Revision ID: notify_0001
Revises:
Create Date: 2026-11-23
"""
from alembic import op

revision = "notify_0001"
down_revision = None
branch_labels = ("notify",)
depends_on = "0001"

_SCHEMA = """
CREATE TABLE notify_subscriptions (
    id BIGSERIAL PRIMARY KEY,
    unit TEXT NOT NULL,
    canonical_unit TEXT,
    match_keys TEXT[] NOT NULL,
    webhook_url TEXT,
    secret TEXT,
    previous_secret TEXT,
    previous_secret_expires_at TIMESTAMPTZ,
    webhook_disabled_reason TEXT,
    email TEXT,
    event_types TEXT[] NOT NULL DEFAULT '{}',
    reminder_offsets INTEGER[] NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ix_notify_subscriptions_match_keys ON notify_subscriptions USING gin (match_keys);

CREATE TABLE notify_deliveries (
    id TEXT PRIMARY KEY,
    seq BIGSERIAL UNIQUE,
    dedupe_key TEXT NOT NULL UNIQUE,
    subscription_id BIGINT NOT NULL REFERENCES notify_subscriptions (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload JSONB NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error TEXT,
    last_status_code INTEGER,
    created_at TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ
);
CREATE INDEX ix_notify_deliveries_due ON notify_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX ix_notify_deliveries_subscription ON notify_deliveries (subscription_id, seq);

CREATE TABLE notify_digest_items (
    subscription_id BIGINT NOT NULL REFERENCES notify_subscriptions (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    document_version INTEGER NOT NULL,
    item JSONB NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    flushed_at TIMESTAMPTZ,
    PRIMARY KEY (subscription_id, event_id)
);
CREATE INDEX ix_notify_digest_items_waiting ON notify_digest_items (subscription_id, document_id, document_version)
    WHERE flushed_at IS NULL;

CREATE TABLE notify_reminders (
    subscription_id BIGINT NOT NULL REFERENCES notify_subscriptions (id) ON DELETE CASCADE,
    deadline_key TEXT NOT NULL,
    offset_days INTEGER NOT NULL,
    delivery_key TEXT NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subscription_id, deadline_key, offset_days)
)
"""

_TABLES = ("notify_reminders", "notify_digest_items", "notify_deliveries", "notify_subscriptions")


def upgrade() -> None:
    for statement in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
        op.execute(statement)


def downgrade() -> None:
    for table in _TABLES:
        op.execute(f"DROP TABLE {table}")
