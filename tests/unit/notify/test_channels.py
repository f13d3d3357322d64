"""Channel rules that need no network: which addresses webhooks may reach, what a response means, SMTP URLs."""
from __future__ import annotations

import ipaddress

import pytest

from services.notify.channels.email import parse_smtp_url
from services.notify.channels.webhook import AddressPolicy, outcome, resolve


@pytest.mark.parametrize("allow, host, address, permitted", [
    ((), "hooks.example.com", "93.184.216.34", True),
    ((), "localhost", "127.0.0.1", False),
    ((), "x", "10.1.2.3", False),
    ((), "x", "192.168.0.5", False),
    ((), "x", "169.254.169.254", False),  # cloud metadata
    ((), "x", "100.64.0.1", False),  # carrier-grade NAT
    ((), "x", "::1", False),
    ((), "x", "::ffff:127.0.0.1", False),  # IPv4-mapped loopback
    ((), "x", "fd00::1", False),
    ((), "x", "224.0.0.1", False),
    (("127.0.0.0/8",), "localhost", "127.0.0.1", True),
    (("127.0.0.0/8",), "x", "::ffff:127.0.0.1", True),
    (("10.0.0.0/8",), "x", "10.1.2.3", True),
    (("10.0.0.0/8",), "x", "192.168.0.5", False),
    (("receiver.internal",), "receiver.internal", "10.9.9.9", True),
    (("receiver.internal",), "other.internal", "10.9.9.9", False),
])
def test_address_policy(allow, host, address, permitted) -> None:
    assert AddressPolicy(allow).permits(host, ipaddress.ip_address(address)) is permitted


@pytest.mark.parametrize("host, addresses", [
    ("10.1.2.3", ["10.1.2.3"]),  # an address is taken as it is
    ("::ffff:10.0.0.1", ["::ffff:10.0.0.1"]),
    ("localhost", ["127.0.0.1"]),  # a name is looked up (this machine's /etc/hosts)
])
async def test_resolve(host, addresses) -> None:
    expected = [ipaddress.ip_address(a) for a in addresses]
    assert [a for a in await resolve(host, 80) if a.version == expected[0].version] == expected


@pytest.mark.parametrize("status, ok, permanent, disable", [
    (200, True, False, False), (204, True, False, False),
    (410, False, True, True),
    (301, False, False, False), (308, False, False, False),
    (500, False, False, False), (429, False, False, False), (404, False, False, False),
])
def test_outcome(status, ok, permanent, disable) -> None:
    result = outcome(status, "http://elsewhere")
    assert (result.ok, result.permanent, result.disable_webhook, result.status_code) == (ok, permanent, disable,
                                                                                         status)


def test_redirect_is_reported_not_followed() -> None:
    assert "not followed" in outcome(302, "http://10.0.0.1/").error


def test_smtp_urls() -> None:
    plain = parse_smtp_url("smtp://127.0.0.1:2525?from=duban@example.gov.cn")
    assert (plain.host, plain.port, plain.sender, plain.use_tls, plain.username) == (
        "127.0.0.1", 2525, "duban@example.gov.cn", False, None)
    secure = parse_smtp_url("smtps://user%40x:p%40ss@mail.example.gov.cn")
    assert (secure.port, secure.use_tls, secure.username, secure.password) == (465, True, "user@x", "p@ss")
    assert parse_smtp_url("smtp://h?starttls=true").start_tls is True
    with pytest.raises(ValueError):
        parse_smtp_url("http://mail")


async def test_each_receiving_host_has_its_own_connection_pool_and_the_least_recent_go(monkeypatch) -> None:
    from services.notify.channels import webhook
    monkeypatch.setattr(webhook, "POOLED_HOSTS", 2)
    sender = webhook.WebhookSender(clock=None, policy=AddressPolicy())
    a = sender._client_for("a.example.gov.cn")
    assert sender._client_for("a.example.gov.cn") is a
    b = sender._client_for("b.example.gov.cn")  # same address or not, another host: another pool
    assert b is not a
    assert sender._client_for("a.example.gov.cn") is a  # a used again: b is now the least recent
    async with sender._pool("c.example.gov.cn"):  # a third host: b's pool goes, closed after this request
        assert list(sender._clients) == ["a.example.gov.cn", "c.example.gov.cn"]
    assert b.is_closed and not a.is_closed and sender._retired == []
    await sender.close()
    assert a.is_closed and sender._clients == {}
