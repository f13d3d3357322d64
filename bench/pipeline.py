"""Pipeline benchmark: synthetic notices through ingest → extract → registry → notify, against the machine's raw
limits measured in the same run.

    .venv/bin/python bench/pipeline.py --count 1000 [--latency-docs 200 --latency-rate 5] [--profile DIR]

1. Starts nats-server and PostgreSQL as the tests do (services.runtime.embedded) under a fresh /tmp directory,
   migrates, and measures the raw limits there (bench/raw_limits.py), best of --raw-repeats.
2. Runs the system (ingest, extract, registry, notify: what `duban up` runs, less the web workbench) in child
   processes (--layout) on those servers, and subscribes a local HTTP receiver, through NotifyService.CreateSubscription, to a
   county government that every synthetic notice names through 各县（市、区）政府: one webhook per notice.
3. Throughput: submits --count notices (bench/synthetic.py) through IngestService.SubmitSmallDocument (one message
   each; --stream: SubmitDocument), --concurrency at a time, and polls the submissions table until every one is
   registered (or failed).
   docs/s and clauses/s are over the wall time from the first submission to the last registration.
4. Latency: submits --latency-docs more notices at --latency-rate per second (below capacity, so the figure is
   the pipeline's own delay, not the backlog's) and measures, per notice, submission → registered (the
   submission row's update time) and submission → its webhook arriving: p50/p99.
5. Ratios: the raw limits are turned into documents/s with the pipeline's own traffic per document (JetStream
   messages published to all streams, registry rows over all tables, counted once step 3's webhooks are in). The
   raw limits are measured again once the system has stopped (--no-raw-after to skip): the ratio stays against the
   first, and the second shows how much the machine itself drifted during the run.
The report gives each process's CPU use during step 3 as a share of wall time (1.0 = one core busy).
Prints a JSON report (and writes it to --report if given). --profile DIR records the child with py-spy
(collapsed stacks; `pip install py-spy`) during step 3.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from raw_limits import measure as measure_raw_limits  # noqa: E402  (this script's own folder)
from raw_limits import scratch_servers  # noqa: E402
from synthetic import Notice, notice, printed_unit_names  # noqa: E402

WORKER = ("worker",)  # the components `duban workers` runs, without gRPC
SUBSCRIBED_UNIT = "龙游县人民政府"  # a member of COUNTY_GROUP
REGISTRY_TABLES = ("submissions", "documents", "document_versions", "clauses", "responsibilities", "deadlines",
                   "targets", "relations", "outbox")


# --- the system under test, in child processes ------------------------------------------------------------------
ALL = ("ingest", "extract", "registry", "notify")
LAYOUTS = {
    # What `duban up` runs on this machine (less the web workbench): every component in one process on one gRPC
    # port, and beside it `duban workers` processes (services/workers.py), here one, sharing the background work.
    "up": (("duban", ALL), ("duban-worker", WORKER)),
    # `duban up --workers 0`: everything in one process.
    "one": (("duban", ALL),),
    # As Kubernetes runs them: one process (pod) per component.
    "split": (("ingest", ("ingest",)), ("extract", ("extract",)), ("registry", ("registry",)),
              ("notify", ("notify",))),
}


@dataclass
class Child:
    name: str
    components: tuple[str, ...]
    process: subprocess.Popen
    address: str | None


def serve(nats_url: str, database_url: str, port: int, names: list[str], digest_quiet: float | None) -> None:
    """Child process: the named components on one gRPC port until SIGTERM."""
    from services.cli import _components
    from services.notify.component import NotifyComponent
    from services.runtime.app import run
    from services.runtime.config import Settings

    settings = Settings.from_env({"DUBAN_NATS_URL": nats_url, "DUBAN_DATABASE_URL": database_url,
                                  "DUBAN_GRPC_PORT": str(port), "DUBAN_METRICS_PORT": "0",
                                  "DUBAN_WEBHOOK_ALLOW": "127.0.0.0/8"})
    components = _components([n for n in names if n != "notify"])
    if "notify" in names:
        components.append(NotifyComponent() if digest_quiet is None else NotifyComponent(digest_quiet=digest_quiet))
    asyncio.run(run(components, settings))


def start_system(work: Path, layout: str, nats_url: str, database_url: str, digest_quiet: float | None) -> list[Child]:
    from services.runtime.embedded import free_port
    children = []
    for name, components in LAYOUTS[layout]:
        port, env = free_port(), None
        cmd = [sys.executable, __file__, "serve", nats_url, database_url, str(port), ",".join(components)]
        if digest_quiet is not None:
            cmd.append(str(digest_quiet))
        if components == WORKER:  # as `duban up` starts it (the default digest quiet period)
            cmd = [sys.executable, "-m", "services.cli", "workers", "--parent-pid", str(os.getpid())]
            env = {**os.environ, "DUBAN_NATS_URL": nats_url, "DUBAN_DATABASE_URL": database_url,
                   "DUBAN_METRICS_PORT": "0", "DUBAN_WEBHOOK_ALLOW": "127.0.0.0/8"}
        process = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                   stderr=open(work / f"system-{name}.log", "wb"))
        children.append(Child(name, components, process, None if env else f"127.0.0.1:{port}"))
    return children


def address_of(children: list[Child], component: str) -> str:
    return next(c.address for c in children if component in c.components and c.address)


def stop_system(children: list[Child]) -> None:
    for child in children:
        child.process.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.process.wait(60)
        except subprocess.TimeoutExpired:
            child.process.kill()


async def wait_until_serving(address: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    deadline = time.monotonic() + timeout
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"the system exited with code {proc.returncode}")
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.aio.AioRpcError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"the system was not serving within {timeout}s")


# --- webhook receiver -------------------------------------------------------------------------------------------
@dataclass
class Receiver:
    arrivals: dict[str, float] = field(default_factory=dict)  # doc_number → first webhook arrival (time.time)
    count: int = 0

    async def handle(self, request):
        from aiohttp import web
        body = await request.json()
        self.count += 1
        number = ((body.get("data") or {}).get("document") or {}).get("doc_number")
        if number:
            self.arrivals.setdefault(number, time.time())
        return web.Response(status=204)


async def start_receiver(receiver: Receiver):
    from aiohttp import web

    from services.runtime.embedded import free_port
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}/hook"


async def subscribe(address: str, url: str) -> None:
    import grpc

    from duban.notify.v1 import notify_pb2, notify_pb2_grpc
    async with grpc.aio.insecure_channel(address) as channel:
        await notify_pb2_grpc.NotifyServiceStub(channel).CreateSubscription(notify_pb2.CreateSubscriptionRequest(
            unit=SUBSCRIBED_UNIT, webhook_url=url, event_types=["responsibility.assigned"]))


# --- load -------------------------------------------------------------------------------------------------------
async def submit(stub, item: Notice, stream: bool) -> tuple[str, float]:
    """Submit one notice, in one message or as a stream of one chunk; returns (doc_id, wall time at the start of
    the submission)."""
    from duban.ingest.v1 import ingest_pb2

    started = time.time()
    if stream:
        reply = await stub.SubmitDocument(iter([ingest_pb2.SubmitDocumentRequest(
            filename=item.filename, media_type="text/plain", chunk=item.text.encode())]))
    else:
        reply = await stub.SubmitSmallDocument(ingest_pb2.SubmitSmallDocumentRequest(
            filename=item.filename, media_type="text/plain", content=item.text.encode()))
    return reply.doc_id, started


async def finished_count(pool, doc_ids: list[str]) -> int:
    return await pool.fetchval("SELECT count(*) FROM submissions WHERE doc_id = ANY($1) "
                               "AND state IN ('registered', 'failed')", doc_ids)


async def throughput(address: str, pool, items: list[Notice], concurrency: int, timeout: float,
                     stream: bool) -> dict:
    import grpc

    from duban.ingest.v1 import ingest_pb2_grpc
    submitted: dict[str, float] = {}
    semaphore = asyncio.Semaphore(concurrency)
    async with grpc.aio.insecure_channel(address) as channel:
        stub = ingest_pb2_grpc.IngestServiceStub(channel)

        async def one(item: Notice) -> None:
            async with semaphore:
                doc_id, started = await submit(stub, item, stream)
                submitted[doc_id] = started

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in items))
        submit_seconds = time.perf_counter() - started
    doc_ids = list(submitted)
    deadline = time.monotonic() + timeout
    while (done := await finished_count(pool, doc_ids)) < len(doc_ids):
        if time.monotonic() > deadline:
            raise SystemExit(f"only {done}/{len(doc_ids)} registered within {timeout}s")
        await asyncio.sleep(0.1)
    seconds = time.perf_counter() - started
    row = await pool.fetchrow(
        "SELECT count(*) FILTER (WHERE state = 'failed') AS failed, "
        "(SELECT coalesce(sum(clause_count), 0) FROM documents WHERE source_doc_id = ANY($1)) AS clauses "
        "FROM submissions WHERE doc_id = ANY($1)", doc_ids)
    numbered = sum(i.clause_count for i in items)
    return {"documents": len(items), "failed": row["failed"], "seconds": round(seconds, 2),
            "submit_seconds": round(submit_seconds, 2), "docs_per_s": round(len(items) / seconds, 1),
            "clauses_per_s": round(row["clauses"] / seconds, 1), "clauses_registered": row["clauses"],
            "numbered_tasks_per_s": round(numbered / seconds, 1)}


def percentiles(values: list[float]) -> dict:
    if len(values) < 2:
        return {"n": len(values)}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50_s": round(cuts[49], 3), "p99_s": round(cuts[98], 3), "max_s": round(max(values), 3)}


async def latency(address: str, pool, items: list[Notice], rate: float, receiver: Receiver, timeout: float,
                  stream: bool) -> dict:
    import grpc

    from duban.ingest.v1 import ingest_pb2_grpc
    sent: dict[str, tuple[str, float]] = {}  # doc_id → (doc_number, submitted at)
    async with grpc.aio.insecure_channel(address) as channel:
        stub = ingest_pb2_grpc.IngestServiceStub(channel)
        tasks, origin = [], time.monotonic()
        for index, item in enumerate(items):
            await asyncio.sleep(max(0.0, origin + index / rate - time.monotonic()))
            tasks.append(asyncio.create_task(submit(stub, item, stream)))
        for item, task in zip(items, tasks):
            doc_id, started = await task
            sent[doc_id] = (item.doc_number, started)
    deadline = time.monotonic() + timeout
    while await finished_count(pool, list(sent)) < len(sent) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    numbers = {n for n, _ in sent.values()}
    await webhooks_settled(receiver, numbers)
    rows = await pool.fetch("SELECT doc_id, extract(epoch FROM updated_at) AS at FROM submissions "
                            "WHERE doc_id = ANY($1) AND state = 'registered'", list(sent))
    to_registry = [float(r["at"]) - sent[r["doc_id"]][1] for r in rows]
    to_webhook = [receiver.arrivals[n] - t for n, t in sent.values() if n in receiver.arrivals]
    return {"documents": len(items), "rate_per_s": rate, "ingest_to_registered": percentiles(to_registry),
            "ingest_to_webhook": percentiles(to_webhook),
            "webhooks_missing": len(numbers - receiver.arrivals.keys())}


async def webhooks_settled(receiver: Receiver, numbers: set[str], quiet: float = 15.0) -> None:
    """Until every notice's webhook arrived, or none arrived for `quiet` s (a notice whose extraction lost the
    county group never gets one: the report counts those as missing)."""
    last, seen = time.monotonic(), receiver.count
    while not numbers <= receiver.arrivals.keys() and time.monotonic() - last < quiet:
        await asyncio.sleep(0.2)
        if receiver.count != seen:
            last, seen = time.monotonic(), receiver.count


async def traffic_per_document(nats_url: str, pool, documents: int) -> dict:
    """JetStream messages published (every stream, the originals bucket included) and registry rows, per document.

    Messages are counted by each stream's last sequence (the streams are new): a work queue's messages leave the
    stream once acknowledged, but were published and consumed all the same."""
    import nats
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    messages = 0
    async for name in _stream_names(js):
        messages += (await js.stream_info(name)).state.last_seq
    await nc.close()
    rows = {t: await pool.fetchval(f"SELECT count(*) FROM {t}") for t in REGISTRY_TABLES}
    return {"jetstream_messages": round(messages / documents, 2), "registry_rows": round(sum(rows.values()) / documents, 2),
            "registry_rows_by_table": {t: round(n / documents, 2) for t, n in rows.items()}}


CONSUMERS = (("DUBAN_DOCUMENTS", "extract"), ("DUBAN_EXTRACTED", "registry"), ("DUBAN_REGISTRY", "notify"))


async def sample_backlogs(nats_url: str, stop: asyncio.Event, every: float = 1.0) -> dict:
    """Each stage's backlog (messages waiting + delivered but not yet acked), sampled every `every` s until
    `stop`: the stage whose backlog grows is the one that holds the pipeline back."""
    import nats
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    samples: dict[str, list[int]] = {durable: [] for _, durable in CONSUMERS}
    try:
        while not stop.is_set():
            for stream, durable in CONSUMERS:
                try:
                    info = await js.consumer_info(stream, durable)
                except Exception:  # not created yet
                    continue
                samples[durable].append(info.num_pending + info.num_ack_pending)
            try:
                await asyncio.wait_for(stop.wait(), every)
            except asyncio.TimeoutError:
                pass
    finally:
        await nc.close()
    return {durable: {"mean": round(statistics.fmean(v), 1), "max": max(v)} if v else {}
            for durable, v in samples.items()}


async def _stream_names(js):
    for info in await js.streams_info():
        yield info.config.name


# --- the run ----------------------------------------------------------------------------------------------------
def start_profiler(pid: int, out: Path) -> subprocess.Popen | None:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        raise SystemExit("--profile needs py-spy: pip install py-spy")
    return subprocess.Popen([py_spy, "record", "--pid", str(pid), "--format", "raw", "--threads", "--rate", "50",
                             "--subprocesses", "--output", str(out), "--nonblocking"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """User+system CPU seconds used so far by each named process, with its children for the servers (postgres: its
    backends; a duban service: its extraction workers), not for the bench client, whose children are the rest."""
    import psutil
    used = {}
    for name, pid in pids.items():
        process = psutil.Process(pid)
        family = [process] if name == "bench client" else [process, *process.children(recursive=True)]
        used[name] = sum(sum(p.cpu_times()[:2]) for p in family)
    return used


async def bench(args, nats_url: str, database_url: str, work: Path, server_pids: dict[str, int]) -> dict:
    import asyncpg

    async def raw_limits() -> dict:  # before the run, and again after it (--raw-after)
        return await measure_raw_limits(nats_url, database_url, messages=args.raw_messages, size=args.raw_size,
                                        rows=args.raw_rows, repeats=args.raw_repeats)

    raw = await raw_limits()
    units = printed_unit_names()
    items = [notice(i, args.seed, units) for i in range(args.count + args.latency_docs)]
    children = start_system(work, args.layout, nats_url, database_url, args.digest_quiet)
    address = address_of(children, "ingest")
    receiver = Receiver()
    runner, hook_url = await start_receiver(receiver)
    pool = await asyncpg.create_pool(database_url.replace("postgresql+asyncpg", "postgresql"), min_size=1,
                                     max_size=2)
    profilers = []
    try:
        for child in children:
            if child.address is not None:  # a worker serves no gRPC
                await wait_until_serving(child.address, child.process)
        await subscribe(address_of(children, "notify"), hook_url)
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            profilers = [start_profiler(c.process.pid, args.profile / f"{c.name}.collapsed") for c in children]
        pids = {**server_pids, **{c.name: c.process.pid for c in children}, "bench client": os.getpid()}
        cpu_before = cpu_seconds(pids)
        sampling = asyncio.Event()
        backlogs = asyncio.create_task(sample_backlogs(nats_url, sampling))
        load = await throughput(address, pool, items[:args.count], args.concurrency, args.timeout, args.stream)
        sampling.set()
        load["backlog_messages"] = await backlogs
        load["cpu_share_of_wall"] = {name: round((used - cpu_before[name]) / load["seconds"], 2)
                                     for name, used in cpu_seconds(pids).items()}
        for profiler in profilers:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(30)
        # Let the throughput phase's digests go out before the latency phase starts.
        started = time.monotonic()
        await webhooks_settled(receiver, {i.doc_number for i in items[:args.count]})
        load["webhooks_received"] = len(receiver.arrivals)
        load["webhooks_drained_s_after"] = round(time.monotonic() - started, 1)
        # Counted once every event has gone through (the relay may still be publishing when step 3 ends).
        traffic = await traffic_per_document(nats_url, pool, args.count)
        timing = (await latency(address, pool, items[args.count:], args.latency_rate, receiver, args.timeout,
                                args.stream)
                  if args.latency_docs else {})
    finally:
        await pool.close()
        await runner.cleanup()
        stop_system(children)
    def slower_over_pipeline(limits: dict[str, float]) -> float:
        return round(min(limits.values()) / load["docs_per_s"], 1)

    limits = limits_in_docs_per_s(raw, traffic)
    report = {"raw_limits": raw, "per_document": traffic, "throughput": load, "latency": timing,
              "limits_in_docs_per_s": limits, "slower_limit_over_pipeline": slower_over_pipeline(limits),
              "layout": args.layout,
              "digest_quiet_s": args.digest_quiet if args.digest_quiet is not None else "default"}
    if args.raw_after:
        # The same limits once the system has stopped: how far the machine itself drifted during the run (the
        # ratio above stays against the limits measured first, as the run's own comparison).
        report["raw_limits_after"] = after = await raw_limits()
        report["limits_in_docs_per_s_after"] = limits_after = limits_in_docs_per_s(after, traffic)
        report["slower_limit_after_over_pipeline"] = slower_over_pipeline(limits_after)
    return report


def limits_in_docs_per_s(raw: dict, traffic: dict) -> dict[str, float]:
    """The raw limits in documents/s, with the pipeline's own JetStream messages and registry rows per document."""
    jetstream = min(raw["jetstream"]["publish_per_s"], raw["jetstream"]["consume_ack_per_s"])
    return {"jetstream": round(jetstream / traffic["jetstream_messages"], 1),
            "postgres_copy": round(raw["postgres_copy"]["rows_per_s"] / traffic["registry_rows"], 1)}


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "?")
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"nproc": os.cpu_count(), "memory_gib": round(memory / 2 ** 20, 1), "cpu": model,
            "python": sys.version.split()[0]}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5].split(","),
              float(sys.argv[6]) if len(sys.argv) > 6 else None)
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="notices for the throughput phase")
    parser.add_argument("--concurrency", type=int, default=16, help="submissions in flight")
    parser.add_argument("--stream", action="store_true",
                        help="submit through the client-streaming SubmitDocument instead of SubmitSmallDocument")
    parser.add_argument("--latency-docs", type=int, default=200, help="notices for the latency phase (0: skip)")
    parser.add_argument("--latency-rate", type=float, default=5.0, help="notices/s in the latency phase")
    parser.add_argument("--digest-quiet", type=float, default=None,
                        help="notify's digest quiet period in s (default: notify's own default)")
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="up",
                        help="up: as duban up on this machine (main process + one worker process); one: all "
                             "components in one process (duban up --workers 0); split: one process each")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--timeout", type=float, default=1800, help="give up on a phase after this many seconds")
    parser.add_argument("--raw-messages", type=int, default=20000)
    parser.add_argument("--raw-size", type=int, default=4096)
    parser.add_argument("--raw-rows", type=int, default=100000)
    parser.add_argument("--raw-repeats", type=int, default=3,
                        help="measure each raw limit this many times and keep the best (they vary between runs)")
    parser.add_argument("--raw-after", action=argparse.BooleanOptionalAction, default=True,
                        help="measure the raw limits again after the system has stopped (the machine's drift)")
    parser.add_argument("--profile", type=Path, default=None, help="directory for py-spy's collapsed stacks")
    parser.add_argument("--report", type=Path, default=None)
    parser.add_argument("--log", type=Path, default=None, help="directory to keep the system's JSON logs in")
    args = parser.parse_args()
    with scratch_servers("duban-pipeline-") as (work, nats, postgres):
        try:
            report = {"machine": machine(), "date": time.strftime("%Y-%m-%d"),
                      "command": " ".join(["bench/pipeline.py", *sys.argv[1:]]),
                      **asyncio.run(bench(args, nats.url, postgres.url, work,
                                         {"nats-server": nats.process.pid, "postgres": postgres.process.pid}))}
        finally:
            if args.log:
                args.log.mkdir(parents=True, exist_ok=True)
                for log in work.glob("system-*.log"):
                    shutil.copy(log, args.log / log.name)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.report:
        args.report.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
