"""gRPC `duban.notify.v1.NotifyService`: subscriptions, their deliveries, redelivery and test messages."""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime

import grpc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from duban.notify.v1 import notify_pb2 as pb
from duban.notify.v1 import notify_pb2_grpc
from services.notify import subscriptions
from services.notify.clock import Clock
from services.notify.deliveries import record
from services.notify.subscriptions import InvalidSubscription, Subscription, SubscriptionSpec
from services.registry.pagination import InvalidPageToken, decode_token, encode_token, page_size
from services.registry.units import UnitDirectory

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["NotifyService"].full_name
STATUS_NAMES = {pb.DELIVERY_STATUS_PENDING: "pending", pb.DELIVERY_STATUS_DELIVERED: "delivered",
                pb.DELIVERY_STATUS_FAILED: "failed"}
STATUS_VALUES = {name: value for value, name in STATUS_NAMES.items()}


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def subscription_message(s: Subscription) -> pb.Subscription:
    return pb.Subscription(
        id=s.id, unit=s.unit, canonical_unit=s.canonical_unit or "", webhook_url=s.webhook_url or "",
        secret=s.secret if s.new_secret_issued and s.secret else "", email=s.email or "",
        event_types=list(s.event_types), reminder_offsets=list(s.reminder_offsets),
        webhook_disabled_reason=s.webhook_disabled_reason or "", create_time=_iso(s.created_at))


def spec_of(request: pb.CreateSubscriptionRequest) -> SubscriptionSpec:
    return SubscriptionSpec(request.unit.strip(), request.webhook_url.strip(), request.secret.strip(),
                            request.email.strip(), tuple(request.event_types), tuple(request.reminder_offsets))


_DELIVERY_COLUMNS = ("id, seq, subscription_id, channel, event_type, status, attempts, last_error, last_status_code, "
                     "created_at, next_attempt_at, delivered_at, payload")


def delivery_message(row) -> pb.Delivery:
    return pb.Delivery(
        id=row.id, subscription_id=row.subscription_id, channel=row.channel, event_type=row.event_type,
        status=STATUS_VALUES.get(row.status, pb.DELIVERY_STATUS_UNSPECIFIED), attempts=row.attempts,
        last_error=row.last_error or "", last_status_code=row.last_status_code or 0,
        create_time=_iso(row.created_at), next_attempt_time=_iso(row.next_attempt_at) if row.status == "pending"
        else "", deliver_time=_iso(row.delivered_at), payload_json=json.dumps(row.payload, ensure_ascii=False))


class NotifyServicer(notify_pb2_grpc.NotifyServiceServicer):
    def __init__(self, engine: AsyncEngine, directory: UnitDirectory, clock: Clock,
                 on_recorded: Callable[[], None] = lambda: None) -> None:
        self.engine, self.directory, self.clock, self.on_recorded = engine, directory, clock, on_recorded

    async def CreateSubscription(self, request, context):
        try:
            async with self.engine.begin() as conn:
                created = await subscriptions.create(conn, spec_of(request), self.directory, self.clock.now())
        except InvalidSubscription as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        return pb.CreateSubscriptionResponse(subscription=subscription_message(created))

    async def GetSubscription(self, request, context):
        async with self.engine.connect() as conn:
            found = await subscriptions.get(conn, request.id)
        if found is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no subscription {request.id}")
        return pb.GetSubscriptionResponse(subscription=subscription_message(found))

    async def ListSubscriptions(self, request, context):
        unit_key = self.directory.storage_key(request.unit, None)[0] if request.unit.strip() else None
        filters = {"unit": unit_key}
        try:
            size = page_size(request.page_size)
            last = decode_token(request.page_token, filters)
        except (ValueError, InvalidPageToken) as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        async with self.engine.connect() as conn:
            page = await subscriptions.list_page(conn, unit_key=unit_key, after_id=last[0] if last else 0,
                                                 limit=size + 1)
        token = encode_token([page[size - 1].id], filters) if len(page) > size else ""
        return pb.ListSubscriptionsResponse(subscriptions=[subscription_message(s) for s in page[:size]],
                                            next_page_token=token)

    async def UpdateSubscription(self, request, context):
        try:
            async with self.engine.begin() as conn:
                updated = await subscriptions.update(conn, request.id, spec_of(request.subscription),
                                                     list(request.update_mask), self.directory, self.clock.now())
        except InvalidSubscription as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        if updated is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no subscription {request.id}")
        return pb.UpdateSubscriptionResponse(subscription=subscription_message(updated))

    async def DeleteSubscription(self, request, context):
        async with self.engine.begin() as conn:
            deleted = await subscriptions.delete(conn, request.id)
        if not deleted:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no subscription {request.id}")
        return pb.DeleteSubscriptionResponse()

    async def ListDeliveries(self, request, context):
        filters = {"subscription": request.subscription_id, "status": STATUS_NAMES.get(request.status)}
        try:
            size = page_size(request.page_size)
            last = decode_token(request.page_token, filters)
        except (ValueError, InvalidPageToken) as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(text(
                f"SELECT {_DELIVERY_COLUMNS} FROM notify_deliveries WHERE seq < :before "
                "AND (:sub = 0 OR subscription_id = :sub) AND (CAST(:status AS text) IS NULL OR status = :status) "
                "ORDER BY seq DESC LIMIT :n"),
                {"before": last[0] if last else 2**62, "sub": request.subscription_id,
                 "status": filters["status"], "n": size + 1})).all()
        token = encode_token([rows[size - 1].seq], filters) if len(rows) > size else ""
        return pb.ListDeliveriesResponse(deliveries=[delivery_message(r) for r in rows[:size]],
                                         next_page_token=token)

    async def RedeliverDelivery(self, request, context):
        async with self.engine.begin() as conn:
            row = (await conn.execute(text(
                "UPDATE notify_deliveries SET status = 'pending', attempts = 0, next_attempt_at = :now, "
                f"delivered_at = NULL WHERE id = :id RETURNING {_DELIVERY_COLUMNS}"),
                {"id": request.id, "now": self.clock.now()})).first()
        if row is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no delivery {request.id!r}")
        self.on_recorded()
        return pb.RedeliverDeliveryResponse(delivery=delivery_message(row))

    async def SendTest(self, request, context):
        now = self.clock.now()
        async with self.engine.begin() as conn:
            found = await subscriptions.get(conn, request.id)
            if found is None:
                await context.abort(grpc.StatusCode.NOT_FOUND, f"no subscription {request.id}")
            ids = await record(conn, found, "notify.test", {"unit": found.unit, "subscription_id": found.id},
                               f"test|{found.id}|{uuid.uuid4().hex}", now)
            rows = (await conn.execute(text(f"SELECT {_DELIVERY_COLUMNS} FROM notify_deliveries "
                                            "WHERE id = ANY(:ids) ORDER BY seq"), {"ids": ids})).all()
        self.on_recorded()
        return pb.SendTestResponse(deliveries=[delivery_message(r) for r in rows])
