"""The outbox's unpublished events are queued in their own narrow table, `outbox_pending`, which the relay empties
as it publishes; `outbox` itself becomes append-only (WatchEvents' log). Marking each published event by updating
its wide row wrote a new copy of the row and of all its index entries (the flag was in a partial index's
predicate): a third of PostgreSQL's time under load. A statement-level trigger queues every appended event, so
no writer can forget to.

Event payloads are stored as `json` (checked, kept as written), not `jsonb`: they are only ever read back whole as
text, so jsonb's conversion on every write and back on every read bought nothing. The same for
`document_versions.payload`, read back whole by the workbench.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE outbox_pending (seq BIGINT PRIMARY KEY)")
    op.execute("INSERT INTO outbox_pending (seq) SELECT seq FROM outbox WHERE published_at IS NULL")
    op.execute("CREATE FUNCTION outbox_queue_appended() RETURNS trigger LANGUAGE plpgsql AS $$ "
               "BEGIN INSERT INTO outbox_pending (seq) SELECT seq FROM appended; RETURN NULL; END $$")
    op.execute("CREATE TRIGGER outbox_queue_appended AFTER INSERT ON outbox REFERENCING NEW TABLE AS appended "
               "FOR EACH STATEMENT EXECUTE FUNCTION outbox_queue_appended()")
    op.execute("DROP INDEX ix_outbox_unpublished")
    op.execute("ALTER TABLE outbox DROP COLUMN published_at")
    op.execute("ALTER TABLE outbox ALTER COLUMN payload TYPE json USING payload::json")
    op.execute("ALTER TABLE document_versions ALTER COLUMN payload TYPE json USING payload::json")


def downgrade() -> None:
    op.execute("ALTER TABLE document_versions ALTER COLUMN payload TYPE jsonb USING payload::jsonb")
    op.execute("ALTER TABLE outbox ALTER COLUMN payload TYPE jsonb USING payload::jsonb")
    op.execute("ALTER TABLE outbox ADD COLUMN published_at TIMESTAMPTZ")
    op.execute("UPDATE outbox SET published_at = created_at WHERE seq NOT IN (SELECT seq FROM outbox_pending)")
    op.execute("CREATE INDEX ix_outbox_unpublished ON outbox (seq) WHERE published_at IS NULL")
    op.execute("DROP TRIGGER outbox_queue_appended ON outbox")
    op.execute("DROP FUNCTION outbox_queue_appended()")
    op.execute("DROP TABLE outbox_pending")
