"""`duban`: one command for every service and tool. Imports are lazy so `duban extract` starts fast."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _components(names: list[str]):
    from services.extract.worker import ExtractComponent
    from services.ingest.service import IngestComponent
    from services.notify.component import NotifyComponent
    from services.registry.component import RegistryComponent
    from services.web.component import WebComponent
    known = {"ingest": IngestComponent, "extract": ExtractComponent, "registry": RegistryComponent,
             "notify": NotifyComponent, "web": WebComponent}
    return [known[n]() for n in names]


def _run_service(names: list[str]) -> int:
    import asyncio

    from services.runtime.app import run
    from services.runtime.config import Settings
    settings = Settings.from_env(require_database=any(n != "extract" for n in names))
    asyncio.run(run(_components(names), settings))
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    from services.up import run_up
    return run_up(args)


def cmd_workers(args: argparse.Namespace) -> int:
    from services.workers import run_worker
    return run_worker(args.parent_pid)


def cmd_ingest(args: argparse.Namespace) -> int:
    from services.ingest.client import run_ingest_cli
    return run_ingest_cli(args)


def cmd_reextract(args: argparse.Namespace) -> int:
    import asyncio
    import os

    import grpc

    from duban.ingest.v1 import ingest_pb2, ingest_pb2_grpc
    if not args.all and not args.doc_ids:
        print("duban reextract: name document ids or pass --all", file=sys.stderr)
        return 2
    token = args.token or os.environ.get("DUBAN_TOKEN")

    async def call():
        async with grpc.aio.insecure_channel(args.server) as channel:
            return await ingest_pb2_grpc.IngestServiceStub(channel).ReextractDocuments(
                ingest_pb2.ReextractDocumentsRequest(doc_ids=args.doc_ids, all=args.all),
                metadata=(("authorization", f"Bearer {token}"),) if token else ())
    try:
        reply = asyncio.run(call())
    except grpc.RpcError as exc:
        print(f"duban reextract: {exc.details() or exc.code().name}", file=sys.stderr)
        return 1
    print(f"queued {reply.queued} document(s) for extraction")
    for doc_id in reply.missing_doc_ids:
        print(f"no stored original: {doc_id}", file=sys.stderr)
    return 1 if reply.missing_doc_ids else 0


def cmd_extract(args: argparse.Namespace) -> int:
    from services.extract.commands import run_extract
    return run_extract(args.files, args.format, sys.stdout, sys.stderr)


def cmd_eval(args: argparse.Namespace) -> int:
    from services.extract.commands import run_eval
    return run_eval(Path(args.gold), Path(args.corpus), sys.stdout)


def cmd_migrate(args: argparse.Namespace) -> int:
    from services.registry.migrate import upgrade
    from services.runtime.config import Settings
    upgrade(Settings.from_env(require_nats=False).database_url)
    print("database is at the latest schema")
    return 0


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return number


def build_parser() -> argparse.ArgumentParser:
    shared = Path(__file__).resolve().parents[1].parent / "shared"
    parser = argparse.ArgumentParser(prog="duban", description="督办: track who must do what, by when")
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="run the whole system on this machine (embedded NATS + PostgreSQL)")
    up.add_argument("--data-dir", default=".duban", help="state directory (default: ./.duban)")
    up.add_argument("--grpc-port", type=int, default=50051)
    up.add_argument("--metrics-port", type=int, default=9464, help="0 disables /metrics")
    up.add_argument("--web-port", type=int, default=8080, help="web workbench port (loopback only)")
    up.add_argument("--examples", action="store_true",
                    help="ingest the example documents shipped in examples/ and print a summary")
    up.add_argument("--watch", metavar="DIR", help="ingest files dropped into DIR")
    up.add_argument("--workers", type=_non_negative, default=None, metavar="N",
                    help="worker processes that share the background work (default: one per further core, "
                         "at most 3; 0: everything in one process)")
    up.set_defaults(func=cmd_up)

    ingest = sub.add_parser("ingest", help="submit files, folders or globs through the ingest gRPC service")
    ingest.add_argument("files", nargs="+")
    ingest.add_argument("--server", default="127.0.0.1:50051")
    ingest.add_argument("--wait", action="store_true", help="return only when the registry holds each result")
    ingest.add_argument("--timeout", type=float, default=120.0, help="seconds to wait per file with --wait")
    ingest.add_argument("--token", default=None, help="bearer token (default: $DUBAN_TOKEN)")
    ingest.set_defaults(func=cmd_ingest)

    reextract = sub.add_parser("reextract", help="send stored originals through extraction again")
    reextract.add_argument("doc_ids", nargs="*")
    reextract.add_argument("--all", action="store_true", help="every stored original")
    reextract.add_argument("--server", default="127.0.0.1:50051")
    reextract.add_argument("--token", default=None, help="bearer token (default: $DUBAN_TOKEN)")
    reextract.set_defaults(func=cmd_reextract)

    extract = sub.add_parser("extract", help="extract locally and print the contract's JSON, one line per document")
    extract.add_argument("files", nargs="+")
    extract.add_argument("--format", choices=["jsonl"], default="jsonl")
    extract.set_defaults(func=cmd_extract)

    ev = sub.add_parser("eval", help="precision/recall/F1 of extraction against the gold answers")
    ev.add_argument("--gold", default=str(shared / "gold" / "dev"))
    ev.add_argument("--corpus", default=str(shared / "corpus"))
    ev.set_defaults(func=cmd_eval)

    from services.notify.cli_args import add_subscribe_parser
    add_subscribe_parser(sub)

    migrate = sub.add_parser("migrate", help="bring the database schema up to date (Kubernetes Job)")
    migrate.set_defaults(func=cmd_migrate)

    workers = sub.add_parser("workers", help="run extract, registry and notify's background loops without gRPC "
                                             "(what `duban up` starts beside its main process)")
    workers.add_argument("--parent-pid", type=int, required=True, help="exit when this process dies")
    workers.set_defaults(func=cmd_workers)

    for verb, names, text in [("ingest-service", ["ingest"], "run the ingest service"),
                              ("extract-worker", ["extract"], "run an extract worker"),
                              ("registry", ["registry"], "run the registry service"),
                              ("notify", ["notify"], "run the notify service"),
                              ("web", ["web"], "run the read-only web workbench")]:
        p = sub.add_parser(verb, help=text)
        p.set_defaults(func=lambda _a, names=names: _run_service(names))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
