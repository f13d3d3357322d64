"""Bring a database to the latest registry schema (Alembic) and load the unit directory into it.

`duban migrate` (a Kubernetes Job) and `duban up` call `upgrade`; concurrent runs queue on an advisory lock.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from services.registry.units import load_directory, sync_units
from services.runtime.db import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def asyncpg_url(database_url: str) -> str:
    """postgresql://… or postgres://… → postgresql+asyncpg://… (other drivers' URLs pass unchanged)."""
    scheme, _, rest = database_url.partition("://")
    return f"postgresql+asyncpg://{rest}" if scheme in ("postgresql", "postgres") else database_url


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = asyncpg_url(database_url)  # attributes: no %-interpolation of passwords
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    """Migrate to `revision` (every branch head: notify keeps its own branch) and load the unit directory. Synchronous: call it outside an event loop (or use
    `upgrade_async`)."""
    command.upgrade(alembic_config(database_url), revision)
    asyncio.run(_load_units(database_url))


async def upgrade_async(database_url: str) -> None:
    await asyncio.to_thread(upgrade, database_url)


async def _load_units(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=1)
    try:
        await sync_units(engine, load_directory())
    finally:
        await engine.dispose()
