"""The registry component in the real process frame: extraction events in, documents out over gRPC,
failures and dead letters mark submissions failed, the relay publishes outbox events with Nats-Msg-Id."""
from __future__ import annotations

import json

import grpc
import nats
import pytest

from duban.registry.v1 import registry_pb2 as pb
from duban.registry.v1 import registry_pb2_grpc
from services.registry import submissions
from services.registry.component import RegistryComponent
from services.runtime import bus
from services.runtime.config import Settings
from services.runtime.embedded import free_port
from tests.integration.registry.conftest import work_plan
from tests.system import serving
from tests.waiting import eventually


@pytest.fixture(scope="module")
async def system(nats_url, registry_url):
    settings = Settings(nats_url=nats_url, database_url=registry_url, grpc_port=free_port(), metrics_port=0)
    async with serving([RegistryComponent()], settings):
        nc = await nats.connect(nats_url)
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{settings.grpc_port}")
        yield nc.jetstream(), registry_pb2_grpc.RegistryServiceStub(channel)
        await channel.close()
        await nc.close()


async def test_extracted_event_is_registered_and_served(system, engine):
    js, stub = system
    doc_id = "a1" * 32
    event = {"doc_id": doc_id, "extractor_version": "1.0.0", "source_file": "plan.txt",
             "documents": [work_plan("衢政办发〔2024〕21号")], "warnings": [], "failure": None}
    await bus.publish_json(js, bus.SUBJECT_EXTRACTED, event, msg_id=f"{doc_id}:1.0.0")

    async def registered():
        status = await submissions.get_status(engine, doc_id)
        return status is not None and status.state == "registered"
    assert await eventually(registered)
    reply = await stub.GetDocument(pb.GetDocumentRequest(id="衢政办发[2024]21号"))
    assert reply.document.version == 1 and reply.document.clause_count == 3
    found = await stub.ListResponsibilities(pb.ListResponsibilitiesRequest(unit="市发改委"))
    assert [r.clause_path for r in found.responsibilities if r.document_id == reply.document.id] == ["1"]


async def test_relay_publishes_outbox_events_with_event_id(system, nats_url):
    js, _ = system
    doc_id = "a4" * 32  # a document of its own: the test runs alone as well (pytest -k)
    event = {"doc_id": doc_id, "extractor_version": "1.0.0", "source_file": "plan.txt",
             "documents": [work_plan("衢政办发〔2024〕24号")], "warnings": [], "failure": None}
    await bus.publish_json(js, bus.SUBJECT_EXTRACTED, event, msg_id=f"{doc_id}:1.0.0")
    sub = await js.subscribe("duban.registry.responsibility.assigned", ordered_consumer=True)
    msg = await sub.next_msg(timeout=10)
    payload = json.loads(msg.data)
    assert msg.headers["Nats-Msg-Id"] == payload["id"] and payload["type"] == msg.subject
    await sub.unsubscribe()


async def test_failure_marks_the_submission_failed(system, engine):
    js, _ = system
    doc_id = "b2" * 32
    await bus.publish_json(js, bus.SUBJECT_EXTRACTED, {"doc_id": doc_id, "extractor_version": "1.0.0",
                                                       "source_file": "x.pdf", "documents": [], "warnings": [],
                                                       "failure": "PDF has no text layer"}, msg_id=f"{doc_id}:1")

    async def failed():
        status = await submissions.get_status(engine, doc_id)
        return status is not None and status.state == "failed" and status.reason == "PDF has no text layer"
    assert await eventually(failed)


async def test_dead_letter_about_a_file_marks_it_failed(system, engine):
    js, _ = system
    doc_id = "c3" * 32
    letter = {"subject": bus.SUBJECT_INGESTED, "stream": "DUBAN_DOCUMENTS", "stream_seq": 7, "deliveries": 5,
              "reason": "failed 5 times; last error: boom", "data": json.dumps({"doc_id": doc_id})}
    await bus.publish_json(js, "duban.deadletter.extract", letter, msg_id="dl-test-1")

    async def failed():
        status = await submissions.get_status(engine, doc_id)
        return status is not None and status.state == "failed" and "boom" in (status.reason or "")
    assert await eventually(failed)


async def test_malformed_extraction_is_dead_lettered_and_marks_failed(system, engine):
    js, _ = system
    doc_id = "d4" * 32
    bad = work_plan("衢政办发〔2024〕22号")
    bad["clauses"][0]["deadlines"][0]["date"] = "10月底"
    await bus.publish_json(js, bus.SUBJECT_EXTRACTED, {"doc_id": doc_id, "extractor_version": "1.0.0",
                                                       "source_file": "x.txt", "documents": [bad]},
                           msg_id=f"{doc_id}:1")

    async def failed():
        status = await submissions.get_status(engine, doc_id)
        return status is not None and status.state == "failed" and "ISO date" in (status.reason or "")
    assert await eventually(failed)
