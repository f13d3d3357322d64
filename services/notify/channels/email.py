"""The e-mail channel: plain-text and HTML bodies in Chinese over SMTP (aiosmtplib).

DUBAN_SMTP_URL: `smtp://[user:password@]host[:port][?from=addr&starttls=true]`, or `smtps://…` for TLS from the
first byte. The Message-ID is derived from the delivery id, so a resent message can be recognised.
"""
from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from services.notify.clock import Clock
from services.notify.deliveries import ClaimedDelivery, SendResult
from services.notify.render import render_email
from services.notify.subscriptions import Subscription

DEFAULT_FROM = "duban@localhost"
TIMEOUT = 30.0


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool | None = None  # None: STARTTLS if the server offers it


def parse_smtp_url(url: str) -> SmtpSettings:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"DUBAN_SMTP_URL must look like smtp://host:port or smtps://host:port, not {url!r}")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    tls = parts.scheme == "smtps"
    starttls = query.get("starttls")
    return SmtpSettings(
        host=parts.hostname, port=parts.port or (465 if tls else 25), sender=query.get("from", DEFAULT_FROM),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None, use_tls=tls,
        start_tls=None if starttls is None else starttls.lower() in ("1", "true", "yes"))


def build_message(delivery: ClaimedDelivery, to: str, sender: str, clock: Clock) -> EmailMessage:
    content = render_email(delivery.event_type, delivery.payload.get("data", {}))
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = content.subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = f"<{delivery.id}@duban>"
    message.set_content(content.text)
    message.add_alternative(content.html, subtype="html")
    return message


class EmailSender:
    def __init__(self, settings: SmtpSettings, clock: Clock) -> None:
        self.settings, self.clock = settings, clock

    async def send(self, delivery: ClaimedDelivery, subscription: Subscription) -> SendResult:
        s = self.settings
        message = build_message(delivery, subscription.email or "", s.sender, self.clock)
        try:
            await aiosmtplib.send(message, hostname=s.host, port=s.port, username=s.username, password=s.password,
                                  use_tls=s.use_tls, start_tls=s.start_tls, timeout=TIMEOUT)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            return SendResult(False, f"recipient refused: {exc}", permanent=True)
        except aiosmtplib.SMTPResponseException as exc:
            # 5xx is the server's final word; 4xx is worth retrying.
            return SendResult(False, f"SMTP {exc.code}: {exc.message}", permanent=exc.code >= 500)
        except (aiosmtplib.SMTPException, OSError) as exc:
            return SendResult(False, f"{type(exc).__name__}: {exc}")
        return SendResult(True)
