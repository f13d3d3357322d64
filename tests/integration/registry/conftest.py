"""Fixtures for registry tests: a freshly migrated database per test module, an engine on it, the unit
directory, and documents written in the real style (our own sentences, not corpus text)."""
from __future__ import annotations

import asyncio
import copy
import itertools

import pytest

from services.registry.migrate import upgrade
from services.registry.units import load_directory
from services.runtime.db import make_engine
from tests.conftest import create_database

_db_names = itertools.count(1)


@pytest.fixture(scope="module")
async def registry_url(database_url, request):
    name = f"registry_{request.module.__name__.rsplit('.', 1)[-1]}_{next(_db_names)}"
    url = await create_database(database_url, name)
    await asyncio.to_thread(upgrade, url)
    return url


@pytest.fixture(scope="module")
async def engine(registry_url):
    engine = make_engine(registry_url, pool_size=4)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def directory():
    return load_directory()


def clause(path, text, units=(), deadlines=(), officials=(), targets=()):
    return {"path": path, "text": text, "span": [0, len(text)], "officials": list(officials),
            "units": [{"name": n, "role": r} for n, r in units],
            "deadlines": [{"text": t, "date": d, "kind": k} for t, d, k in deadlines],
            "targets": list(targets)}


def work_plan(doc_number="衢政办发〔2024〕99号", **overrides) -> dict:
    """A small work plan in the style of a 重点工作责任分解 notice."""
    document = {
        "doc_number": doc_number,
        "title": "衢州市人民政府办公室关于印发2024年重点工作责任分解的通知",
        "issuers": ["衢州市人民政府办公室"],
        "signed_date": "2024-03-04", "effective_date": None, "expiry_date": None,
        "source": {"file": "plan.txt", "start_line": 1, "end_line": 40},
        "attachments": ["2024年重点工作责任分解"],
        "relations": [],
        "clauses": [
            clause("1", "加快推进重大项目建设，10月底前全部开工。", units=[("市发改委", "lead"), ("市财政局", "support")],
                   deadlines=[("10月底前", "2024-10-31", "due")], officials=["张三"],
                   targets=[{"text": "投资增长10%以上", "value": 10, "unit": "%", "op": ">="}]),
            clause("2", "完善城乡低保标准动态调整机制，年底前完成。", units=[("市民政局", "responsible")],
                   deadlines=[("年底前", "2024-12-31", "due")]),
            clause("3", "推进县域法治政府建设，三季度完成。", units=[("各县（市、区）政府", "responsible")],
                   deadlines=[("三季度", "2024-09-30", "due")]),
        ],
    }
    document.update(overrides)
    return copy.deepcopy(document)
