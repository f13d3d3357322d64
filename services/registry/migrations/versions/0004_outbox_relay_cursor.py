"""The relay follows the outbox by seq with one cursor row, `outbox_relay.published_seq`, instead of queueing every
appended event in `outbox_pending`: writers append under a lock held until commit, so seq order is commit order
(what WatchEvents already relies on) and "everything after the cursor" is exactly what is unpublished. The queue
cost an insert by trigger and a delete per event, with their index entries and dead rows to vacuum: under load
49 of PostgreSQL's 135 row writes per document.

Events queued but unpublished at upgrade are published after it, and any published meanwhile out of order (by
another relay replica) again, under the same Nats-Msg-Id.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE outbox_relay (id SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1), "
               "published_seq BIGINT NOT NULL)")
    op.execute("INSERT INTO outbox_relay (published_seq) SELECT coalesce((SELECT min(seq) - 1 FROM outbox_pending), "
               "(SELECT max(seq) FROM outbox), 0)")
    op.execute("DROP TRIGGER outbox_queue_appended ON outbox")
    op.execute("DROP FUNCTION outbox_queue_appended()")
    op.execute("DROP TABLE outbox_pending")


def downgrade() -> None:
    op.execute("CREATE TABLE outbox_pending (seq BIGINT PRIMARY KEY)")
    op.execute("INSERT INTO outbox_pending (seq) SELECT seq FROM outbox WHERE seq > (SELECT published_seq FROM "
               "outbox_relay)")
    op.execute("CREATE FUNCTION outbox_queue_appended() RETURNS trigger LANGUAGE plpgsql AS $$ "
               "BEGIN INSERT INTO outbox_pending (seq) SELECT seq FROM appended; RETURN NULL; END $$")
    op.execute("CREATE TRIGGER outbox_queue_appended AFTER INSERT ON outbox REFERENCING NEW TABLE AS appended "
               "FOR EACH STATEMENT EXECUTE FUNCTION outbox_queue_appended()")
    op.execute("DROP TABLE outbox_relay")
