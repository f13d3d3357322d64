"""Subscriptions: a unit's webhook and/or e-mail address, the event types it wants and its reminder offsets.

A subscription matches the registry's `unit_key`s that concern its unit (`UnitDirectory.query_keys`): the unit
itself, the groups containing it (各县（市、区）政府) and the "each county's X" pattern, so a subscription hears exactly
what `ListResponsibilities(unit=…)` returns. The keys are stored (GIN-indexed) and refreshed at start-up, when
the unit directory may have changed.
"""
from __future__ import annotations

from services.notify.event_types import EVENT_TYPES  # noqa: F401  (part of this module's API)

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notify.signing import check_secret, new_secret
from services.registry.units import UnitDirectory
from services.runtime.db import sql

DEFAULT_REMINDER_OFFSETS = (30, 7, 3, 1, 0, -1)  # days before; 0 the day itself, -1 the day after (overdue)
ROTATION_GRACE = timedelta(hours=24)  # the old secret keeps signing this long after a new one is set
FIELDS = ("unit", "webhook_url", "secret", "email", "event_types", "reminder_offsets")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidSubscription(ValueError):
    pass


@dataclass(frozen=True)
class SubscriptionSpec:
    """What a client asks for (create, or the new values of an update)."""
    unit: str = ""
    webhook_url: str = ""
    secret: str = ""
    email: str = ""
    event_types: tuple[str, ...] = ()
    reminder_offsets: tuple[int, ...] = ()


@dataclass(frozen=True)
class Subscription:
    id: int
    unit: str
    canonical_unit: str | None
    match_keys: tuple[str, ...]
    webhook_url: str | None
    secret: str | None
    email: str | None
    event_types: tuple[str, ...]
    reminder_offsets: tuple[int, ...]
    created_at: datetime
    webhook_disabled_reason: str | None = None
    previous_secret: str | None = None
    previous_secret_expires_at: datetime | None = None
    new_secret_issued: bool = field(default=False, compare=False)  # show the secret in this response

    def channels(self) -> list[str]:
        return [c for c, present in (("webhook", self.webhook_url), ("email", self.email)) if present]

    def signing_secrets(self, now: datetime) -> list[str]:
        """The current secret, and the previous one while its rotation grace lasts."""
        keys = [self.secret] if self.secret else []
        if self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > now:
            keys.append(self.previous_secret)
        return keys


def validate(spec: SubscriptionSpec, fields: Iterable[str] = FIELDS) -> None:
    """Raise InvalidSubscription naming the first bad field among `fields`."""
    fields = set(fields)
    if "unit" in fields and not spec.unit.strip():
        raise InvalidSubscription("unit is required")
    if "webhook_url" in fields and spec.webhook_url:
        parts = urlsplit(spec.webhook_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidSubscription(f"webhook_url must be an http(s) URL, not {spec.webhook_url!r}")
    if "secret" in fields and spec.secret and (problem := check_secret(spec.secret)):
        raise InvalidSubscription(problem)
    if "email" in fields and spec.email and not _EMAIL.match(spec.email):
        raise InvalidSubscription(f"email {spec.email!r} is not an e-mail address")
    if "event_types" in fields and (unknown := set(spec.event_types) - set(EVENT_TYPES)):
        raise InvalidSubscription(f"unknown event types {sorted(unknown)}; known: {', '.join(EVENT_TYPES)}")
    if "reminder_offsets" in fields and any(not -30 <= d <= 365 for d in spec.reminder_offsets):
        raise InvalidSubscription("reminder offsets must be days between -30 and 365")


_COLUMNS = ("id, unit, canonical_unit, match_keys, webhook_url, secret, email, event_types, reminder_offsets, "
            "created_at, webhook_disabled_reason, previous_secret, previous_secret_expires_at")


def _from_row(row) -> Subscription:
    return Subscription(row.id, row.unit, row.canonical_unit, tuple(row.match_keys), row.webhook_url, row.secret,
                        row.email, tuple(row.event_types), tuple(row.reminder_offsets), row.created_at,
                        row.webhook_disabled_reason, row.previous_secret, row.previous_secret_expires_at)


def _unit_columns(unit: str, directory: UnitDirectory) -> dict:
    key, _ = directory.storage_key(unit, None)
    known = key in directory.units
    return {"unit": unit.strip(), "canonical_unit": key if known else None, "match_keys": directory.query_keys(unit)}


async def create(conn: AsyncConnection, spec: SubscriptionSpec, directory: UnitDirectory,
                 now: datetime) -> Subscription:
    validate(spec)
    if not spec.webhook_url and not spec.email:
        raise InvalidSubscription("give a webhook_url, an email, or both")
    values = {**_unit_columns(spec.unit, directory), "webhook_url": spec.webhook_url or None,
              "secret": (spec.secret or new_secret()) if spec.webhook_url else None, "email": spec.email or None,
              "event_types": list(dict.fromkeys(spec.event_types)),
              "reminder_offsets": sorted(set(spec.reminder_offsets or DEFAULT_REMINDER_OFFSETS), reverse=True),
              "now": now}
    row = (await conn.execute(sql(
        "INSERT INTO notify_subscriptions (unit, canonical_unit, match_keys, webhook_url, secret, email, "
        "event_types, reminder_offsets, created_at, updated_at) VALUES (:unit, :canonical_unit, :match_keys, "
        f":webhook_url, :secret, :email, :event_types, :reminder_offsets, :now, :now) RETURNING {_COLUMNS}"),
        values)).one()
    return replace(_from_row(row), new_secret_issued=bool(spec.webhook_url))


async def get(conn: AsyncConnection, subscription_id: int) -> Subscription | None:
    row = (await conn.execute(sql(f"SELECT {_COLUMNS} FROM notify_subscriptions WHERE id = :id"),
                              {"id": subscription_id})).first()
    return None if row is None else _from_row(row)


async def get_subscriptions(conn: AsyncConnection, ids: Iterable[int]) -> dict[int, Subscription]:
    rows = (await conn.execute(sql(f"SELECT {_COLUMNS} FROM notify_subscriptions WHERE id = ANY(:ids)"),
                               {"ids": list(ids)})).all()
    return {r.id: _from_row(r) for r in rows}


async def list_page(conn: AsyncConnection, *, unit_key: str | None, after_id: int, limit: int
                    ) -> list[Subscription]:
    """Subscriptions with id > after_id, oldest first; only those of `unit_key` when given."""
    rows = (await conn.execute(sql(
        f"SELECT {_COLUMNS} FROM notify_subscriptions WHERE id > :after "
        "AND (CAST(:key AS text) IS NULL OR match_keys[1] = :key) ORDER BY id LIMIT :n"),
        {"after": after_id, "key": unit_key, "n": limit})).all()
    return [_from_row(r) for r in rows]


async def matching(conn: AsyncConnection, unit_keys: Sequence[str]) -> list[Subscription]:
    """Every subscription concerned by a responsibility stored under any of `unit_keys`."""
    rows = (await conn.execute(sql(
        f"SELECT {_COLUMNS} FROM notify_subscriptions WHERE match_keys && CAST(:keys AS text[]) ORDER BY id"),
        {"keys": list(unit_keys)})).all()
    return [_from_row(r) for r in rows]


async def concerned_keys(pool: asyncpg.Pool, unit_keys: Sequence[str]) -> set[str]:
    """Which of `unit_keys` (keys responsibilities are stored under) some subscription is concerned by: one lean
    read for a whole batch of events, so the many that concern no subscriber need no transaction."""
    rows = await pool.fetch("SELECT k FROM unnest($1::text[]) AS k WHERE EXISTS "
                            "(SELECT 1 FROM notify_subscriptions WHERE match_keys && ARRAY[k])", list(set(unit_keys)))
    return {row[0] for row in rows}


async def update(conn: AsyncConnection, subscription_id: int, spec: SubscriptionSpec, mask: Sequence[str],
                 directory: UnitDirectory, now: datetime) -> Subscription | None:
    """Change the fields in `mask`. A new secret (given, or generated for an empty one) starts a rotation; a new
    URL or secret re-enables a webhook disabled by 410 Gone."""
    unknown = set(mask) - set(FIELDS)
    if unknown or not mask:
        raise InvalidSubscription(f"update_mask must name some of {', '.join(FIELDS)}; got {sorted(unknown)}")
    validate(spec, mask)
    current = (await conn.execute(sql(f"SELECT {_COLUMNS} FROM notify_subscriptions WHERE id = :id FOR UPDATE"),
                                  {"id": subscription_id})).first()
    if current is None:
        return None
    old = _from_row(current)
    values: dict = {}
    if "unit" in mask:
        values.update(_unit_columns(spec.unit, directory))
    if "email" in mask:
        values["email"] = spec.email or None
    if "event_types" in mask:
        values["event_types"] = list(dict.fromkeys(spec.event_types))
    if "reminder_offsets" in mask:
        values["reminder_offsets"] = sorted(set(spec.reminder_offsets or DEFAULT_REMINDER_OFFSETS), reverse=True)
    rotated = False
    if "webhook_url" in mask:
        values["webhook_url"] = spec.webhook_url or None
        values["webhook_disabled_reason"] = None
        if spec.webhook_url and not old.secret and "secret" not in mask:
            values["secret"], rotated = new_secret(), True
    if "secret" in mask:
        values["secret"], rotated = spec.secret or new_secret(), True
        values["webhook_disabled_reason"] = None
        if old.secret:
            values["previous_secret"], values["previous_secret_expires_at"] = old.secret, now + ROTATION_GRACE
    if not (values.get("webhook_url", old.webhook_url) or values.get("email", old.email)):
        raise InvalidSubscription("a subscription needs a webhook_url, an email, or both")
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    row = (await conn.execute(sql(
        f"UPDATE notify_subscriptions SET {assignments}, updated_at = :now WHERE id = :id RETURNING {_COLUMNS}"),
        {**values, "now": now, "id": subscription_id})).one()
    return replace(_from_row(row), new_secret_issued=rotated)


async def delete(conn: AsyncConnection, subscription_id: int) -> bool:
    result = await conn.execute(sql("DELETE FROM notify_subscriptions WHERE id = :id"), {"id": subscription_id})
    return result.rowcount > 0


async def refresh_match_keys(conn: AsyncConnection, directory: UnitDirectory) -> int:
    """Recompute every subscription's unit keys from the (possibly updated) unit directory."""
    rows = (await conn.execute(sql("SELECT id, unit FROM notify_subscriptions"))).all()
    for row in rows:
        await conn.execute(sql(
            "UPDATE notify_subscriptions SET canonical_unit = :canonical_unit, match_keys = :match_keys "
            "WHERE id = :id"), {**_unit_columns(row.unit, directory), "id": row.id})
    return len(rows)
