"""Load generator for ListResponsibilities, run as its own process: open loop at a fixed rate (latency counted
from each request's scheduled time, so a stalled server cannot hide its queue), then closed loop for the
maximum rate. Prints one JSON object.

`registry_client.py ADDRESS UNIT QPS SECONDS [CONCURRENCY]`
"""
from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time

import grpc

from duban.registry.v1 import registry_pb2 as pb
from duban.registry.v1 import registry_pb2_grpc


def _percentiles(latencies: list[float]) -> dict:
    cuts = statistics.quantiles(latencies, n=100)
    return {"p50_ms": round(cuts[49] * 1000, 2), "p99_ms": round(cuts[98] * 1000, 2),
            "max_ms": round(max(latencies) * 1000, 2)}


async def open_loop(stub, request, qps: float, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def one(scheduled: float) -> None:
        nonlocal errors
        try:
            await stub.ListResponsibilities(request)
        except grpc.aio.AioRpcError:
            errors += 1
            return
        latencies.append(loop.time() - scheduled)

    tasks = []
    for i in range(int(qps * seconds)):
        scheduled = start + i / qps
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    return {"mode": "open", "target_qps": qps, "achieved_qps": round(len(latencies) / elapsed, 1),
            "requests": len(latencies), "errors": errors, **_percentiles(latencies)}


async def closed_loop(stub, request, concurrency: int, seconds: float) -> dict:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            await stub.ListResponsibilities(request)
            latencies.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - t0
    return {"mode": "closed", "concurrency": concurrency, "achieved_qps": round(len(latencies) / elapsed, 1),
            "requests": len(latencies), **_percentiles(latencies)}


async def main(address: str, unit: str, qps: float, seconds: float, concurrency: int) -> None:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        request = pb.ListResponsibilitiesRequest(unit=unit, page_size=50)
        first = await stub.ListResponsibilities(request)
        for _ in range(200):  # warm-up: connection pool, plan cache
            await stub.ListResponsibilities(request)
        results = {"unit": unit, "page_rows": len(first.responsibilities),
                   "open": await open_loop(stub, request, qps, seconds),
                   "closed": await closed_loop(stub, request, concurrency, seconds)}
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(main(args[0], args[1], float(args[2]), float(args[3]), int(args[4]) if len(args) > 4 else 16))
