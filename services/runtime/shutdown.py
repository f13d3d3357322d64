"""SIGTERM/SIGINT → an asyncio.Event the main coroutine awaits, then drains (nats.py example habit)."""
from __future__ import annotations

import asyncio
import signal


def install_stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop
