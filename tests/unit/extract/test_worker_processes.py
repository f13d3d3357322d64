"""Extraction in worker processes: the event comes back encoded, and a worker that dies costs one attempt of the
document it held, not the component: the next document gets a new pool. Small text and HTML files are extracted
on the event loop instead."""
from __future__ import annotations

import os
import signal

import orjson
import pytest

from services.extract.worker import INLINE_BYTES, ExtractComponent, _new_pool, extracts_inline, warm_up

NOTICE = ("衢州市人民政府办公室关于做好专项工作的通知\n\n衢政办发〔2033〕2号\n\n各县（市、区）人民政府：\n"
          "一、加强组织领导\n1．10月底前完成专项整治任务。\n责任单位：市数据局\n\n衢州市人民政府办公室\n2033年3月1日\n")
# Past the inline limit, so it goes to the worker processes.
LONG_NOTICE = NOTICE.replace("一、加强组织领导\n", "一、加强组织领导\n" + "各地要加强组织领导，认真抓好落实。\n" * 700)


def test_only_small_text_and_html_files_are_extracted_on_the_event_loop():
    assert extracts_inline(NOTICE.encode())
    assert extracts_inline(f"<html><body><p>{NOTICE}</p></body></html>".encode())
    assert len(LONG_NOTICE.encode()) > INLINE_BYTES and not extracts_inline(LONG_NOTICE.encode())
    assert not extracts_inline(b"%PDF-1.7\n" + NOTICE.encode())  # however small
    assert not extracts_inline(b"PK\x03\x04" + NOTICE.encode())


async def test_a_dead_worker_process_fails_one_document_and_the_next_gets_a_new_pool():
    worker = ExtractComponent()
    worker._processes, worker._pool = 1, _new_pool(1)
    try:
        data, clauses, documents, failure = await worker._extract(LONG_NOTICE.encode(), "n.txt", "d1")
        event = orjson.loads(data)
        assert (event["doc_id"], documents, failure) == ("d1", 1, None) and clauses >= 1
        assert event["documents"][0]["doc_number"] == "衢政办发〔2033〕2号"
        [pid] = list(worker._pool._processes)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(RuntimeError, match="died while extracting d2"):
            await worker._extract(LONG_NOTICE.encode(), "n.txt", "d2")
        data, *_ = await worker._extract(LONG_NOTICE.encode(), "n.txt", "d3")
        assert orjson.loads(data)["doc_id"] == "d3"
    finally:
        await worker.close()


async def test_a_small_notice_is_extracted_without_the_worker_processes():
    worker = ExtractComponent()
    worker._processes, worker._pool = 1, _new_pool(1)
    try:
        [pid] = list(worker._pool._processes)
        os.kill(pid, signal.SIGKILL)  # the pool is broken, and the small notice never notices
        data, clauses, documents, failure = await worker._extract(NOTICE.encode(), "n.txt", "d1")
        assert (orjson.loads(data)["doc_id"], documents, failure) == ("d1", 1, None) and clauses >= 1
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
