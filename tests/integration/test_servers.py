"""The session fixtures start real servers that answer."""
from __future__ import annotations

import asyncpg
import nats

from tests.conftest import create_database


async def test_nats_jetstream_round_trip(nats_url: str) -> None:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await js.add_stream(name="SMOKE", subjects=["smoke.>"])
    ack = await js.publish("smoke.one", b"hello", headers={"Nats-Msg-Id": "m1"})
    again = await js.publish("smoke.one", b"hello", headers={"Nats-Msg-Id": "m1"})
    assert again.duplicate and not ack.duplicate
    sub = await js.pull_subscribe("smoke.>", durable="smoke")
    [msg] = await sub.fetch(1, timeout=2)
    assert msg.data == b"hello"
    await msg.ack()
    await js.delete_stream("SMOKE")
    await nc.close()


async def test_postgres_accepts_queries_and_has_pg_trgm(database_url: str) -> None:
    url = await create_database(database_url, "smoke")
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        assert await conn.fetchval("SELECT similarity('衢州市发改委', '市发改委') > 0")
    finally:
        await conn.close()
