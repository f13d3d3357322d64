"""BatchPublisher against a real JetStream: a batch returns once every message is stored, in order, with its
headers; a refusal or a missing ack fails the batch and leaves nothing waited for."""
from __future__ import annotations

import asyncio

import nats
import pytest
from nats.js.api import StreamConfig
from nats.js.errors import APIError, NoStreamResponseError

from services.runtime.bus import BatchPublisher


@pytest.fixture
async def nc(nats_url):
    nc = await nats.connect(nats_url)
    await nc.jetstream().add_stream(StreamConfig(name="PUBLISHER_TEST", subjects=["publisher.test.>"]))
    yield nc
    await nc.jetstream().delete_stream("PUBLISHER_TEST")
    await nc.close()


async def test_a_batch_is_stored_in_order_with_its_headers(nc):
    publisher = BatchPublisher(nc)
    messages = [(f"publisher.test.{i % 3}", f"event {i}".encode(), {"Nats-Msg-Id": f"id-{i}"}) for i in range(300)]
    await publisher.publish(messages, timeout=5)
    await publisher.publish(messages[:10], timeout=5)  # again: the duplicate window drops them
    js = nc.jetstream()
    assert (await js.stream_info("PUBLISHER_TEST")).state.messages == 300
    last = await js.get_last_msg("PUBLISHER_TEST", "publisher.test.2")
    assert (last.data, last.headers["Nats-Msg-Id"]) == (b"event 299", "id-299")
    assert publisher._waiting == {}


async def test_a_refusal_fails_the_batch(nc):
    publisher = BatchPublisher(nc)
    with pytest.raises(NoStreamResponseError):
        await publisher.publish([("publisher.test.a", b"1", {}), ("publisher.nowhere", b"2", {})], timeout=5)
    with pytest.raises(APIError, match="expected stream does not match"):
        await publisher.publish([("publisher.test.a", b"3", {"Nats-Expected-Stream": "ANOTHER"})], timeout=5)
    assert publisher._waiting == {}


async def test_a_missing_ack_times_out_and_is_not_waited_for_after(nc):
    silent = await nc.subscribe("publisher.silent")  # takes the message, never acknowledges it
    publisher = BatchPublisher(nc)
    with pytest.raises(asyncio.TimeoutError):
        await publisher.publish([("publisher.silent", b"1", {})], timeout=0.3)
    assert publisher._waiting == {}
    await publisher.publish([("publisher.test.b", b"2", {})], timeout=5)  # and it goes on working
    await silent.unsubscribe()
