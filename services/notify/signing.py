"""Standard Webhooks signing (https://www.standardwebhooks.com): `whsec_` secrets, and the `webhook-id`,
`webhook-timestamp` and `webhook-signature` headers over `id.timestamp.body`.

The HMAC itself is the `standardwebhooks` reference library's, so our signatures are the spec's by construction.
During a secret rotation the header carries one `v1,` signature per secret, space-separated.
"""
from __future__ import annotations

import base64
import binascii
import secrets as random_secrets
from collections.abc import Sequence
from datetime import datetime, timezone

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64  # the spec's bounds


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(random_secrets.token_bytes(SECRET_BYTES)).decode()


def check_secret(secret: str) -> str | None:
    """None if `secret` is a valid `whsec_` secret, else why not."""
    if not secret.startswith(SECRET_PREFIX):
        return f"a secret must start with {SECRET_PREFIX}"
    try:
        raw = base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        return "a secret must be whsec_ followed by base64"
    if not MIN_SECRET_BYTES <= len(raw) <= MAX_SECRET_BYTES:
        return f"a secret must decode to {MIN_SECRET_BYTES}–{MAX_SECRET_BYTES} bytes"
    return None


def signature_header(secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64>` for each secret, space-separated (several only while a rotation is in progress)."""
    when = datetime.fromtimestamp(timestamp, timezone.utc)
    text = body.decode("utf-8")
    return " ".join(Webhook(secret).sign(msg_id, when, text) for secret in secrets)


def webhook_headers(secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature_header(secrets, msg_id, timestamp, body),
            "content-type": "application/json"}
