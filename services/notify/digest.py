"""Digests: one message per (unit, document) listing every new responsibility — not thirty messages for thirty
tasks. Pure: registry facts in, the webhook's `data` object out (email text is rendered from the same object)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from services.web.urls import document_url, unit_url

EVENT_TYPE = "responsibility.assigned"
ROLE_LABELS = {"lead": "牵头单位", "support": "配合单位", "responsible": "责任单位"}
_NUMBER = re.compile(r"(\d+)")


@dataclass(frozen=True)
class DeadlineInfo:
    text: str
    date: str | None  # ISO
    kind: str


@dataclass(frozen=True)
class TargetInfo:
    text: str
    value: float
    unit: str
    op: str


@dataclass(frozen=True)
class DigestItem:
    """One new responsibility, as snapshotted when its event arrived."""
    clause_path: str
    clause_text: str
    unit: str  # as printed in the document (may be a group such as 各县（市、区）政府)
    role: str  # lead / support / responsible
    deadlines: tuple[DeadlineInfo, ...] = ()
    targets: tuple[TargetInfo, ...] = ()

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict) -> "DigestItem":
        return cls(raw["clause_path"], raw["clause_text"], raw["unit"], raw["role"],
                   tuple(DeadlineInfo(**d) for d in raw.get("deadlines", ())),
                   tuple(TargetInfo(**t) for t in raw.get("targets", ())))


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    doc_number: str | None
    title: str | None
    version: int


@dataclass(frozen=True)
class Digest:
    unit: str  # the subscribed unit
    document: DocumentInfo
    items: tuple[DigestItem, ...] = field(default_factory=tuple)


def clause_order(path: str) -> tuple:
    """Document order for clause paths: 2.10 after 2.9, table rows by number."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in _NUMBER.split(path) if part)


def build_digest(unit: str, document: DocumentInfo, items: Iterable[DigestItem]) -> Digest:
    """Items in document order, each (clause, unit, role) once even if its event arrived twice."""
    unique = {(i.clause_path, i.unit, i.role): i for i in items}
    ordered = sorted(unique.values(), key=lambda i: (clause_order(i.clause_path), i.unit, i.role))
    return Digest(unit, document, tuple(ordered))


def digest_data(digest: Digest, web_base: str) -> dict:
    """The webhook's `data`: the document, and each responsibility with clause path, text, role, deadlines and
    targets, plus links into the web UI."""
    doc = digest.document
    ref = doc.doc_number or doc.id
    return {
        "unit": digest.unit,
        "unit_url": unit_url(web_base, digest.unit),
        "document": {"id": doc.id, "doc_number": doc.doc_number, "title": doc.title, "version": doc.version,
                     "url": document_url(web_base, ref)},
        "count": len(digest.items),
        "responsibilities": [
            {"clause_path": i.clause_path, "text": i.clause_text, "unit": i.unit, "role": i.role,
             "role_label": ROLE_LABELS.get(i.role, i.role),
             "deadlines": [asdict(d) for d in i.deadlines], "targets": [asdict(t) for t in i.targets],
             "url": document_url(web_base, ref, i.clause_path)}
            for i in digest.items],
    }
