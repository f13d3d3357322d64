"""Registry events: the diff between two versions of a document, as outbox rows.

Subjects and payloads (JSON; every payload has `id` = Nats-Msg-Id, `type` = subject, `time`, `document`):
- `duban.registry.responsibility.assigned` / `.removed`: `responsibility` = {clause_path, clause_text, unit,
  canonical_unit, unit_key, role, due_date}.
- `duban.registry.deadline.added` / `.changed`: `deadline` = {clause_path, clause_text, text, date, kind, status,
  unit_keys}; `.changed` also has `previous` = {date, status} (status "removed" when the new version dropped it);
  `.added` also has `known_unit_keys`: the units that already had the clause's task in the previous version (they
  learn of the new deadline from this event; a unit new to the task gets it in its assignment digest).
- `duban.registry.document.repealed`: `repealed_by` = {id, doc_number, title, version}, `relation`
  ("repeals" or "expires"), `effective_date`, `cancelled_deadlines`.
- `duban.registry.document.expired`: the document's own validity (有效期至) ended: `expiry_date`,
  `cancelled_deadlines`.
`document` = {id, doc_number, title, version}. Dates are ISO strings or null.

Event ids are derived from (document, version, fact), so a replayed write produces the same ids and the
NATS duplicate window (and consumers' unique keys) drop the copy.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection

from services.runtime.db import sql
from services.runtime.tracing import inject_headers

PREFIX = "duban.registry"
RESPONSIBILITY_ASSIGNED = f"{PREFIX}.responsibility.assigned"
RESPONSIBILITY_REMOVED = f"{PREFIX}.responsibility.removed"
DEADLINE_ADDED = f"{PREFIX}.deadline.added"
DEADLINE_CHANGED = f"{PREFIX}.deadline.changed"
DOCUMENT_REPEALED = f"{PREFIX}.document.repealed"
DOCUMENT_EXPIRED = f"{PREFIX}.document.expired"
OUTBOX_LOCK = 4_242_003  # pg_advisory_xact_lock key serialising outbox appends


@dataclass(frozen=True, slots=True)
class DocumentRef:
    id: str
    doc_number: str | None
    title: str | None
    version: int

    def as_json(self) -> dict:
        return {"id": self.id, "doc_number": self.doc_number, "title": self.title, "version": self.version}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class ResponsibilityFact:
    clause_path: str
    clause_text: str
    unit: str
    canonical_unit: str | None
    unit_key: str
    role: str
    due_date: date | None

    def as_json(self) -> dict:
        return {"clause_path": self.clause_path, "clause_text": self.clause_text, "unit": self.unit,
                "canonical_unit": self.canonical_unit, "unit_key": self.unit_key, "role": self.role,
                "due_date": _iso(self.due_date)}


@dataclass(frozen=True, slots=True)
class DeadlineFact:
    clause_path: str
    clause_text: str
    text: str
    date: date | None
    kind: str
    status: str
    unit_keys: tuple[str, ...]

    def as_json(self, status: str | None = None) -> dict:
        return {"clause_path": self.clause_path, "clause_text": self.clause_text, "text": self.text,
                "date": _iso(self.date), "kind": self.kind, "status": status or self.status,
                "unit_keys": list(self.unit_keys)}


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    subject: str
    payload_json: str


class _EventMaker:
    """Builds the events of one write: document and time serialised once, each payload dumped once."""

    def __init__(self, document: DocumentRef) -> None:
        self._document = document.as_json()
        self._time = datetime.now(UTC).isoformat()

    def __call__(self, subject: str, identity: str, **fields) -> Event:
        event_id = hashlib.sha256(f"{subject}|{identity}".encode()).hexdigest()[:32]
        payload = {"id": event_id, "type": subject, "time": self._time, "document": self._document, **fields}
        return Event(event_id, subject, orjson.dumps(payload).decode())


def diff_events(document: DocumentRef, old: tuple[dict, dict], new: tuple[dict, dict]) -> list[Event]:
    """Events for what changed from `old` to `new` (each a pair of {key: ResponsibilityFact}, {key: DeadlineFact})."""
    old_resp, old_dl = old
    new_resp, new_dl = new
    make = _EventMaker(document)
    base = f"{document.id}|{document.version}"
    out = [make(RESPONSIBILITY_ASSIGNED, f"{base}|{key}", responsibility=fact.as_json())
           for key, fact in new_resp.items() if key not in old_resp]
    out += [make(RESPONSIBILITY_REMOVED, f"{base}|{key}", responsibility=fact.as_json())
            for key, fact in old_resp.items() if key not in new_resp]
    old_units_by_path: dict[str, set[str]] = {}
    for path, unit_key, _role in old_resp:
        old_units_by_path.setdefault(path, set()).add(unit_key)
    for key, fact in new_dl.items():
        before = old_dl.get(key)
        if before is None:
            known = sorted(old_units_by_path.get(fact.clause_path, set()).intersection(fact.unit_keys))
            out.append(make(DEADLINE_ADDED, f"{base}|{key}", deadline=fact.as_json(), known_unit_keys=known))
        elif before.date != fact.date:
            out.append(make(DEADLINE_CHANGED, f"{base}|{key}", deadline=fact.as_json(),
                            previous={"date": _iso(before.date), "status": before.status}))
    out += [make(DEADLINE_CHANGED, f"{base}|{key}|removed", deadline=fact.as_json("removed"),
                 previous={"date": _iso(fact.date), "status": fact.status})
            for key, fact in old_dl.items() if key not in new_dl]
    return out


def repealed_event(target: DocumentRef, by: DocumentRef, relation: str, effective: date | None,
                   cancelled_deadlines: int) -> Event:
    return _EventMaker(target)(DOCUMENT_REPEALED, f"{target.id}|{by.id}|{relation}", repealed_by=by.as_json(),
                               relation=relation, effective_date=_iso(effective),
                               cancelled_deadlines=cancelled_deadlines)


def expired_event(document: DocumentRef, expiry: date, cancelled_deadlines: int) -> Event:
    return _EventMaker(document)(DOCUMENT_EXPIRED, f"{document.id}|expired|{expiry.isoformat()}",
                                 expiry_date=expiry.isoformat(), cancelled_deadlines=cancelled_deadlines)


async def write_outbox(conn: AsyncConnection, events: list[Event],
                       traceparents: Sequence[str | None] | None = None) -> None:
    """Append events to the outbox in the caller's transaction (COPY; the relay publishes them).

    `traceparents`, one per event, for a transaction that writes several documents' events, each of its own
    trace; by default every event carries the current span's."""
    if not events:
        return
    # Writers append to the outbox one at a time until commit, so seq order is commit order and a reader
    # following seq (WatchEvents) never passes over an event that commits later with a smaller seq.
    await conn.execute(sql("SELECT pg_advisory_xact_lock(:k)"), {"k": OUTBOX_LOCK})
    if traceparents is None:
        traceparents = [inject_headers({}).get("traceparent")] * len(events)  # the document being registered
    raw = await conn.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(
        "outbox", columns=("id", "subject", "payload", "traceparent"),
        records=[(e.id, e.subject, e.payload_json, tp) for e, tp in zip(events, traceparents, strict=True)])
