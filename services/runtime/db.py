"""PostgreSQL access: one async engine per process (transactions), lean asyncpg pools for hot lone statements,
and a readiness probe."""
from __future__ import annotations

import functools
import weakref

import asyncpg
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine


@functools.lru_cache(maxsize=1024)
def sql(statement: str) -> TextClause:
    """`text(statement)`, made once per distinct statement. text() parses the bind parameters out of the string,
    and each execution of a new TextClause derives its cache key again: per call, for statements the consumers
    run thousands of times a second. Only for statements whose text is fixed (values go in bind parameters)."""
    return text(statement)


def make_engine(database_url: str, pool_size: int = 20) -> AsyncEngine:
    """`pool_size` connections stay open; up to 10 more are opened under bursts and closed when returned. Keep
    `pool_size` at least the process's concurrent transactions (each consumer handles a batch of 16 at once):
    an overflow connection costs a new backend, TLS negotiation and type introspection each time."""
    url = database_url
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+asyncpg://" + url.split("://", 1)[1]
    # No pre-ping (a round trip before every transaction): after a PostgreSQL restart the first statement on a
    # dead connection fails as "unavailable", is retried, and SQLAlchemy drops every connection of the old server.
    return create_async_engine(url, pool_size=pool_size, max_overflow=10)


_autocommit_engines: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def autocommit(engine: AsyncEngine) -> AsyncEngine:
    """`engine`'s pool without BEGIN and COMMIT/ROLLBACK: for a lone statement, which PostgreSQL runs atomically
    on its own. SQLAlchemy's asyncpg dialect otherwise wraps even a single SELECT in a transaction, three round
    trips instead of one. (The isolation level is set on check-out and restored on return to the pool.)"""
    if (plain := _autocommit_engines.get(engine)) is None:
        plain = _autocommit_engines[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return plain


class Row(asyncpg.Record):
    """Rows with attribute access (row.doc_number), like SQLAlchemy's. Hot loops unpack rows instead: this
    lookup costs several times a tuple unpack."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class _StatementConnection(asyncpg.Connection):
    def get_reset_query(self) -> str:
        return ""  # lone statements leave no session state to reset between borrowers, so save the round trip


async def open_statement_pool(database_url: str, size: int = 10) -> asyncpg.Pool:
    """A pool for lone statements outside transactions (reads, and writes that one statement makes atomically):
    one round trip each (no BEGIN/COMMIT, no reset on release), prepared once per connection."""
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    return await asyncpg.create_pool(dsn, min_size=1, max_size=size, record_class=Row,
                                     connection_class=_StatementConnection)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def database_probe(engine: AsyncEngine):
    async def probe() -> bool:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    return probe
