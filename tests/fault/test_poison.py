"""Poison messages end in `duban.deadletter.<stage>` with their reason — at once when they can never be processed,
after DUBAN_MAX_DELIVER attempts when they keep failing — and the documents behind them keep flowing. A dependency
that is down is not the message's fault: such failures are told apart and use up no attempt."""
from __future__ import annotations

import asyncio
import json

import asyncpg
import nats
import nats.errors
import pytest

from duban.ingest.v1.ingest_pb2 import INGEST_STATE_REGISTERED
from services.runtime import bus
from services.runtime.unavailable import is_unavailable
from tests.fault.conftest import (
    doc_number,
    document_text,
    fresh_database,
    registered_numbers,
    running,
    submit,
    wait_states,
)

pytestmark = pytest.mark.fault


async def dead_letters(nats_url: str) -> list[tuple[str, dict]]:
    """Every message in the dead-letter stream, as (subject, body)."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        info = await js.stream_info("DUBAN_DEADLETTER")
        letters = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            msg = await js.get_msg("DUBAN_DEADLETTER", seq)
            letters.append((msg.subject, json.loads(msg.data)))
        return letters
    finally:
        await nc.close()


async def publish_raw(nats_url: str, subject: str, data: bytes, msg_id: str) -> None:
    nc = await nats.connect(nats_url)
    try:
        await nc.jetstream().publish(subject, data, headers={"Nats-Msg-Id": msg_id})
    finally:
        await nc.close()


async def test_poison_messages_are_dead_lettered_and_the_rest_flow(nats, database_url):
    url = await fresh_database(database_url, "poison")
    async with running(nats.url, url, ("ingest", "extract", "registry")) as address:
        # Never processable: not JSON. Keeps failing: names an original that was never stored.
        await publish_raw(nats.url, bus.SUBJECT_INGESTED, b"\x00{not json", "poison-1")
        await publish_raw(nats.url, bus.SUBJECT_INGESTED,
                          json.dumps({"doc_id": "f" * 64, "source": "missing.txt"}).encode(), "poison-2")
        # Never processable: the original it carries is not the file its doc_id names.
        await publish_raw(nats.url, bus.SUBJECT_INGESTED,
                          json.dumps({"doc_id": "e" * 64, "source": "forged.txt", "original": "Zm9yZ2Vk"}).encode(),
                          "poison-3")
        doc_ids = [await submit(address, f"n{n}.txt", document_text(n).encode()) for n in (501, 502)]
        states = await wait_states(address, doc_ids, timeout=30)
        assert set(states.values()) == {INGEST_STATE_REGISTERED}, states
        assert sorted(await registered_numbers(address)) == [doc_number(501), doc_number(502)]

        letters = []
        for _ in range(100):  # the missing original is retried with back-off (1 s, 2 s) before it is given up
            letters = await dead_letters(nats.url)
            if len(letters) >= 3:
                break
            await asyncio.sleep(0.2)
    by_data = {body["data"]: (subject, body) for subject, body in letters}
    assert len(letters) == 3, letters
    for marker, reason in (("{not json", "malformed"), ("forged.txt", "does not match its doc_id")):
        [(subject, letter)] = [pair for data, pair in by_data.items() if marker in data]
        assert subject == "duban.deadletter.extract"
        assert letter["deliveries"] == 1 and reason in letter["reason"], letter
    [(subject, missing)] = [pair for data, pair in by_data.items() if "missing.txt" in data]
    assert subject == "duban.deadletter.extract"
    assert missing["deliveries"] == 3  # DUBAN_MAX_DELIVER=3 in these tests
    assert "failed 3 times" in missing["reason"] and "f" * 64 in missing["data"]


def _raised_from(outer: Exception, cause: Exception) -> Exception:
    try:
        try:
            raise cause
        except Exception as inner:
            raise outer from inner
    except Exception as chained:
        return chained


UNAVAILABLE_CASES = [
    (ConnectionRefusedError(111, "Connect call failed"), True),
    (asyncpg.exceptions.CannotConnectNowError("the database system is starting up"), True),
    (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"), True),
    (nats.errors.ConnectionClosedError(), True),
    (_raised_from(RuntimeError("store failed"), ConnectionResetError()), True),  # found down the chain
    (ValueError("bad date"), False),
    (KeyError("doc_id"), False),
    (asyncpg.exceptions.UniqueViolationError("duplicate key"), False),
    (TimeoutError(), False),  # a slow query may be the message's own fault
    (bus.PoisonMessage("malformed"), False),
]


@pytest.mark.parametrize("exc,unavailable", UNAVAILABLE_CASES, ids=[repr(c[0])[:40] for c in UNAVAILABLE_CASES])
def test_unavailable_dependency_is_told_from_a_bad_message(exc, unavailable):
    assert is_unavailable(exc) is unavailable
