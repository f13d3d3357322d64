"""PostgreSQL access: one async engine per process, and a readiness probe."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine


def make_engine(database_url: str, pool_size: int = 10) -> AsyncEngine:
    url = database_url
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+asyncpg://" + url.split("://", 1)[1]
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def database_probe(engine: AsyncEngine):
    async def probe() -> bool:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    return probe
