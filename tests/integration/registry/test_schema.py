"""The migrations and models.py describe the same schema; migrating twice is harmless."""
from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from services.registry.migrate import upgrade
from services.registry.models import metadata


async def test_models_match_migrated_database(engine):
    def diff(sync_conn):
        context = MigrationContext.configure(sync_conn, opts={"include_name": _registry_only})
        return compare_metadata(context, metadata)
    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []


def _registry_only(name, type_, parent_names):
    return type_ != "table" or name in metadata.tables


async def test_upgrade_is_idempotent_and_loads_units_once(registry_url, engine):
    async with engine.connect() as conn:
        before = await conn.scalar(text("SELECT count(*) FROM unit_aliases"))
    await asyncio.to_thread(upgrade, registry_url)
    async with engine.connect() as conn:
        after = await conn.scalar(text("SELECT count(*) FROM unit_aliases"))
        fdrc = await conn.scalar(text("SELECT u.canonical FROM unit_aliases a JOIN units u ON u.id = a.unit_id "
                                      "WHERE a.alias = '衢州市发改委'"))
    assert before == after > 100 and fdrc == "衢州市发展和改革委员会"


async def test_the_relay_cursor_migration_keeps_what_was_waiting(database_url):
    """0003 → 0004 sets the cursor before the oldest queued event; 0004 → 0003 queues again all after it."""
    import asyncpg
    from alembic import command

    from services.registry.migrate import alembic_config
    from tests.conftest import create_database

    url = await create_database(database_url, "relay_cursor_migration")
    config = alembic_config(url)
    await asyncio.to_thread(command.upgrade, config, "0003")
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.executemany("INSERT INTO outbox (id, subject, payload) VALUES ($1, 's', '{}')",
                               [(f"e{i}",) for i in range(1, 6)])
        await conn.execute("DELETE FROM outbox_pending WHERE seq IN (1, 2, 4)")  # published: 1, 2, and 4 early
        await asyncio.to_thread(command.upgrade, config, "0004")
        assert await conn.fetchval("SELECT published_seq FROM outbox_relay") == 2
        assert await conn.fetchval("SELECT to_regclass('outbox_pending')") is None
        await asyncio.to_thread(command.downgrade, config, "0003")
        assert [r[0] for r in await conn.fetch("SELECT seq FROM outbox_pending ORDER BY seq")] == [3, 4, 5]
        await conn.execute("INSERT INTO outbox (id, subject, payload) VALUES ('e6', 's', '{}')")  # the trigger again
        assert await conn.fetchval("SELECT max(seq) FROM outbox_pending") == 6
    finally:
        await conn.close()
