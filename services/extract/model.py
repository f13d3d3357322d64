"""Extraction results as plain dataclasses, shaped like ../shared/contracts/extraction.md.

Every extractor module returns these; `to_contract` turns a Document into the JSON object that
`duban extract` prints and the `duban.documents.extracted` events carry.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["lead", "support", "responsible"]
DeadlineKind = Literal["due", "milestone", "period", "effective", "expiry", "recurring"]
TargetOp = Literal[">=", "<=", "=", "~"]
RelationType = Literal["repeals", "expires", "amends"]


@dataclass(frozen=True)
class Unit:
    name: str  # surface form as printed, white space removed
    role: Role
    canonical: str | None = None  # full official name from the unit directory, None if unknown


@dataclass(frozen=True)
class Deadline:
    text: str  # the expression as printed
    date: str | None  # ISO date, None for recurring
    kind: DeadlineKind


@dataclass(frozen=True)
class Target:
    text: str
    value: float | int
    unit: str
    op: TargetOp


@dataclass(frozen=True)
class Relation:
    type: RelationType
    doc_number: str
    effective_date: str | None = None


@dataclass
class Clause:
    path: str
    text: str
    span: tuple[int, int]  # character offsets in the normalised document text
    officials: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    file: str
    start_line: int
    end_line: int


@dataclass
class Document:
    doc_number: str | None
    title: str | None
    issuers: list[str]
    signed_date: str | None
    source: Source
    effective_date: str | None = None
    expiry_date: str | None = None
    attachments: list[str] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    text: str = ""  # normalised document text the clause spans point into (not in the contract)


def _unit_to_dict(unit: Unit) -> dict[str, Any]:
    out: dict[str, Any] = {"name": unit.name}
    if unit.canonical:
        out["canonical"] = unit.canonical
    out["role"] = unit.role
    return out


# The dicts below are built by hand, not with dataclasses.asdict: asdict deep-copies every value through
# a generic recursion and cost more than the JSON encoding of the whole output.
def _clause_to_dict(clause: Clause) -> dict[str, Any]:
    return {
        "path": clause.path,
        "text": clause.text,
        "span": list(clause.span),
        "officials": list(clause.officials),
        "units": [_unit_to_dict(u) for u in clause.units],
        "deadlines": [{"text": d.text, "date": d.date, "kind": d.kind} for d in clause.deadlines],
        "targets": [{"text": t.text, "value": t.value, "unit": t.unit, "op": t.op} for t in clause.targets],
    }


def to_contract(doc: Document) -> dict[str, Any]:
    """The contract's JSON object for one document (field order as in the contract)."""
    source = doc.source
    return {
        "doc_number": doc.doc_number,
        "title": doc.title,
        "issuers": list(doc.issuers),
        "signed_date": doc.signed_date,
        "effective_date": doc.effective_date,
        "expiry_date": doc.expiry_date,
        "source": {"file": source.file, "start_line": source.start_line, "end_line": source.end_line},
        "attachments": list(doc.attachments),
        "relations": [
            {"type": r.type, "doc_number": r.doc_number, "effective_date": r.effective_date} for r in doc.relations
        ],
        "clauses": [_clause_to_dict(c) for c in doc.clauses],
    }
