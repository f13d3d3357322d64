"""Raw limits of this machine, the yardsticks for bench/pipeline.py: how fast JetStream takes and hands out
messages, and how fast PostgreSQL takes rows by COPY, with nothing of duban in the way.

    .venv/bin/python bench/raw_limits.py [--messages 20000] [--size 4096] [--rows 200000] [--repeats 3]

- JetStream: a file-storage stream like the pipeline's; `publish_async` of --messages messages of --size bytes
  (each with a Nats-Msg-Id header, as the pipeline publishes), then one durable pull consumer fetching batches
  of 256 and acking each message. Rates are messages/s for each half.
- PostgreSQL: asyncpg `copy_records_to_table` into the registry's own `clauses` and `responsibilities` tables
  (migrated schema, its indexes included: trigram GIN on clause text), in batches of 5,000 rows. Rate is rows/s.
Servers are started as the tests start them (services.runtime.embedded) under a fresh /tmp directory.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.runtime.embedded import start_nats, start_postgres  # noqa: E402

BENCH_STREAM = "BENCH_RAW"
CLAUSE_TEXT = "三季度末前新建229个省级智能工厂，数字化车间数量达到1852个以上。"


async def jetstream_rate(nats_url: str, messages: int, size: int) -> dict:
    """Publish `messages` of `size` bytes asynchronously, then pull and ack them all. Rates in messages/s."""
    import nats
    from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig

    nc = await nats.connect(nats_url)
    js = nc.jetstream(publish_async_max_pending=4000)
    await js.add_stream(StreamConfig(name=BENCH_STREAM, subjects=["bench.raw"], storage=StorageType.FILE))
    payload = b"x" * size
    started = time.perf_counter()
    for i in range(messages):
        await js.publish_async("bench.raw", payload, headers={"Nats-Msg-Id": f"m{i}"})
    await js.publish_async_completed()
    publish_seconds = time.perf_counter() - started

    await js.add_consumer(BENCH_STREAM, ConsumerConfig(durable_name="raw", ack_policy=AckPolicy.EXPLICIT))
    sub = await js.pull_subscribe("bench.raw", durable="raw", stream=BENCH_STREAM)
    consumed, started = 0, time.perf_counter()
    while consumed < messages:
        for msg in await sub.fetch(256, timeout=5):
            await msg.ack()
            consumed += 1
    await nc.flush()
    consume_seconds = time.perf_counter() - started
    await js.delete_stream(BENCH_STREAM)
    await nc.close()
    return {"messages": messages, "bytes": size,
            "publish_per_s": round(messages / publish_seconds), "consume_ack_per_s": round(messages / consume_seconds)}


def _clause_rows(count: int, offset: int) -> list[tuple]:
    return [(f"bench-{(offset + i) // 12}", (offset + i) % 12, f"{(offset + i) % 5 + 1}.{(offset + i) % 12 + 1}",
             f"{i % 997}{CLAUSE_TEXT}", 100 + i % 50, 160 + i % 50, ["王明远"]) for i in range(count)]


def _responsibility_rows(count: int, offset: int) -> list[tuple]:
    return [(f"bench-{(offset + i) // 30}", (offset + i) % 12, "市经信局", "衢州市经济和信息化局",
             "衢州市经济和信息化局", 1, None) for i in range(count)]


async def copy_rate(database_url: str, rows: int, batch: int = 5000) -> dict:
    """COPY `rows` rows into clauses and as many into responsibilities. Rate in rows/s over both tables."""
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rates = {}
        for table, columns, make in (
                ("clauses", ["document_id", "ord", "path", "text", "span_start", "span_end", "officials"],
                 _clause_rows),
                ("responsibilities", ["document_id", "clause_ord", "unit_name", "canonical_unit", "unit_key",
                                      "role", "due_date"], _responsibility_rows)):
            batches = [make(min(batch, rows - start), start) for start in range(0, rows, batch)]
            started = time.perf_counter()
            for records in batches:
                await conn.copy_records_to_table(table, records=records, columns=columns)
            rates[table] = rows / (time.perf_counter() - started)
            await conn.execute(f"TRUNCATE {table}")
    finally:
        await conn.close()
    both = 2 * rows / (rows / rates["clauses"] + rows / rates["responsibilities"])
    return {"rows": rows, "clauses_rows_per_s": round(rates["clauses"]),
            "responsibilities_rows_per_s": round(rates["responsibilities"]), "rows_per_s": round(both)}


async def measure(nats_url: str, database_url: str, *, messages: int, size: int, rows: int,
                  repeats: int = 1) -> dict:
    """Both limits against running servers; `database_url` must be a migrated database.

    With `repeats` > 1 each is measured that many times and the best rate kept (a limit is what the machine can
    do; a slow sample says something else was busy): publish and pull+ack each at their best, COPY the sample
    with the best rate over both tables. Every sample is listed under `samples`."""
    streams = [await jetstream_rate(nats_url, messages, size) for _ in range(repeats)]
    copies = [await copy_rate(database_url, rows) for _ in range(repeats)]
    jetstream = {**streams[0], "publish_per_s": max(r["publish_per_s"] for r in streams),
                 "consume_ack_per_s": max(r["consume_ack_per_s"] for r in streams)}
    report = {"jetstream": jetstream, "postgres_copy": max(copies, key=lambda r: r["rows_per_s"])}
    if repeats > 1:
        report["samples"] = {"jetstream": [{k: r[k] for k in ("publish_per_s", "consume_ack_per_s")} for r in streams],
                             "postgres_copy_rows_per_s": [r["rows_per_s"] for r in copies]}
    return report


@contextmanager
def scratch_servers(prefix: str):
    """nats-server and a migrated PostgreSQL under a fresh /tmp directory, removed afterwards.
    Yields (work directory, nats, postgres)."""
    from services.registry.migrate import upgrade

    work = Path(tempfile.mkdtemp(prefix=prefix))
    work.chmod(0o755)  # as root, postgres runs as an unprivileged user that must reach its data dir
    nats, postgres = start_nats(work / "nats"), start_postgres(work / "pg")
    try:
        upgrade(postgres.url)
        yield work, nats, postgres
    finally:
        nats.stop()
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--size", type=int, default=4096, help="bytes per message")
    parser.add_argument("--rows", type=int, default=200000, help="rows per table")
    parser.add_argument("--repeats", type=int, default=3, help="measure each this many times; keep the best")
    args = parser.parse_args()
    with scratch_servers("duban-raw-") as (_, nats, postgres):
        report = asyncio.run(measure(nats.url, postgres.url, messages=args.messages, size=args.size, rows=args.rows,
                                     repeats=args.repeats))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
