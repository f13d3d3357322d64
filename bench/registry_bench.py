"""Registry benchmark: bulk ingest rate against raw COPY, then ListResponsibilities latency and QPS from a
separate client process, with N responsibilities loaded.

    .venv/bin/python bench/registry_bench.py --responsibilities 1000000

Starts its own PostgreSQL (embedded, under .data/bench-registry) unless --database-url is given. Prints a JSON
report; bench/README.md records the figures.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from registry_corpus import generate

from services.registry.migrate import upgrade
from services.registry.store import (
    CLAUSE_COLUMNS,
    DEADLINE_COLUMNS,
    RESPONSIBILITY_COLUMNS,
    TARGET_COLUMNS,
    build_rows,
    document_id_for,
    store_extraction,
)
from services.registry.units import load_directory
from services.runtime.db import make_engine
from services.runtime.embedded import free_port, start_postgres

CLAUSES_PER_DOCUMENT = 100  # two responsibilities per clause
DOCUMENTS_PER_FILE = 10  # a gazette file carries many documents: one store transaction each
RAW_SAMPLE_DOCUMENTS = 200


TABLES = (("clauses", CLAUSE_COLUMNS, "clauses"), ("responsibilities", RESPONSIBILITY_COLUMNS, "responsibilities"),
          ("deadlines", DEADLINE_COLUMNS, "deadlines"), ("targets", TARGET_COLUMNS, "targets"))


async def raw_copy_rate(database_url: str, documents: list[dict], writers: int = 1) -> dict:
    """COPY the rows ingest would write for `documents` into scratch copies of the real tables (logged, with
    their indexes, as the real ones): clause rows only, every row from one connection, and every row split over
    `writers` connections at once (what the ingest side gets with as many writers)."""
    import asyncpg
    directory = load_directory()
    rows = [build_rows(document_id_for(d["doc_number"], "raw", i), d, directory, "in_force")
            for i, d in enumerate(documents)]
    clauses = [r for rs in rows for r in rs.clauses]
    dsn = database_url.replace("postgresql+asyncpg", "postgresql")
    conns = [await asyncpg.connect(dsn) for _ in range(max(writers, 1))]
    conn = conns[0]

    async def copy_all(connection, share) -> None:
        for table, columns, attr in TABLES:
            await connection.copy_records_to_table(f"raw_{table}", columns=columns,
                                                   records=[r for rs in share for r in getattr(rs, attr)])

    async def truncate() -> None:
        await conn.execute("TRUNCATE " + ", ".join(f"raw_{t}" for t, _, _ in TABLES))
        await conn.execute("CHECKPOINT")  # each timing starts from the same state

    try:
        for table, _, _ in TABLES:
            await conn.execute(f"DROP TABLE IF EXISTS raw_{table}")
            await conn.execute(f"CREATE TABLE raw_{table} (LIKE {table} INCLUDING DEFAULTS INCLUDING INDEXES)")
        await truncate()
        t0 = time.perf_counter()
        await conn.copy_records_to_table("raw_clauses", records=clauses, columns=CLAUSE_COLUMNS)
        clause_only = time.perf_counter() - t0
        await truncate()
        t0 = time.perf_counter()
        await copy_all(conn, rows)
        all_rows = time.perf_counter() - t0
        await truncate()
        t0 = time.perf_counter()
        await asyncio.gather(*(copy_all(c, rows[i::len(conns)]) for i, c in enumerate(conns)))
        all_rows_concurrent = time.perf_counter() - t0
    finally:
        for table, _, _ in TABLES:
            await conn.execute(f"DROP TABLE IF EXISTS raw_{table}")
        for c in conns:
            await c.close()
    return {"clauses": len(clauses), "copy_clause_rows_per_s": round(len(clauses) / clause_only),
            "copy_all_rows_clauses_per_s": round(len(clauses) / all_rows),
            "copy_all_rows_writers": len(conns),
            "copy_all_rows_concurrent_clauses_per_s": round(len(clauses) / all_rows_concurrent)}


async def ingest(database_url: str, documents: int, writers: int = 1, chunk_files: int = 50) -> dict:
    """Store the corpus as the registry consumer does: one transaction per file, `writers` files at a time (the
    consumer handles a fetched batch concurrently). The corpus is generated `chunk_files` files ahead, outside
    the timed part."""
    engine = make_engine(database_url, pool_size=writers + 1)
    directory = load_directory()
    corpus = generate(documents, CLAUSES_PER_DOCUMENT)
    clauses = responsibilities = 0
    elapsed = 0.0

    async def store(file_index: int, batch: list[dict]) -> None:
        await store_extraction(engine, directory, doc_id=f"{file_index:064d}", extractor_version="1.0.0",
                               source_file=f"bench_{file_index}.txt", documents=batch)

    try:
        starts = list(range(0, documents, DOCUMENTS_PER_FILE))
        for chunk in range(0, len(starts), chunk_files):
            files = [(i, [next(corpus) for _ in range(min(DOCUMENTS_PER_FILE, documents - i))])
                     for i in starts[chunk:chunk + chunk_files]]
            pending = iter(files)

            async def writer() -> None:
                for file_index, batch in pending:
                    await store(file_index, batch)
            t0 = time.perf_counter()
            await asyncio.gather(*(writer() for _ in range(writers)))
            elapsed += time.perf_counter() - t0
            clauses += sum(len(d["clauses"]) for _, batch in files for d in batch)
            responsibilities += sum(len(c["units"]) for _, batch in files for d in batch for c in d["clauses"])
    finally:
        await engine.dispose()
    return {"documents": documents, "writers": writers, "clauses": clauses, "responsibilities": responsibilities,
            "seconds": round(elapsed, 1), "ingest_clauses_per_s": round(clauses / elapsed)}


def query(database_url: str, units: list[str], qps: float, seconds: float) -> list[dict]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen([sys.executable, str(REPO / "bench" / "registry_server.py"), database_url, str(port)],
                              stdout=subprocess.PIPE, env=env, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        results = []
        for unit in units:
            out = subprocess.run([sys.executable, str(REPO / "bench" / "registry_client.py"), f"127.0.0.1:{port}",
                                  unit, str(qps), str(seconds)], capture_output=True, text=True, env=env, check=True)
            results.append(json.loads(out.stdout))
        return results
    finally:
        server.terminate()
        server.wait(10)


async def vacuum(database_url: str) -> None:
    import asyncpg
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responsibilities", type=int, default=1_000_000)
    parser.add_argument("--qps", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--units", default="市发改委,开化县人民政府",
                        help="comma-separated units to query (a plain unit, and one with a group)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: embedded)")
    parser.add_argument("--writers", type=int, default=1,
                        help="files stored concurrently, each in its own transaction (the consumer's batch does this)")
    parser.add_argument("--query-only", action="store_true",
                        help="skip loading: query the database a previous run left (embedded or --database-url)")
    args = parser.parse_args()

    stop = None
    url = args.database_url
    if not url:
        data = REPO / ".data" / "bench-registry"
        if not args.query_only:
            shutil.rmtree(data, ignore_errors=True)
        server = start_postgres(data)
        stop, url = server.stop, server.url
    try:
        if args.query_only:
            print(json.dumps({"query": query(url, args.units.split(","), args.qps, args.seconds)},
                             ensure_ascii=False, indent=2))
            return
        upgrade(url)
        documents = args.responsibilities // (2 * CLAUSES_PER_DOCUMENT)
        report = {"raw": asyncio.run(raw_copy_rate(url, list(generate(RAW_SAMPLE_DOCUMENTS, CLAUSES_PER_DOCUMENT,
                                                                       seed=99)), args.writers))}
        report["ingest"] = asyncio.run(ingest(url, documents, args.writers))
        report["ingest"]["ratio_to_copy_all_rows"] = round(
            report["raw"]["copy_all_rows_clauses_per_s"] / report["ingest"]["ingest_clauses_per_s"], 2)
        report["ingest"]["ratio_to_copy_clause_rows"] = round(
            report["raw"]["copy_clause_rows_per_s"] / report["ingest"]["ingest_clauses_per_s"], 2)
        report["ingest"]["ratio_to_concurrent_copy_all_rows"] = round(
            report["raw"]["copy_all_rows_concurrent_clauses_per_s"] / report["ingest"]["ingest_clauses_per_s"], 2)
        asyncio.run(vacuum(url))
        report["query"] = query(url, args.units.split(","), args.qps, args.seconds)
        print(json.dumps(report, ensure_ascii=False, indent=2))
    finally:
        if stop:
            stop()


if __name__ == "__main__":
    main()
