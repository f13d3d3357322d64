"""Two registry consumers (replicas, or one consumer handling a batch concurrently) storing a document and the
one that repeals it at the same moment must still leave the old document repealed."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from services.registry.store import store_extraction
from services.registry.units import load_directory
from services.runtime.db import make_engine
from tests.fault.conftest import fresh_database
from tests.integration.notify.conftest import clause, work_plan

pytestmark = pytest.mark.fault
ROUNDS = 10


async def test_repeal_survives_concurrent_stores(database_url):
    url = await fresh_database(database_url, "repealrace")
    engine = make_engine(url, pool_size=4)
    directory = load_directory()
    statuses = []
    try:
        for i in range(ROUNDS):
            old_number, new_number = f"衢政发〔2022〕{100 + i}号", f"衢政发〔2026〕{100 + i}号"
            old = work_plan(old_number, clauses=[clause("1", "开展专项评估，8月底前完成。", units=[("市发改委", "lead")],
                                                        deadlines=[("8月底前", "2026-08-31", "due")])])
            new = work_plan(new_number, clauses=[clause("1", "本通知自印发之日起施行。")],
                            relations=[{"type": "repeals", "doc_number": old_number, "effective_date": "2026-07-01"}])
            await asyncio.gather(
                store_extraction(engine, directory, doc_id=f"{i:02d}" + "a" * 62, extractor_version="1.0.0",
                                 source_file="old.txt", documents=[old]),
                store_extraction(engine, directory, doc_id=f"{i:02d}" + "b" * 62, extractor_version="1.0.0",
                                 source_file="new.txt", documents=[new]))
            async with engine.connect() as conn:
                statuses.append(await conn.scalar(text("SELECT status FROM documents WHERE doc_number = :n"),
                                                  {"n": old_number}))
    finally:
        await engine.dispose()
    assert statuses == ["repealed"] * ROUNDS
