"""`duban ingest`: submit files through IngestService and optionally wait until the registry holds them."""
from __future__ import annotations

import asyncio
import glob
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc

from duban.ingest.v1 import ingest_pb2, ingest_pb2_grpc

CHUNK_BYTES = 1024 * 1024
_FINAL = {ingest_pb2.INGEST_STATE_REGISTERED, ingest_pb2.INGEST_STATE_FAILED}


@dataclass
class IngestResult:
    path: str
    doc_id: str = ""
    state: str = "submitted"
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.state in ("submitted", "registered", "duplicate")


def expand_paths(items: list[str]) -> list[Path]:
    """Files, folders (recursively) and globs → sorted unique files."""
    found: list[Path] = []
    for item in items:
        matches = [Path(m) for m in glob.glob(item, recursive=True)] or [Path(item)]
        for path in matches:
            if path.is_dir():
                found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith("."))
            else:
                found.append(path)
    return list(dict.fromkeys(found))


async def _chunks(path: Path) -> AsyncIterator[ingest_pb2.SubmitDocumentRequest]:
    with path.open("rb") as fh:
        first = True
        while True:
            data = fh.read(CHUNK_BYTES)
            if not data and not first:
                return
            yield ingest_pb2.SubmitDocumentRequest(filename=path.name if first else "", chunk=data)
            first = False
            if not data:
                return


async def submit_and_wait(stub, path: Path, wait: bool, timeout: float, metadata) -> IngestResult:
    result = IngestResult(str(path))
    if not path.is_file():
        result.state, result.detail = "error", "no such file"
        return result
    try:
        if path.stat().st_size <= CHUNK_BYTES:  # one message: cheaper for both sides than a stream of one chunk
            reply = await stub.SubmitSmallDocument(ingest_pb2.SubmitSmallDocumentRequest(
                filename=path.name, content=path.read_bytes()), metadata=metadata)
        else:
            reply = await stub.SubmitDocument(_chunks(path), metadata=metadata)
    except grpc.aio.AioRpcError as exc:
        result.state, result.detail = "refused", exc.details() or exc.code().name
        return result
    result.doc_id = reply.doc_id
    if not wait:
        result.state = "duplicate" if reply.duplicate else "submitted"
        return result
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = await stub.GetIngestStatus(ingest_pb2.GetIngestStatusRequest(doc_id=reply.doc_id),
                                            metadata=metadata)
        if status.state in _FINAL:
            if status.state == ingest_pb2.INGEST_STATE_FAILED:
                result.state, result.detail = "failed", status.reason
            else:
                result.state, result.detail = "registered", ", ".join(status.doc_numbers)
            return result
        await asyncio.sleep(0.1)
    result.state, result.detail = "timeout", f"not registered within {timeout:.0f}s"
    return result


async def ingest_paths(server: str, paths: list[Path], *, wait: bool, timeout: float,
                       token: str | None = None, on_done=None) -> list[IngestResult]:
    """Submit `paths` (8 at a time); `on_done(result)` is called as each finishes (for progress display)."""
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    async with grpc.aio.insecure_channel(server) as channel:
        stub = ingest_pb2_grpc.IngestServiceStub(channel)
        semaphore = asyncio.Semaphore(8)

        async def one(path: Path) -> IngestResult:
            async with semaphore:
                try:
                    result = await submit_and_wait(stub, path, wait, timeout, metadata)
                except grpc.aio.AioRpcError as exc:
                    result = IngestResult(str(path), state="error", detail=exc.details() or exc.code().name)
            if on_done:
                on_done(result)
            return result
        return await asyncio.gather(*(one(p) for p in paths))


def run_ingest_cli(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    err = Console(stderr=True)
    paths = expand_paths(args.files)
    if not paths:
        err.print("duban ingest: no files matched")
        return 2
    token = args.token or os.environ.get("DUBAN_TOKEN")
    with Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("files", total=len(paths))
        results = asyncio.run(ingest_paths(args.server, paths, wait=args.wait, timeout=args.timeout, token=token,
                                           on_done=lambda _r: progress.advance(task)))
    table = Table(title=f"{len(paths)} file(s) → {args.server}")
    for column in ("state", "doc id", "file", "detail"):
        table.add_column(column)
    for r in results:
        table.add_row(r.state if r.ok else f"[red]{r.state}[/red]", r.doc_id[:12] or "-", r.path, r.detail)
    Console(width=max(120, Console().width)).print(table)
    failed = [r for r in results if not r.ok]
    err.print(f"{len(results) - len(failed)} ok, {len(failed)} failed")
    return 1 if failed else 0
