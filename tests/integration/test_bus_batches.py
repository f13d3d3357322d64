"""run_pull_consumer's batch path: what the batch handler takes is acked; the rest, or everything when it fails,
goes through the one-by-one handler."""
from __future__ import annotations

import asyncio

import nats
from nats.js.api import StreamConfig

from services.runtime import bus


async def _consume(nats_url: str, stream: str, batch_handler, count: int = 6) -> tuple[list[bytes], int]:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    subject = f"{stream.lower()}.work"
    await js.add_stream(StreamConfig(name=stream, subjects=[f"{stream.lower()}.>"]))
    for i in range(count):
        await js.publish(subject, str(i).encode())
    one_by_one: list[bytes] = []
    stop = asyncio.Event()

    async def handler(msg) -> None:
        one_by_one.append(msg.data)
        if len(one_by_one) >= count - 3:
            stop.set()

    task = asyncio.create_task(bus.run_pull_consumer(js, stream=stream, durable="batches", subject=subject,
                                                     handler=handler, batch_handler=batch_handler, stop=stop,
                                                     max_deliver=3, batch=count))
    try:
        await asyncio.wait_for(stop.wait(), 10)
        await asyncio.sleep(0.3)  # let the acks reach the server
        pending = (await js.consumer_info(stream, "batches")).num_ack_pending
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
        await js.delete_stream(stream)
        await nc.close()
    return sorted(one_by_one), pending


async def test_batch_handler_takes_some_and_the_rest_go_one_by_one(nats_url):
    taken: list[bytes] = []

    async def odd_ones(msgs):
        mine = [m for m in msgs if int(m.data) % 2]
        taken.extend(m.data for m in mine)
        return mine

    one_by_one, pending = await _consume(nats_url, "BATCHES_SOME", odd_ones)
    assert sorted(taken) == [b"1", b"3", b"5"] and one_by_one == [b"0", b"2", b"4"]
    assert pending == 0


async def test_a_failing_batch_handler_leaves_every_message_to_the_handler(nats_url):
    async def broken(msgs):
        raise RuntimeError("PostgreSQL said no")

    one_by_one, pending = await _consume(nats_url, "BATCHES_FAIL", broken)
    assert one_by_one == [b"0", b"1", b"2", b"3", b"4", b"5"] and pending == 0
