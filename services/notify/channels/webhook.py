"""The webhook channel: POST the signed body with httpx. No redirects are followed, every phase has a timeout, and
an endpoint whose address is internal (loopback, private, link-local, …) is refused unless the operator's
allow-list (DUBAN_WEBHOOK_ALLOW: CIDRs or host names) admits it.

The host is resolved once and the request goes to the checked address (Host header and TLS SNI keep the name),
so a DNS answer that changes between the check and the connection cannot reach an internal address. Connections
are kept open and used again, each host's in its own pool.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httpx

from services.notify.clock import Clock
from services.notify.deliveries import ClaimedDelivery, SendResult, body_bytes
from services.notify.signing import webhook_headers
from services.notify.subscriptions import Subscription

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
USER_AGENT = "duban-notify/1"
RESPONSE_READ_LIMIT = 64 * 1024  # bytes of a receiver's reply read so its connection can be used again
POOLED_HOSTS = 256  # receiving hosts whose connections are kept open, the most recently used


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
        self.timeout, self.verify = timeout, verify
        self._clients: OrderedDict[str, httpx.AsyncClient] = OrderedDict()  # by host, least recently used first
        self._sending: Counter[httpx.AsyncClient] = Counter()  # requests in flight on each pool
        self._retired: list[httpx.AsyncClient] = []  # pushed out of _clients, closed once no request is in flight

    def _client_for(self, host: str) -> httpx.AsyncClient:
        """The connection pool of one receiving host. Requests go to a checked address, not the name, so a pool
        shared by several hosts could hand one host's TLS connection (its SNI, its certificate) to another host
        at the same address: each host keeps its own."""
        client = self._clients.pop(host, None)
        if client is None:
            # trust_env=False: an environment proxy would connect on our behalf, past the address check.
            client = httpx.AsyncClient(follow_redirects=False, timeout=self.timeout, trust_env=False,
                                       verify=self.verify)
            if len(self._clients) >= POOLED_HOSTS:
                self._retired.append(self._clients.popitem(last=False)[1])
        self._clients[host] = client
        return client

    @asynccontextmanager
    async def _pool(self, host: str) -> AsyncIterator[httpx.AsyncClient]:
        """The host's pool for one request. A pool pushed out meanwhile is closed after its last request ends:
        closing it at once would break the deliveries still using it."""
        client = self._client_for(host)
        self._sending[client] += 1
        try:
            yield client
        finally:
            self._sending[client] -= 1
            if not self._sending[client]:
                del self._sending[client]
            idle = [retired for retired in self._retired if retired not in self._sending]
            self._retired = [retired for retired in self._retired if retired in self._sending]
            for retired in idle:
                await retired.aclose()

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
        try:
            async with self._pool(target.host) as client:
                request = client.build_request(
                    "POST", target.copy_with(host=str(address)), content=body,
                    headers={**headers, "host": target.netloc.decode("ascii"), "user-agent": USER_AGENT},
                    extensions={"sni_hostname": target.host} if target.scheme == "https" else {})
                response = await client.send(request, stream=True)
                try:
                    # A short reply (most are empty) is read to its end, so the connection serves the next
                    # delivery (one left unread is closed); a long one is not read on: its connection is closed.
                    received = 0
                    async for chunk in response.aiter_raw():
                        received += len(chunk)
                        if received > RESPONSE_READ_LIMIT:
                            break
                finally:
                    await response.aclose()
        except httpx.TimeoutException as exc:
            return SendResult(False, f"timed out ({type(exc).__name__})")
        except httpx.HTTPError as exc:
            return SendResult(False, f"{type(exc).__name__}: {exc}")
        return outcome(response.status_code, response.headers.get("location"))

    async def close(self) -> None:
        for client in [*self._clients.values(), *self._retired]:
            await client.aclose()
        self._clients.clear()
        self._retired.clear()


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
