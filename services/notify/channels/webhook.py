"""The webhook channel: POST the signed body with httpx. No redirects are followed, every phase has a timeout, and
an endpoint whose address is internal (loopback, private, link-local, …) is refused unless the operator's
allow-list (DUBAN_WEBHOOK_ALLOW: CIDRs or host names) admits it.

The host is resolved once and the request goes to the checked address (Host header and TLS SNI keep the name),
so a DNS answer that changes between the check and the connection cannot reach an internal address.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpx

from services.notify.clock import Clock
from services.notify.deliveries import ClaimedDelivery, SendResult, body_bytes
from services.notify.signing import webhook_headers
from services.notify.subscriptions import Subscription

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
USER_AGENT = "duban-notify/1"


class AddressPolicy:
    """Which resolved addresses webhooks may reach: any public address, and internal ones the allow-list names."""

    def __init__(self, allow: Iterable[str] = ()) -> None:
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        self.hosts: set[str] = set()
        for entry in allow:
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(entry.lower().rstrip("."))

    def permits(self, host: str, address: IPAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if host.lower().rstrip(".") in self.hosts or any(address in net for net in self.networks):
            return True
        return address.is_global and not address.is_multicast


class Blocked(Exception):
    pass


async def resolve(host: str, port: int) -> list[IPAddress]:
    try:  # an address already: no lookup (getaddrinfo runs in a thread)
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos))


async def pinned_address(url: str, policy: AddressPolicy) -> IPAddress:
    """The address to connect to; Blocked if any address the host resolves to is not allowed."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = await resolve(parts.hostname or "", port)
    refused = [str(a) for a in addresses if not policy.permits(parts.hostname or "", a)]
    if refused or not addresses:
        raise Blocked(f"{parts.hostname} resolves to {', '.join(refused) or 'nothing'}, which is internal and "
                      "not in DUBAN_WEBHOOK_ALLOW")
    return addresses[0]


class WebhookSender:
    def __init__(self, clock: Clock, policy: AddressPolicy, timeout: httpx.Timeout = DEFAULT_TIMEOUT,
                 verify: ssl.SSLContext | bool = True) -> None:
        self.clock, self.policy = clock, policy
        # trust_env=False: an environment proxy would connect on our behalf, past the address check.
        self.client = httpx.AsyncClient(follow_redirects=False, timeout=timeout, trust_env=False, verify=verify)

    async def send(self, delivery: ClaimedDelivery, subscription: Subscription) -> SendResult:
        url = subscription.webhook_url or ""
        now = self.clock.now()
        body = body_bytes(delivery.payload)
        headers = webhook_headers(subscription.signing_secrets(now), delivery.id, int(now.timestamp()), body)
        try:
            address = await pinned_address(url, self.policy)
        except Blocked as exc:
            return SendResult(False, str(exc), permanent=True)
        except OSError as exc:
            return SendResult(False, f"cannot resolve {urlsplit(url).hostname}: {exc}")
        target = httpx.URL(url)
        request = self.client.build_request(
            "POST", target.copy_with(host=str(address)), content=body,
            headers={**headers, "host": target.netloc.decode("ascii"), "user-agent": USER_AGENT},
            extensions={"sni_hostname": target.host} if target.scheme == "https" else {})
        try:
            response = await self.client.send(request, stream=True)  # the receiver's body is never read
            await response.aclose()
        except httpx.TimeoutException as exc:
            return SendResult(False, f"timed out ({type(exc).__name__})")
        except httpx.HTTPError as exc:
            return SendResult(False, f"{type(exc).__name__}: {exc}")
        return outcome(response.status_code, response.headers.get("location"))

    async def close(self) -> None:
        await self.client.aclose()


def outcome(status: int, location: str | None = None) -> SendResult:
    """2xx delivered; 410 Gone disables the endpoint; a redirect is not followed; anything else is retried."""
    if 200 <= status < 300:
        return SendResult(True, status_code=status)
    if status == 410:
        return SendResult(False, "410 Gone: the endpoint asked to stop; webhook disabled", status, permanent=True,
                          disable_webhook=True)
    if 300 <= status < 400:
        return SendResult(False, f"HTTP {status}: redirect to {location or '?'} not followed", status)
    return SendResult(False, f"HTTP {status}", status)
