"""`duban subscribe …`: manage notification subscriptions through the NotifyService gRPC API.

    duban subscribe create --unit 市数据局 --webhook https://hooks.example/duban [--email a@b.cn]
    duban subscribe list [--unit 市数据局]
    duban subscribe update 3 --rotate-secret | --webhook URL | --email ADDR | --offsets 14,3,0
    duban subscribe delete 3
    duban subscribe deliveries [--subscription 3] [--status failed]
    duban subscribe redeliver msg_…
    duban subscribe test 3
"""
from __future__ import annotations

import asyncio
import os
import sys

import grpc

from duban.notify.v1 import notify_pb2 as pb
from duban.notify.v1 import notify_pb2_grpc
from services.notify.cli_args import add_subscribe_parser  # noqa: F401  (re-exported)

STATUSES = {"pending": pb.DELIVERY_STATUS_PENDING, "delivered": pb.DELIVERY_STATUS_DELIVERED,
            "failed": pb.DELIVERY_STATUS_FAILED}


def _request_fields(args) -> tuple[pb.CreateSubscriptionRequest, list[str]]:
    values = {"unit": args.unit, "webhook_url": args.webhook, "secret": args.secret, "email": args.email,
              "event_types": args.event_types, "reminder_offsets": args.offsets}
    given = {k: v for k, v in values.items() if v is not None}
    mask = list(given)
    if getattr(args, "rotate_secret", False) and "secret" not in given:
        mask.append("secret")
    return pb.CreateSubscriptionRequest(**given), mask


def format_subscription(s: pb.Subscription) -> str:
    channels = ", ".join(filter(None, [s.webhook_url and f"webhook {s.webhook_url}", s.email and f"email {s.email}"]))
    line = f"#{s.id} {s.unit}" + (f" ({s.canonical_unit})" if s.canonical_unit and s.canonical_unit != s.unit else "")
    line += f": {channels}; events {', '.join(s.event_types) or 'all'}; reminders at " \
            f"{','.join(str(o) for o in s.reminder_offsets)} days"
    if s.webhook_disabled_reason:
        line += f"; WEBHOOK DISABLED: {s.webhook_disabled_reason}"
    if s.secret:
        line += f"\n  secret: {s.secret}  (shown once: give it to the receiver)"
    return line


def format_delivery(d: pb.Delivery) -> str:
    status = pb.DeliveryStatus.Name(d.status).removeprefix("DELIVERY_STATUS_").lower()
    line = f"{d.id} #{d.subscription_id} {d.channel} {d.event_type} {status} attempts={d.attempts} {d.create_time}"
    return line + (f"\n  last error: {d.last_error}" if d.last_error else "")


async def _call(args, out) -> int:
    token = args.token or os.environ.get("DUBAN_TOKEN")
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    async with grpc.aio.insecure_channel(args.server) as channel:
        stub = notify_pb2_grpc.NotifyServiceStub(channel)
        if args.action == "create":
            request, _ = _request_fields(args)
            reply = await stub.CreateSubscription(request, metadata=metadata)
            print(format_subscription(reply.subscription), file=out)
        elif args.action == "list":
            token_ = ""
            while True:
                page = await stub.ListSubscriptions(pb.ListSubscriptionsRequest(
                    unit=args.unit or "", page_size=200, page_token=token_), metadata=metadata)
                for s in page.subscriptions:
                    print(format_subscription(s), file=out)
                if not (token_ := page.next_page_token):
                    break
        elif args.action == "update":
            fields, mask = _request_fields(args)
            if not mask:
                print("duban subscribe update: nothing to change", file=sys.stderr)
                return 2
            reply = await stub.UpdateSubscription(pb.UpdateSubscriptionRequest(
                id=args.id, subscription=fields, update_mask=mask), metadata=metadata)
            print(format_subscription(reply.subscription), file=out)
        elif args.action == "delete":
            await stub.DeleteSubscription(pb.DeleteSubscriptionRequest(id=args.id), metadata=metadata)
            print(f"deleted subscription #{args.id}", file=out)
        elif args.action == "test":
            reply = await stub.SendTest(pb.SendTestRequest(id=args.id), metadata=metadata)
            for d in reply.deliveries:
                print(format_delivery(d), file=out)
        elif args.action == "deliveries":
            reply = await stub.ListDeliveries(pb.ListDeliveriesRequest(
                subscription_id=args.subscription, status=STATUSES.get(args.status, 0), page_size=args.limit),
                metadata=metadata)
            for d in reply.deliveries:
                print(format_delivery(d), file=out)
        elif args.action == "redeliver":
            reply = await stub.RedeliverDelivery(pb.RedeliverDeliveryRequest(id=args.id), metadata=metadata)
            print(format_delivery(reply.delivery), file=out)
    return 0


def run_subscribe(args, out=None) -> int:
    try:
        return asyncio.run(_call(args, out or sys.stdout))
    except grpc.aio.AioRpcError as exc:
        print(f"duban subscribe: {exc.code().name}: {exc.details()}", file=sys.stderr)
        return 1
