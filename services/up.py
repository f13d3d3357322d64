"""`duban up`: the whole system on one machine — embedded NATS and PostgreSQL (unless DUBAN_NATS_URL /
DUBAN_DATABASE_URL point at real servers), migrations, then ingest, extract, registry and notify in one process
serving one gRPC port, with worker processes beside it that share the background work (services/workers.py).
"""
from __future__ import annotations

import asyncio
import fcntl
import os
from contextlib import ExitStack
from datetime import date
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
LOOPBACK_ALLOW = "127.0.0.0/8,::1,localhost"


class AlreadyRunning(SystemExit):
    pass


def _lock_data_dir(data_dir: Path, stack: ExitStack) -> None:
    """One `duban up` per data dir. flock dies with its process, so a crash never leaves a stale lock."""
    pidfile = data_dir / "duban.pid"
    fh = open(pidfile, "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.seek(0)
        raise AlreadyRunning(f"duban up: another instance (pid {fh.read().strip() or '?'}) runs on {data_dir}")
    fh.seek(0)
    fh.truncate()
    fh.write(str(os.getpid()))
    fh.flush()
    stack.callback(fh.close)
    stack.callback(lambda: pidfile.unlink(missing_ok=True))


def run_up(args) -> int:
    from services.registry.migrate import upgrade
    from services.runtime.config import Settings
    from services.runtime.embedded import start_nats, start_postgres

    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        _lock_data_dir(data_dir, stack)
        nats_url = os.environ.get("DUBAN_NATS_URL")
        if not nats_url:
            nats = start_nats(data_dir / "nats")
            stack.callback(nats.stop)
            nats_url = nats.url
        database_url = os.environ.get("DUBAN_DATABASE_URL")
        if not database_url:
            postgres = start_postgres(data_dir / "postgres")
            stack.callback(postgres.stop)
            database_url = postgres.url
        upgrade(database_url)
        # notify builds digest links from the environment (in this process and the workers); they must point at
        # this workbench.
        os.environ.setdefault("DUBAN_WEB_BASE_URL", f"http://127.0.0.1:{args.web_port}")
        env = {**os.environ, "DUBAN_NATS_URL": nats_url, "DUBAN_DATABASE_URL": database_url,
               "DUBAN_GRPC_PORT": str(args.grpc_port), "DUBAN_METRICS_PORT": str(args.metrics_port),
               "DUBAN_WEB_PORT": str(args.web_port)}
        env.setdefault("DUBAN_WEBHOOK_ALLOW", LOOPBACK_ALLOW)  # local receivers work out of the box
        settings = Settings.from_env(env)
        asyncio.run(_serve(settings, args, env))
    return 0


async def _serve(settings, args, env: dict[str, str]) -> None:
    from services.cli import _components
    from services.runtime.app import run
    from services.runtime.shutdown import install_stop_event
    from services.web.component import WebComponent
    from services.workers import default_worker_count, supervise_workers

    ready, stop = asyncio.Event(), install_stop_event()
    # The workbench listens on loopback only: `duban up` leaves access open when no tokens are configured.
    components = [*_components(["ingest", "extract", "registry", "notify"]), WebComponent(host="127.0.0.1")]
    system = asyncio.create_task(run(components, settings, ready=ready, stop=stop))
    done, _ = await asyncio.wait([system, asyncio.create_task(ready.wait())], return_when=asyncio.FIRST_COMPLETED)
    if system in done:
        system.result()  # start-up failed: raise its error
        return
    count = default_worker_count() if args.workers is None else args.workers
    workers = asyncio.create_task(supervise_workers(count, env, stop))
    try:
        address = f"127.0.0.1:{settings.grpc_port}"
        print(f"duban is up: gRPC (all services, health, reflection) on {address}; "
              f"web workbench on http://127.0.0.1:{settings.web_port}/; {count} worker process(es) beside this "
              "one; Ctrl-C or SIGTERM stops it", flush=True)
        if args.examples:
            await _ingest_examples(address)
        if args.watch:
            from services.ingest.watcher import watch_folder
            asyncio.create_task(watch_folder(Path(args.watch), address, stop))
        await system
    finally:
        stop.set()  # the workers stop with the main process, however it ended
        await workers


async def _ingest_examples(address: str) -> None:
    from services.ingest.client import expand_paths, ingest_paths
    results = await ingest_paths(address, expand_paths([str(EXAMPLES_DIR)]), wait=True, timeout=120)
    for r in results:
        print(f"  {r.state:<10} {Path(r.path).name}  {r.detail}", flush=True)
    print(await summary_text(address), flush=True)


async def summary_text(address: str, today: date | None = None) -> str:
    """Documents, clauses, units and upcoming deadlines, as the registry reports them over gRPC."""
    import grpc

    from duban.registry.v1 import registry_pb2 as pb
    from duban.registry.v1 import registry_pb2_grpc
    today_iso = (today or date.today()).isoformat()
    async with grpc.aio.insecure_channel(address) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        documents, token = [], ""
        while True:
            page = await stub.ListDocuments(pb.ListDocumentsRequest(page_size=500, page_token=token))
            documents.extend(page.documents)
            if not (token := page.next_page_token):
                break
        responsibilities, token = [], ""
        while True:
            page = await stub.ListResponsibilities(pb.ListResponsibilitiesRequest(page_size=500, page_token=token))
            responsibilities.extend(page.responsibilities)
            if not (token := page.next_page_token):
                break
    units = {r.canonical_unit or r.unit for r in responsibilities}
    upcoming = sorted({(r.due_date, r.doc_number, r.clause_path) for r in responsibilities
                       if r.due_date and r.due_date >= today_iso})
    lines = ["", "summary:",
             f"  documents: {len(documents)}",
             f"  clauses:   {sum(d.clause_count for d in documents)}",
             f"  units:     {len(units)}",
             f"  upcoming deadlines: {len(upcoming)}"]
    lines += [f"    {due}  {doc} {path}" for due, doc, path in upcoming[:10]]
    return "\n".join(lines)
