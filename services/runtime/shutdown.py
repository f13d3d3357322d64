"""SIGTERM/SIGINT → an asyncio.Event the main coroutine awaits, then drains (nats.py example habit); and the
sleep that every background loop takes between passes, cut short by that event."""
from __future__ import annotations

import asyncio
import signal


def install_stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def pause(stop: asyncio.Event, seconds: float, wake: asyncio.Event | None = None) -> None:
    """Sleep up to `seconds`, less if `stop` (or `wake`, which is then cleared) is set."""
    waiters = [asyncio.ensure_future(e.wait()) for e in (stop, wake) if e is not None]
    await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for waiter in waiters:
        waiter.cancel()
    if wake is not None:
        wake.clear()
