"""The extract worker keeps small results inline in the `extracted` event, and puts results too big for one NATS
message in the extractions bucket under a name fixed by doc_id and extractor version, publishing a reference."""
from __future__ import annotations

import json
from types import SimpleNamespace

from services.extract import EXTRACTOR_VERSION
from services.extract.worker import ExtractComponent
from services.runtime import bus

NOTICE = ("衢州市人民政府办公室关于做好专项工作的通知\n\n衢政办发〔2032〕1号\n\n各县（市、区）人民政府，市政府各部门：\n"
          "现将有关事项通知如下。\n\n一、加强组织领导\n1．9月底前完成专项整治任务。\n责任单位：市数据局\n\n"
          "衢州市人民政府办公室\n2032年3月1日\n")


class FakeStore:
    def __init__(self, objects: dict[str, bytes]):
        self.objects = objects

    async def get_info(self, name):  # read through `get`, as an object of several chunks is
        return SimpleNamespace(chunks=2, is_link=lambda: False, digest="")

    async def get(self, name):
        return SimpleNamespace(data=self.objects[name])

    async def put(self, name, data):
        self.objects[name] = data


class FakeJetStream:
    def __init__(self):
        self.buckets = {bus.ORIGINALS_BUCKET: {"doc": NOTICE.encode()}, bus.EXTRACTIONS_BUCKET: {}}
        self.published = []

    async def object_store(self, bucket):
        return FakeStore(self.buckets[bucket])

    async def publish(self, subject, data, headers=None):
        self.published.append((subject, json.loads(data), headers))
        return SimpleNamespace(duplicate=False)


async def _extract(max_payload: int) -> FakeJetStream:
    js = FakeJetStream()
    worker = ExtractComponent()
    worker._ctx = SimpleNamespace(js=js, nc=SimpleNamespace(max_payload=max_payload))
    msg = SimpleNamespace(data=json.dumps({"doc_id": "doc", "source": "notice.txt"}).encode())
    await worker.handle(msg)
    await worker.handle(msg)  # a redelivery: same object name, same message id
    return js


async def test_small_result_stays_inline():
    js = await _extract(1024 * 1024)
    [(subject, event, headers), _] = js.published
    assert subject == bus.SUBJECT_EXTRACTED and headers["Nats-Msg-Id"] == f"doc:{EXTRACTOR_VERSION}"
    assert len(event["documents"]) == 1 and "documents_ref" not in event
    assert js.buckets[bus.EXTRACTIONS_BUCKET] == {}


async def test_big_result_travels_by_reference():
    js = await _extract(4096 + 100)  # any real result is over this
    [(_, first, headers), (_, again, _)] = js.published
    name = f"doc/{EXTRACTOR_VERSION}"
    assert first == again and headers["Nats-Msg-Id"] == f"doc:{EXTRACTOR_VERSION}"
    assert "documents" not in first and first["documents_ref"] == {"bucket": bus.EXTRACTIONS_BUCKET, "name": name}
    assert (first["doc_id"], first["source_file"], first["failure"]) == ("doc", "notice.txt", None)
    assert list(js.buckets[bus.EXTRACTIONS_BUCKET]) == [name]
    [document] = json.loads(js.buckets[bus.EXTRACTIONS_BUCKET][name])
    assert document["doc_number"] == "衢政办发〔2032〕1号" and document["clauses"]
