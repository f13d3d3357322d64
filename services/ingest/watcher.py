"""`duban up --watch DIR`: every file that appears (or changes) in DIR is submitted through IngestService.

Submission is idempotent by content hash, so a file seen twice, or again after a restart, changes nothing.
"""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from watchfiles import Change, awatch

from services.ingest.client import expand_paths, ingest_paths

log = logging.getLogger("duban.watch")


async def watch_folder(folder: Path, address: str, stop: asyncio.Event) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    existing = expand_paths([str(folder)])
    if existing:  # files dropped while we were down
        await _submit(existing, address)
    async for changes in awatch(folder, stop_event=stop, debounce=500, recursive=True):
        paths = sorted({Path(p) for change, p in changes
                        if change in (Change.added, Change.modified) and Path(p).is_file()
                        and not Path(p).name.startswith(".")})
        if paths:
            await _submit(paths, address)


async def _submit(paths: list[Path], address: str) -> None:
    for result in await ingest_paths(address, paths, wait=False, timeout=0):
        log.info("watched file submitted", extra={"path": result.path, "state": result.state,
                                                  "doc_id": result.doc_id, "detail": result.detail})
