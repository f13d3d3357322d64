"""`extracted` events whose documents are too big for one NATS message carry `documents_ref` instead: the registry
fetches the object and registers as before; a reference to a missing object dead-letters that message with the
reason and marks the submission failed."""
from __future__ import annotations

import json

import nats
import pytest
from nats.js.api import DeliverPolicy

from services.registry import submissions
from services.registry.component import RegistryComponent
from services.runtime import bus
from services.runtime.config import Settings
from services.runtime.embedded import free_port
from tests.integration.registry.conftest import work_plan
from tests.system import serving
from tests.waiting import eventually


@pytest.fixture(scope="module")
async def js(nats_url, registry_url):
    settings = Settings(nats_url=nats_url, database_url=registry_url, grpc_port=free_port(), metrics_port=0)
    async with serving([RegistryComponent()], settings):
        nc = await nats.connect(nats_url)
        yield nc.jetstream()
        await nc.close()


def _event(doc_id: str, name: str) -> dict:
    return {"doc_id": doc_id, "extractor_version": "1.0.0", "source_file": "big.txt", "warnings": [],
            "failure": None, "documents_ref": {"bucket": bus.EXTRACTIONS_BUCKET, "name": name}}


async def test_referenced_documents_are_registered(js, engine):
    doc_id = "e5" * 32
    name = f"{doc_id}/1.0.0"
    store = await js.object_store(bus.EXTRACTIONS_BUCKET)
    await store.put(name, json.dumps([work_plan("衢政办发〔2024〕31号")], ensure_ascii=False).encode())
    await bus.publish_json(js, bus.SUBJECT_EXTRACTED, _event(doc_id, name), msg_id=f"{doc_id}:1.0.0")

    async def registered():
        status = await submissions.get_status(engine, doc_id)
        return status is not None and status.state == "registered" and status
    status = await eventually(registered)
    assert status and list(status.doc_numbers) == ["衢政办发〔2024〕31号"], status


async def test_missing_object_is_dead_lettered_with_the_reason(js, engine):
    doc_id = "f6" * 32
    letters = await js.subscribe(f"{bus.SUBJECT_DEADLETTER_PREFIX}.registry", ordered_consumer=True,
                                 deliver_policy=DeliverPolicy.NEW)  # not the letters of other tests
    await bus.publish_json(js, bus.SUBJECT_EXTRACTED, _event(doc_id, f"{doc_id}/1.0.0"), msg_id=f"{doc_id}:1.0.0")

    async def failed():
        status = await submissions.get_status(engine, doc_id)
        return status is not None and status.state == "failed" and "not in the object store" in (status.reason or "")
    assert await eventually(failed)
    letter = json.loads((await letters.next_msg(timeout=10)).data)
    await letters.unsubscribe()
    assert doc_id in letter["data"] and "not in the object store" in letter["reason"], letter
