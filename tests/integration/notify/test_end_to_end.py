"""The whole system against real servers: `duban subscribe` a unit, ingest an example document, and the unit's
webhook receives ONE signed digest of its new responsibilities (verified with the Standard Webhooks reference
library) and its mailbox ONE e-mail; a county government hears what is addressed to 各县（市、区）政府. Then the
API: deliveries, SendTest, redelivery with the same webhook-id, and errors."""
from __future__ import annotations

import argparse
import asyncio
import io
import json
import re

import grpc
import pytest
from aiosmtpd.controller import Controller
from standardwebhooks import Webhook

from duban.notify.v1 import notify_pb2 as pb
from duban.notify.v1 import notify_pb2_grpc
from services.ingest.client import ingest_paths
from services.notify.cli_subscribe import add_subscribe_parser, run_subscribe
from services.runtime.embedded import free_port
from tests.conftest import REPO_ROOT
from tests.integration.notify.conftest import Mailbox
from tests.system import running_system

EXAMPLE = REPO_ROOT / "examples" / "qzbf-2026-3.txt"
DOC_NUMBER = "衢政办发〔2026〕3号"


@pytest.fixture(scope="module")
def mailbox_url():
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, f"smtp://127.0.0.1:{port}?from=duban@example.gov.cn"
    controller.stop()


@pytest.fixture(scope="module")
async def system(server_data_dir, database_url, mailbox_url):
    async with running_system(server_data_dir / "notify-e2e", database_url, "notify_e2e",
                              extra_env={"DUBAN_SMTP_URL": mailbox_url[1]}) as address:
        yield address


def _cli(address: str, *argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    add_subscribe_parser(parser.add_subparsers(dest="command"))
    out = io.StringIO()
    code = run_subscribe(parser.parse_args(["subscribe", *argv, "--server", address]), out)
    return code, out.getvalue()


async def _stub(address):
    channel = grpc.aio.insecure_channel(address)
    return channel, notify_pb2_grpc.NotifyServiceStub(channel)


async def test_ingested_document_reaches_subscribers_once(system, receiver, mailbox_url):
    mailbox = mailbox_url[0]
    code, out = await asyncio.to_thread(_cli, system, "create", "--unit", "市数据局", "--webhook",
                                        receiver.url + "/data", "--email", "sjj@example.gov.cn")
    assert code == 0, out
    secret = re.search(r"secret: (whsec_\S+)", out).group(1)
    code, out = await asyncio.to_thread(_cli, system, "create", "--unit", "龙游县人民政府", "--webhook",
                                        receiver.url + "/county")
    county_secret = re.search(r"secret: (whsec_\S+)", out).group(1)

    [result] = await ingest_paths(system, [EXAMPLE], wait=True, timeout=60)
    assert result.state == "registered", result.detail
    await receiver.wait_for(2, timeout=30)
    await asyncio.sleep(3)  # longer than the digest's quiet period: a second digest would have arrived by now

    [data_msg] = [r for r in receiver.received if r.path == "/hook/data"]
    [county_msg] = [r for r in receiver.received if r.path == "/hook/county"]
    digest = Webhook(secret).verify(data_msg.body, data_msg.headers)  # full check, timestamp included
    assert digest["type"] == "responsibility.assigned"
    assert digest["data"]["document"]["doc_number"] == DOC_NUMBER
    paths = [r["clause_path"] for r in digest["data"]["responsibilities"]]
    assert {"2.3", "2.4"} <= set(paths) and len(paths) == len(set(paths)) == digest["data"]["count"]
    county = Webhook(county_secret).verify(county_msg.body, county_msg.headers)
    assert any(r["unit"] == "各县（市、区）政府" for r in county["data"]["responsibilities"])

    for _ in range(100):
        if mailbox.messages:
            break
        await asyncio.sleep(0.1)
    [(recipients, message)] = mailbox.messages
    assert recipients == ["sjj@example.gov.cn"] and DOC_NUMBER in message["Subject"]

    # The same document again changes nothing, so nobody hears about it twice.
    await ingest_paths(system, [EXAMPLE], wait=True, timeout=60)
    await asyncio.sleep(3)
    assert len([r for r in receiver.received if r.path == "/hook/data"]) == 1


async def test_api_deliveries_test_and_redelivery(system, receiver):
    channel, stub = await _stub(system)
    async with channel:
        created = (await stub.CreateSubscription(pb.CreateSubscriptionRequest(
            unit="市发改委", webhook_url=receiver.url + "/api", reminder_offsets=[7, 0]))).subscription
        assert created.secret.startswith("whsec_") and created.canonical_unit == "衢州市发展和改革委员会"
        assert list(created.reminder_offsets) == [7, 0]
        receiver.secret = created.secret
        fetched = (await stub.GetSubscription(pb.GetSubscriptionRequest(id=created.id))).subscription
        assert fetched.unit == "市发改委" and fetched.secret == ""  # the secret is shown once only

        [test_delivery] = (await stub.SendTest(pb.SendTestRequest(id=created.id))).deliveries
        [got] = await receiver.wait_for(1)
        assert got.headers["webhook-id"] == test_delivery.id and got.verified
        assert json.loads(got.body)["type"] == "notify.test"

        for _ in range(50):
            listed = (await stub.ListDeliveries(pb.ListDeliveriesRequest(subscription_id=created.id))).deliveries
            if listed[0].status == pb.DELIVERY_STATUS_DELIVERED:
                break
            await asyncio.sleep(0.1)
        assert [d.id for d in listed] == [test_delivery.id] and listed[0].attempts == 1

        again = (await stub.RedeliverDelivery(pb.RedeliverDeliveryRequest(id=test_delivery.id))).delivery
        assert again.status == pb.DELIVERY_STATUS_PENDING
        await receiver.wait_for(2)
        assert receiver.received[1].headers["webhook-id"] == test_delivery.id and receiver.received[1].body == got.body

        rotated = (await stub.UpdateSubscription(pb.UpdateSubscriptionRequest(
            id=created.id, subscription=pb.CreateSubscriptionRequest(email="fgw@example.gov.cn"),
            update_mask=["email", "secret"]))).subscription
        assert rotated.email == "fgw@example.gov.cn" and rotated.secret not in ("", created.secret)

        mine = (await stub.ListSubscriptions(pb.ListSubscriptionsRequest(unit="衢州市发展和改革委员会"))).subscriptions
        assert [s.id for s in mine] == [created.id]
        await stub.DeleteSubscription(pb.DeleteSubscriptionRequest(id=created.id))
        with pytest.raises(grpc.aio.AioRpcError) as gone:
            await stub.GetSubscription(pb.GetSubscriptionRequest(id=created.id))
        assert gone.value.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize("request_, fragment", [
    (pb.CreateSubscriptionRequest(webhook_url="http://127.0.0.1/x"), "unit is required"),
    (pb.CreateSubscriptionRequest(unit="市数据局"), "webhook_url, an email"),
    (pb.CreateSubscriptionRequest(unit="市数据局", webhook_url="ftp://x"), "http(s)"),
    (pb.CreateSubscriptionRequest(unit="市数据局", webhook_url="http://x", secret="plain"), "whsec_"),
    (pb.CreateSubscriptionRequest(unit="市数据局", email="not-an-address"), "e-mail"),
    (pb.CreateSubscriptionRequest(unit="市数据局", email="a@b.cn", event_types=["x.y"]), "unknown event"),
])
async def test_invalid_subscriptions_are_refused(system, request_, fragment):
    channel, stub = await _stub(system)
    async with channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.CreateSubscription(request_)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT and fragment in refused.value.details()


async def test_paging_and_bad_tokens(system):
    channel, stub = await _stub(system)
    async with channel:
        ids = [(await stub.CreateSubscription(pb.CreateSubscriptionRequest(
            unit="市财政局", email=f"cz{n}@example.gov.cn"))).subscription.id for n in range(5)]
        seen, token = [], ""
        while True:
            page = await stub.ListSubscriptions(pb.ListSubscriptionsRequest(unit="市财政局", page_size=2,
                                                                            page_token=token))
            seen += [s.id for s in page.subscriptions]
            if not (token := page.next_page_token):
                break
        assert seen == ids
        with pytest.raises(grpc.aio.AioRpcError) as bad:
            await stub.ListDeliveries(pb.ListDeliveriesRequest(page_token="garbage"))
        assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        code, out = await asyncio.to_thread(_cli, system, "list", "--unit", "市财政局")
        assert code == 0 and out.count("cz") == 5
