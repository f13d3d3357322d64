"""Extraction in worker processes: the event comes back encoded, and a worker that dies costs one attempt of the
document it held, not the component: the next document gets a new pool."""
from __future__ import annotations

import os
import signal

import orjson
import pytest

from services.extract.worker import ExtractComponent, _new_pool, warm_up

NOTICE = ("衢州市人民政府办公室关于做好专项工作的通知\n\n衢政办发〔2033〕2号\n\n各县（市、区）人民政府：\n"
          "一、加强组织领导\n1．10月底前完成专项整治任务。\n责任单位：市数据局\n\n衢州市人民政府办公室\n2033年3月1日\n")


async def test_a_dead_worker_process_fails_one_document_and_the_next_gets_a_new_pool():
    worker = ExtractComponent()
    worker._processes, worker._pool = 1, _new_pool(1)
    try:
        data, clauses, documents, failure = await worker._extract(NOTICE.encode(), "n.txt", "d1")
        event = orjson.loads(data)
        assert (event["doc_id"], documents, failure) == ("d1", 1, None) and clauses >= 1
        assert event["documents"][0]["doc_number"] == "衢政办发〔2033〕2号"
        [pid] = list(worker._pool._processes)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(RuntimeError, match="died while extracting d2"):
            await worker._extract(NOTICE.encode(), "n.txt", "d2")
        data, *_ = await worker._extract(NOTICE.encode(), "n.txt", "d3")
        assert orjson.loads(data)["doc_id"] == "d3"
    finally:
        await worker.close()


def test_a_new_pool_starts_its_processes_at_once_and_warms_them_up():
    """The first document must not wait for a process to start and import the extractor."""
    pool = _new_pool(2)
    try:
        assert len(pool._processes) == 2
        assert warm_up() >= 1  # the warm-up text does exercise the extractor
    finally:
        pool.shutdown(wait=True)
