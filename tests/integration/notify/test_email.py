"""E-mail through a real SMTP server (aiosmtpd): one Chinese message per digest, plain text and HTML."""
from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from services.notify import subscriptions
from services.notify.channels.email import EmailSender, parse_smtp_url
from services.notify.deliveries import Dispatcher, record
from services.notify.digest import DeadlineInfo, DigestItem, DocumentInfo, build_digest, digest_data
from services.notify.subscriptions import SubscriptionSpec

pytestmark = pytest.mark.usefixtures("empty_notify_tables")


async def test_digest_mail_has_chinese_text_and_html(engine, directory, clock, smtp_server):
    url, mailbox = smtp_server
    async with engine.begin() as conn:
        sub = await subscriptions.create(conn, SubscriptionSpec(unit="市数据局", email="sjj@example.gov.cn"),
                                         directory, clock.now())
        items = [DigestItem(str(n), f"第{n}项：推进公共数据开放。", "市数据局", "lead",
                            (DeadlineInfo("6月底前", "2026-06-30", "due"),)) for n in range(1, 4)]
        digest = build_digest("市数据局", DocumentInfo("x1", "衢政办发〔2026〕61号", "关于数据开放的通知", 1), items)
        [delivery_id] = await record(conn, sub, "responsibility.assigned", digest_data(digest, "http://web"),
                                     "mail-1", clock.now())
    dispatcher = Dispatcher(engine, {"email": EmailSender(parse_smtp_url(url), clock)}, clock, rng=random.Random(1))
    assert await dispatcher.run_once() == 1

    [(recipients, message)] = mailbox.messages
    assert recipients == ["sjj@example.gov.cn"]
    assert message["Subject"] == "【督办】市数据局：《关于数据开放的通知（衢政办发〔2026〕61号）》新增3项任务"
    assert message["From"] == "duban@example.gov.cn" and message["Message-ID"] == f"<{delivery_id}@duban>"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "第2项：推进公共数据开放。" in plain and plain.count("6月底前（2026-06-30）") == 3
    assert html.count("<li>") == 3 and "衢政办发〔2026〕61号" in html
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT status FROM notify_deliveries WHERE id = :i"),
                                 {"i": delivery_id}) == "delivered"


async def test_unreachable_smtp_server_is_retried(engine, directory, clock):
    async with engine.begin() as conn:
        sub = await subscriptions.create(conn, SubscriptionSpec(unit="市数据局", email="sjj@example.gov.cn"),
                                         directory, clock.now())
        [delivery_id] = await record(conn, sub, "notify.test", {"unit": "市数据局"}, "mail-2", clock.now())
    sender = EmailSender(parse_smtp_url("smtp://127.0.0.1:9"), clock)
    await Dispatcher(engine, {"email": sender}, clock, rng=random.Random(1)).run_once()
    async with engine.connect() as conn:
        row = (await conn.execute(text("SELECT status, last_error FROM notify_deliveries WHERE id = :i"),
                                  {"i": delivery_id})).one()
    assert row.status == "pending" and row.last_error
