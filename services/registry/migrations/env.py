"""Alembic environment: async engine, one advisory lock so concurrent `duban migrate` runs queue up."""
from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.registry.models import metadata

MIGRATION_LOCK = 4_242_001  # pg_advisory_lock key held while migrating


def _migrate(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run() -> None:
    engine = create_async_engine(context.config.attributes["database_url"])
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
            await conn.commit()
            try:
                await conn.run_sync(_migrate)
                await conn.commit()
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
                await conn.commit()
    finally:
        await engine.dispose()


asyncio.run(_run())
