"""Arguments of `duban subscribe`. Kept apart from the gRPC client so building the CLI parser stays cheap
(`duban extract` start-up counts in its benchmark)."""
from __future__ import annotations

import argparse

from services.notify.event_types import EVENT_TYPES

DELIVERY_STATUSES = ("delivered", "failed", "pending")


def _offsets(raw: str) -> list[int]:
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("offsets are whole days separated by commas, e.g. 30,7,3,1,0,-1") from None


def _add_fields(p: argparse.ArgumentParser, *, creating: bool) -> None:
    p.add_argument("--unit", required=creating, help="unit by printed name, alias or canonical name")
    p.add_argument("--webhook", help="webhook URL (http or https)")
    p.add_argument("--secret", help="whsec_… signing secret (default: generated)")
    p.add_argument("--email", help="e-mail address")
    p.add_argument("--event-type", action="append", dest="event_types", choices=EVENT_TYPES,
                   help="an event type to receive (repeatable; default: all)")
    p.add_argument("--offsets", type=_offsets, help="reminder days before a deadline (default 30,7,3,1,0,-1)")


def add_subscribe_parser(sub) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--server", default="127.0.0.1:50051")
    common.add_argument("--token", default=None, help="bearer token (default: $DUBAN_TOKEN)")
    parser = sub.add_parser("subscribe", help="manage webhook and e-mail subscriptions of units")
    actions = parser.add_subparsers(dest="action", required=True)

    def action(name: str, text: str) -> argparse.ArgumentParser:
        return actions.add_parser(name, help=text, parents=[common])

    _add_fields(action("create", "subscribe a unit"), creating=True)
    action("list", "list subscriptions").add_argument("--unit")
    update = action("update", "change a subscription")
    update.add_argument("id", type=int)
    _add_fields(update, creating=False)
    update.add_argument("--rotate-secret", action="store_true", help="issue a new secret (old one signs 24 h more)")
    action("delete", "delete a subscription").add_argument("id", type=int)
    action("test", "send a test message on every channel").add_argument("id", type=int)
    deliveries = action("deliveries", "list deliveries, newest first")
    deliveries.add_argument("--subscription", type=int, default=0)
    deliveries.add_argument("--status", choices=DELIVERY_STATUSES)
    deliveries.add_argument("--limit", type=int, default=20)
    action("redeliver", "send a delivery again (same webhook-id)").add_argument("id")
    parser.set_defaults(func=_run)
    return parser




def _run(args) -> int:
    from services.notify.cli_subscribe import run_subscribe
    return run_subscribe(args)
