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
