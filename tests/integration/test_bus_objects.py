"""Objects written by put_new_object against a real JetStream: the library's readers and ours read them back
whole, in one chunk or many, and the library's put can replace them."""
from __future__ import annotations

import hashlib

import nats
import pytest
from nats.js.api import ObjectStoreConfig

from services.runtime.bus import get_object, put_new_object

BUCKET = "bus-objects-test"


@pytest.fixture
async def js(nats_url):
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await js.create_object_store(BUCKET, config=ObjectStoreConfig(bucket=BUCKET))
    yield js
    await js.delete_object_store(BUCKET)
    await nc.close()


@pytest.mark.parametrize("size", [1, 128 * 1024, 300_000])  # one chunk, exactly one full chunk, three chunks
async def test_new_object_reads_back_whole(js, size):
    data = bytes(i % 251 for i in range(size))
    name = hashlib.sha256(data).hexdigest()
    await put_new_object(js, BUCKET, name, data)
    store = await js.object_store(BUCKET)
    info = await store.get_info(name)
    assert (info.size, info.chunks) == (size, -(-size // (128 * 1024)))
    assert (await store.get(name)).data == data  # the library checks the digest as it reads
    assert await get_object(js, BUCKET, name) == data


async def test_library_put_replaces_a_new_object_and_its_chunks(js):
    await put_new_object(js, BUCKET, "doc", b"first version")
    store = await js.object_store(BUCKET)
    await store.put("doc", b"second")
    assert (await store.get("doc")).data == b"second"
    # the first version's chunk is purged: one chunk and one meta message are left
    assert (await js.stream_info(f"OBJ_{BUCKET}")).state.messages == 2
