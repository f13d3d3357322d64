"""From registry writes to one signed digest per (unit, document): the registry's own store writes a document
and its outbox events; notify queues them, waits for the document to go quiet, and sends one message each."""
from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass
from types import SimpleNamespace
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from services.notify import subscriptions
from services.notify.batching import DIGEST_ATTEMPTS, flush_ready, record_assignments
from services.notify.channels.webhook import AddressPolicy, WebhookSender
from services.notify.deliveries import Dispatcher
from services.notify.subscriptions import SubscriptionSpec
from services.registry.store import store_extraction
from tests.integration.notify.conftest import signature_matches, work_plan

pytestmark = pytest.mark.usefixtures("empty_notify_tables")
QUIET = timedelta(seconds=2)
BASE = "http://web.example"


async def _assigned_events(engine, doc_number):
    async with engine.connect() as conn:
        rows = await conn.execute(text(
            "SELECT payload FROM outbox WHERE subject = 'duban.registry.responsibility.assigned' "
            "AND payload->'document'->>'doc_number' = :n ORDER BY seq"), {"n": doc_number})
        return [r.payload for r in rows]


async def _subscribe(engine, directory, clock, unit, url, **kw):
    async with engine.begin() as conn:
        return await subscriptions.create(conn, SubscriptionSpec(unit=unit, webhook_url=url, **kw), directory,
                                          clock.now())


async def _queue(engine, events, clock):
    async with engine.begin() as conn:
        return await record_assignments(conn, events, clock.now())


async def test_one_digest_per_unit_and_document(engine, directory, clock, receiver):
    data_bureau = await _subscribe(engine, directory, clock, "市数据局", receiver.url + "/data")
    county = await _subscribe(engine, directory, clock, "龙游县人民政府", receiver.url + "/county")
    await _subscribe(engine, directory, clock, "市财政局", receiver.url + "/finance",
                     event_types=("deadline.reminder",))
    await store_extraction(engine, directory, doc_id="a" * 64, extractor_version="1.0.0", source_file="plan.txt",
                           documents=[work_plan("衢政办发〔2026〕91号")])
    events = await _assigned_events(engine, "衢政办发〔2026〕91号")
    assert len(events) == 5

    assert await _queue(engine, events, clock) == 3  # data bureau ×2, county via its group ×1
    assert await _queue(engine, events[:2], clock) == 0  # a redelivered event adds nothing
    assert await _queue(engine, [events[0], events[0]], clock) == 0  # nor twice in one batch
    assert await flush_ready(engine, clock.now(), QUIET, BASE) == 0  # not quiet yet
    clock.advance(QUIET)
    replicas = await asyncio.gather(*(flush_ready(engine, clock.now(), QUIET, BASE) for _ in range(3)))
    assert sum(replicas) == 2  # two digests, however many replicas flush at once
    assert await flush_ready(engine, clock.now(), QUIET, BASE) == 0

    sender = WebhookSender(clock, AddressPolicy(["127.0.0.0/8"]))
    await Dispatcher(engine, {"webhook": sender}, clock, rng=random.Random(1)).run_once()
    await sender.close()

    [data_msg] = [r for r in receiver.received if r.path == "/hook/data"]
    [county_msg] = [r for r in receiver.received if r.path == "/hook/county"]
    assert not [r for r in receiver.received if r.path == "/hook/finance"]
    assert signature_matches(data_bureau.secret, data_msg.headers, data_msg.body)
    assert signature_matches(county.secret, county_msg.headers, county_msg.body)

    digest = json.loads(data_msg.body)
    assert digest["type"] == "responsibility.assigned"
    data = digest["data"]
    assert data["document"]["doc_number"] == "衢政办发〔2026〕91号" and data["count"] == 2
    first, second = data["responsibilities"]
    assert (first["clause_path"], first["role"], second["clause_path"], second["role"]) == (
        "1", "lead", "2", "responsible")
    assert first["text"].startswith("建设一体化公共数据平台")
    assert first["deadlines"] == [{"text": "6月底前", "date": "2026-06-30", "kind": "due"}]
    assert first["targets"][0]["text"] == "数据共享率达到95%以上"
    assert first["url"].startswith(BASE + "/documents/")

    county_data = json.loads(county_msg.body)["data"]
    [task] = county_data["responsibilities"]
    assert (task["clause_path"], task["unit"], county_data["unit"]) == ("3", "各县（市、区）政府", "龙游县人民政府")


async def test_new_version_digests_only_new_responsibilities(engine, directory, clock, receiver):
    await _subscribe(engine, directory, clock, "市数据局", receiver.url)
    first = work_plan("衢政办发〔2026〕92号")
    await store_extraction(engine, directory, doc_id="b" * 64, extractor_version="1.0.0", source_file="p.txt",
                           documents=[first])
    second = work_plan("衢政办发〔2026〕92号")
    second["clauses"][3]["units"].append({"name": "市数据局", "role": "support"})
    await store_extraction(engine, directory, doc_id="c" * 64, extractor_version="1.0.0", source_file="p.txt",
                           documents=[second])
    events = await _assigned_events(engine, "衢政办发〔2026〕92号")
    await _queue(engine, events, clock)
    clock.advance(QUIET)
    assert await flush_ready(engine, clock.now(), QUIET, BASE) == 2  # version 1 and version 2, one each
    async with engine.connect() as conn:
        counts = sorted((await conn.execute(text(
            "SELECT jsonb_array_length(payload->'data'->'responsibilities') FROM notify_deliveries"))).scalars())
    assert counts == [1, 2]


async def test_lean_prefilter_agrees_with_matching(engine, notify_url, directory, clock, receiver):
    """The one-read check that lets notify skip assignments nobody subscribed to says yes exactly where the
    transactional match finds a subscription: the unit itself, and a member for its group's key."""
    from services.runtime.db import open_statement_pool
    await _subscribe(engine, directory, clock, "龙游县人民政府", receiver.url + "/county")
    pool = await open_statement_pool(notify_url, size=1)
    try:
        for printed in ("龙游县人民政府", "各县（市、区）政府", "市财政局", "市数据局"):
            key = directory.storage_key(printed, None)[0]
            async with engine.connect() as conn:
                expected = bool(await subscriptions.matching(conn, [key]))
            assert bool(await subscriptions.concerned_keys(pool, [key])) is expected, printed
        keys = [directory.storage_key(printed, None)[0] for printed in ("各县（市、区）政府", "市财政局", "龙游县人民政府")]
        assert await subscriptions.concerned_keys(pool, keys) == {keys[0], keys[2]}
    finally:
        await pool.close()


@dataclass(frozen=True)
class _Msg:  # what settle_batch reads of a JetStream message
    subject: str
    data: bytes


async def test_a_batch_settles_assignments_and_silent_events_and_leaves_the_rest(engine, notify_url, directory,
                                                                                 clock, receiver):
    """Notify's batch path settles the events nobody must hear of (assignments to units no subscription concerns,
    a first version's deadlines, events no notice answers) and queues, in one transaction, the assignments that
    do concern a subscription. Malformed events are left to the one-by-one handler."""
    from services.notify.component import NotifyComponent
    from services.runtime.db import open_statement_pool
    await _subscribe(engine, directory, clock, "市数据局", receiver.url + "/data")
    await store_extraction(engine, directory, doc_id="e" * 64, extractor_version="1.0.0", source_file="q.txt",
                           documents=[work_plan("衢政办发〔2026〕95号")])
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT subject, payload::text FROM outbox WHERE payload->'document'->>'doc_number' = :n ORDER BY seq"),
            {"n": "衢政办发〔2026〕95号"})).all()
    msgs = [_Msg(subject, payload.encode()) for subject, payload in rows]
    msgs.append(_Msg("duban.registry.document.expired", b'{"id": "z", "document": {"id": "d"}}'))
    odd = [_Msg("duban.registry.responsibility.assigned", b"{not json"),
           _Msg("duban.registry.responsibility.assigned", b'{"id": "x", "document": {}}'),
           _Msg("duban.registry.deadline.changed", b'{"id": "y", "document": {}, "deadline": {}}')]
    component = NotifyComponent(clock=clock)
    component._read_pool = await open_statement_pool(notify_url, size=1)
    try:
        component._ctx = SimpleNamespace(engine=engine)  # all settle_batch uses of the runtime context
        settled = await component.settle_batch([*msgs, *odd])
    finally:
        await component._read_pool.close()

    def for_data_bureau(msg) -> bool:
        return json.loads(msg.data).get("responsibility", {}).get("unit") == "市数据局"
    assigned = [m for m in msgs if m.subject.endswith(".responsibility.assigned")]
    assert len(assigned) == 5 and sum(map(for_data_bureau, assigned)) == 2
    assert any(m.subject.endswith(".deadline.added") for m in msgs)
    assert set(settled) == set(msgs)  # nothing odd settled
    async with engine.connect() as conn:
        queued = (await conn.execute(text(
            "SELECT item->>'unit' FROM notify_digest_items WHERE document_id = :doc"),
            {"doc": json.loads(assigned[0].data)["document"]["id"]})).scalars().all()
    assert queued == ["市数据局", "市数据局"]


async def test_no_digest_for_a_document_no_longer_in_force(engine, directory, clock, receiver):
    """An old gazette ingested for the record: its tasks are stored (cancelled) but announce nothing."""
    await _subscribe(engine, directory, clock, "市数据局", receiver.url + "/data")
    expired = {**work_plan("衢政办发〔2019〕93号"), "expiry_date": "2020-12-31"}
    await store_extraction(engine, directory, doc_id="c" * 64, extractor_version="1.0.0", source_file="old.txt",
                           documents=[expired])
    events = await _assigned_events(engine, "衢政办发〔2019〕93号")
    assert events  # the registry still records the assignments
    assert await _queue(engine, events, clock) == 0
    await store_extraction(engine, directory, doc_id="d" * 64, extractor_version="1.0.0", source_file="new.txt",
                           documents=[work_plan("衢政办发〔2026〕93号")])
    assert await _queue(engine, await _assigned_events(engine, "衢政办发〔2026〕93号"), clock) == 2


async def test_a_digest_that_cannot_be_made_holds_up_only_itself(engine, directory, clock, receiver):
    """The pass makes its digests in one transaction; one broken group sends it back to one digest at a time,
    and the others still go out."""
    sub = await _subscribe(engine, directory, clock, "市数据局", receiver.url + "/data")
    await store_extraction(engine, directory, doc_id="f" * 64, extractor_version="1.0.0", source_file="r.txt",
                           documents=[work_plan("衢政办发〔2026〕96号")])
    assert await _queue(engine, await _assigned_events(engine, "衢政办发〔2026〕96号"), clock) == 2
    async with engine.begin() as conn:  # an item no digest can be made of (written by hand, or by a bug)
        await conn.execute(text(
            "INSERT INTO notify_digest_items (subscription_id, event_id, document_id, document_version, item, "
            "received_at) VALUES (:sub, 'broken', 'broken-doc', 1, CAST('{\"document\": {}}' AS jsonb), :now)"),
            {"sub": sub.id, "now": clock.now()})
    clock.advance(QUIET)
    assert await flush_ready(engine, clock.now(), QUIET, BASE) == 1

    async def broken_item():
        async with engine.connect() as conn:
            return (await conn.execute(text(
                "SELECT attempts, last_error, flushed_at, received_at FROM notify_digest_items "
                "WHERE event_id = 'broken'"))).one()

    async def waiting():
        async with engine.connect() as conn:
            return (await conn.execute(text(
                "SELECT event_id FROM notify_digest_items WHERE flushed_at IS NULL"))).scalars().all()

    assert await waiting() == ["broken"]
    item = await broken_item()
    assert item.attempts == 1 and "KeyError" in item.last_error and item.received_at > clock.now()
    assert await flush_ready(engine, clock.now(), QUIET, BASE) == 0  # set back: not tried again at once
    assert (await broken_item()).attempts == 1

    given_up = REGISTRY.get_sample_value("duban_digests_given_up_total") or 0
    for attempt in range(2, DIGEST_ATTEMPTS + 1):  # tried alone from now on, each wait twice the last
        clock.advance(QUIET * 2 ** attempt)
        assert await flush_ready(engine, clock.now(), QUIET, BASE) == 0
        assert (await broken_item()).attempts == attempt
    item = await broken_item()
    assert item.flushed_at == clock.now() and "KeyError" in item.last_error and await waiting() == []
    assert REGISTRY.get_sample_value("duban_digests_given_up_total") == given_up + 1
    clock.advance(timedelta(days=1))
    assert await flush_ready(engine, clock.now(), QUIET, BASE) == 0
    assert (await broken_item()).attempts == DIGEST_ATTEMPTS  # given up: never tried again


async def test_an_assignment_missing_what_a_digest_needs_is_poison_at_once(engine, clock):
    """Retrying cannot give an event the fields it lacks: the one-by-one handler dead-letters it at once."""
    from services.notify.component import NotifyComponent
    from services.runtime.bus import PoisonMessage
    component = NotifyComponent(clock=clock)
    component._ctx = SimpleNamespace(engine=engine)
    event = {"id": "e1", "document": {"id": "d1"}, "responsibility": {"unit": "市数据局", "unit_key": "市数据局"}}
    with pytest.raises(PoisonMessage, match="unit_key, clause or role"):
        await component.handle(_Msg("duban.registry.responsibility.assigned", json.dumps(event).encode()))
