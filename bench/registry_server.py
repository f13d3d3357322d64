"""RegistryService alone on a port, for the benchmark's separate client process: `registry_server.py URL PORT`."""
from __future__ import annotations

import asyncio
import sys

import grpc

from duban.registry.v1 import registry_pb2_grpc
from services.registry.api import RegistryServicer
from services.runtime.db import open_statement_pool
from services.registry.units import load_directory


async def serve(database_url: str, port: int) -> None:
    pool = await open_statement_pool(database_url)
    server = grpc.aio.server()
    registry_pb2_grpc.add_RegistryServiceServicer_to_server(RegistryServicer(pool, load_directory()), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    print("ready", flush=True)
    await server.wait_for_termination()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], int(sys.argv[2])))
