"""Waiting for an eventual state in tests: poll, without asserting speed."""
from __future__ import annotations

import asyncio


async def eventually(check, timeout: float = 10.0):
    """Await `check()` until it returns something truthy or `timeout` s pass; return its last result."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.1)
