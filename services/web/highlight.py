"""Where each extracted fact sits in its clause, so the document page can colour it for a clerk to check.

The contract gives clauses their spans in the normalised document text but facts only their printed text, so a
fact is found by searching its clause: white space inside the printed form is optional (`10 月底前` matches
`10月底前`), every occurrence is marked, and where two facts overlap the one starting first (then the longer)
keeps the shared characters. Pure: text and facts in, segments out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

KINDS = ("unit", "official", "target", "deadline")
KIND_LABELS = {"unit": "单位", "official": "领导", "target": "目标", "deadline": "时限"}
ROLE_LABELS = {"lead": "牵头", "support": "配合", "responsible": "责任", 1: "牵头", 2: "配合", 3: "责任"}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Fact:
    kind: str  # one of KINDS
    text: str  # as printed
    note: str  # what the extractor made of it, shown on hover


@dataclass(frozen=True)
class Segment:
    text: str
    fact: Fact | None = None


@dataclass(frozen=True)
class Block:
    """A run of document text: a clause (with its path) or the text between clauses."""
    segments: tuple[Segment, ...]
    path: str | None = None
    depth: int = 0
    listed: tuple[Fact, ...] = ()  # units and officials of the clause printed outside its text
    missing: tuple[Fact, ...] = ()  # targets and deadlines not found in its text: worth a check


def clause_facts(clause: dict[str, Any]) -> list[Fact]:
    """The facts of one contract clause object."""
    facts = [Fact("unit", u["name"], ROLE_LABELS.get(u.get("role"), "") + (
        f"：{u['canonical']}" if u.get("canonical") and u["canonical"] != u["name"] else ""))
             for u in clause.get("units", [])]
    facts += [Fact("official", name, "牵头领导") for name in clause.get("officials", [])]
    facts += [Fact("deadline", d["text"], d.get("date") or d.get("kind", "")) for d in clause.get("deadlines", [])]
    facts += [Fact("target", t["text"], f"{t.get('op', '')} {t.get('value', '')}{t.get('unit', '')}".strip())
              for t in clause.get("targets", [])]
    return facts


def _pattern(printed: str) -> re.Pattern[str] | None:
    chars = _SPACE.sub("", printed)
    return re.compile(r"\s*".join(map(re.escape, chars))) if chars else None


def highlight(text: str, facts: list[Fact]) -> tuple[Segment, ...]:
    """`text` cut into plain and fact segments; facts not found in the text are left out."""
    found: list[tuple[int, int, Fact]] = []
    for fact in facts:
        pattern = _pattern(fact.text)
        if pattern is not None:
            found += [(m.start(), m.end(), fact) for m in pattern.finditer(text)]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    segments: list[Segment] = []
    pos = 0
    for start, end, fact in found:
        if end <= pos:
            continue  # inside a fact already marked
        start = max(start, pos)  # overlapping: mark the part after the fact already marked
        if start > pos:
            segments.append(Segment(text[pos:start]))
        segments.append(Segment(text[start:end], fact))
        pos = end
    if pos < len(text):
        segments.append(Segment(text[pos:]))
    return tuple(segments)


PRINTED_IN_CLAUSE = frozenset({"target", "deadline"})  # units and officials may sit on their own lines


def unprinted(text: str, facts: list[Fact]) -> tuple[list[Fact], list[Fact]]:
    """Facts not found in the clause text, as (listed, missing). Units and officials often stand outside the
    clause's own sentence (a 责任单位 line, a table column, an enclosing heading), so they are only listed;
    a target or deadline should be printed in the clause, so its absence is worth a clerk's check."""
    absent = [f for f in facts if (p := _pattern(f.text)) is not None and p.search(text) is None]
    return ([f for f in absent if f.kind not in PRINTED_IN_CLAUSE],
            [f for f in absent if f.kind in PRINTED_IN_CLAUSE])


def path_depth(path: str) -> int:
    """Nesting depth for indentation: `2.3` is 1, `2/3.1` is 1 (part prefix ignored), table rows 0."""
    return 0 if path.startswith("table") else path.rsplit("/", 1)[-1].count(".")


def layout_document(text: str | None, clauses: list[dict[str, Any]]) -> list[Block]:
    """Blocks to display. With the normalised document text, gaps between clause spans are shown too and each
    clause shows its span of that text; without it, the clause texts alone, in order."""
    blocks: list[Block] = []
    pos = 0
    for clause in sorted(clauses, key=lambda c: c["span"][0]) if text else clauses:
        start, end = clause["span"]
        shown = clause["text"]
        if text and pos <= start <= end <= len(text):
            if start > pos:
                blocks.append(Block((Segment(text[pos:start]),)))
            shown, pos = text[start:end], end
        facts = clause_facts(clause)
        listed, missing = unprinted(shown, facts)
        blocks.append(Block(highlight(shown, facts), clause["path"], path_depth(clause["path"]),
                            tuple(listed), tuple(missing)))
    if text and pos < len(text):
        blocks.append(Block((Segment(text[pos:]),)))
    return blocks
