"""A digest that cannot be made is tried again a few times, each after a longer wait, then given up: its items
are marked flushed with the error kept. Before, such a group was tried again on every flush pass for ever and
took one of the pass's places each time.

Revision ID: notify_0002
Revises: notify_0001
"""
from alembic import op

revision = "notify_0002"
down_revision = "notify_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE notify_digest_items ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0, "
               "ADD COLUMN last_error TEXT")


def downgrade() -> None:
    op.execute("ALTER TABLE notify_digest_items DROP COLUMN last_error, DROP COLUMN attempts")
