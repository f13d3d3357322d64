"""runtime.db.autocommit: a lone statement costs one round trip (no BEGIN before it), and the pool's connections
go back to transactional use afterwards."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from services.runtime.db import autocommit, make_engine

NOW = text("SELECT now()")  # the transaction's start: the same for every statement inside one


async def _in_one_transaction(conn) -> bool:
    return await conn.scalar(NOW) == await conn.scalar(NOW)


@pytest.fixture
async def engine(database_url):
    engine = make_engine(database_url, pool_size=1)  # one connection: every check below reuses it
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS autocommit_probe (n int)"))
        await conn.execute(text("TRUNCATE autocommit_probe"))
    yield engine
    await engine.dispose()


async def test_a_lone_statement_runs_without_begin(engine) -> None:
    assert autocommit(engine) is autocommit(engine)  # made once per engine
    async with autocommit(engine).connect() as conn:
        assert not await _in_one_transaction(conn)  # no BEGIN: each statement stands alone
        await conn.execute(text("INSERT INTO autocommit_probe VALUES (1)"))
    async with engine.connect() as conn:  # the write was committed without a commit
        assert await conn.scalar(text("SELECT count(*) FROM autocommit_probe")) == 1
        assert await _in_one_transaction(conn)


async def test_the_connection_is_transactional_again_once_returned(engine) -> None:
    async with autocommit(engine).connect() as conn:
        await conn.execute(text("SELECT 1"))
    with pytest.raises(RuntimeError):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO autocommit_probe VALUES (2)"))
            raise RuntimeError("roll it back")
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM autocommit_probe WHERE n = 2")) == 0
