"""Opaque page tokens: the last row's sort key plus a fingerprint of the filters it was issued for, so a token
cannot be replayed against a different query."""
from __future__ import annotations

import base64
import hashlib
import json

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class InvalidPageToken(ValueError):
    pass


def page_size(requested: int) -> int:
    if requested < 0:
        raise ValueError("page_size must not be negative")
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def _fingerprint(filters: object) -> str:
    return hashlib.sha256(json.dumps(filters, sort_keys=True, default=str).encode()).hexdigest()[:12]


def encode_token(last_key: list, filters: object) -> str:
    raw = json.dumps({"k": last_key, "f": _fingerprint(filters)}, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str, filters: object) -> list | None:
    """The last key of the previous page, or None for the first page; InvalidPageToken if it is not ours or
    was issued for other filters."""
    if not token:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        key, fingerprint = data["k"], data["f"]
    except (ValueError, KeyError, TypeError):
        raise InvalidPageToken("page_token is not a token this server issued") from None
    if fingerprint != _fingerprint(filters) or not isinstance(key, list):
        raise InvalidPageToken("page_token was issued for a different query; start again without it")
    return key
