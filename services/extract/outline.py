"""Clause hierarchy from printed numbering: 一、 > （一） > 1． > （1） > ①, paths as in the contract.

Numbers are taken as printed (a list numbered 1…73 across sections keeps its numbers). A marker is only
accepted when it continues its level's sequence (1, or up to three past the last number seen at that
level), so a wrapped line that happens to start with `（2024` or `3.` is not a new clause. A clause runs
to the next accepted marker; once it has had its responsibility lines (`责任单位：…`, `（责任单位：…）`),
plain paragraphs after them (closing remarks, captions) belong to no clause.
"""
from __future__ import annotations

import math
import operator
import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMERAL = "[一二三四五六七八九十百零〇]+"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# (rank, pattern) — rank 1 is the outermost level.
_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"(?P<n>{_CN_NUMERAL})(?:、|．|\.(?!\d))")),  # 一、 and, in some offices' style, 一．
    (2, re.compile(rf"[（(](?P<n>{_CN_NUMERAL})[）)]")),
    # A full-width ． always ends an item number (`3．6月底前` is item 3); an ASCII "." followed by a digit is
    # a decimal (`1.5万亩`), not a number.
    (3, re.compile(r"(?P<n>\d{1,3})(?:．(?!．)|\.(?![\d．.])|、)")),
    (4, re.compile(r"[（(](?P<n>\d{1,3})[）)]")),
    (5, re.compile(rf"(?P<n>[{_CIRCLED}])")),
)
_MARKER_FIRST_CHARS = frozenset("一二三四五六七八九十百零〇（(" + _CIRCLED)  # or any digit, as `\d` matches
_MAX_GAP = 3  # numbers may skip a few items (a lost page), not more
# Labels that assign a task (units and officials), as units.py and officials.py read them.
_LABELS = (
    "牵头市领导|责任市领导|联系市领导|分管市领导|牵头领导|责任领导|联系领导|分管领导|"
    "牵头单位|牵头部门|主办单位|主办部门|责任单位|责任部门|承办单位|实施单位|配合单位|配合部门|协同单位|协办单位|参与单位"
)
_LABEL_LINE_RE = re.compile(rf"^\s*(?:{_LABELS})\s*[：:]")
_LABEL_IN_LINE_RE = re.compile(rf"(?:{_LABELS})[^\S\n]*[：:]")  # the same label anywhere in a line
_TRAILING_MARKER_RE = re.compile(rf"[（(](?:{_LABELS})\s*[：:].*[）)]\s*[。；]?\s*$")
# `附件`, `附件2`, `附件：X清单` on a line of its own.
_ATTACHMENT_HEADING_RE = re.compile(r"^\s*附件\s*\d{0,2}\s*(?:[：:].{0,80})?$")


@dataclass(frozen=True)
class OutlineClause:
    path: str
    start: int  # offset of the numbering marker in the text
    body_start: int  # offset just after the marker
    heading_end: int  # end of the clause's first line (a section heading's units apply below it)
    end: int
    parent: int | None  # index of the enclosing clause in the returned list


def chinese_number(numeral: str) -> int:
    """一 → 1, 十二 → 12, 七十三 → 73, 一百零五 → 105."""
    total = current = 0
    for char in numeral:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def _marker(line: str) -> tuple[int, int, int] | None:
    """(rank, number, length of the marker incl. leading space) of a numbered line, else None."""
    stripped = line.lstrip()
    if not stripped or not (stripped[0] in _MARKER_FIRST_CHARS or stripped[0].isdecimal()):
        return None  # most lines: no pattern can match
    indent = len(line) - len(stripped)
    for rank, pattern in _MARKERS:
        match = pattern.match(stripped)
        if match:
            raw = match.group("n")
            number = int(raw) if raw.isascii() else (_CIRCLED.index(raw) + 1 if raw in _CIRCLED else chinese_number(raw))
            return rank, number, indent + match.end()
    return None


def opens_numbered_item(line: str) -> bool:
    """A line that opens with a clause number and some words (`二、重点任务`), not a number and a single
    character (`（一）实`, a cell of a table printed one character per line)."""
    marker = _marker(line)
    return marker is not None and len(line[marker[2]:].strip()) >= 2


def starts_with_label(line: str) -> bool:
    """A `牵头市领导：…` / `责任单位：…` line."""
    # Every label is followed by a colon: a line without one needs no regex (most lines).
    return ("：" in line or ":" in line) and _LABEL_LINE_RE.match(line) is not None


# A numbered item glued to the end of a responsibility line by a wrap re-joiner: `…市供销社14．创新…`.
_GLUED_ITEM_RE = re.compile(r"(?<=[\u4e00-\u9fff）)])(?=\d{1,3}[．.]\s*[\u4e00-\u9fff“《])")


def break_glued_items(text: str) -> str:
    """Put a numbered item that follows a `责任单位：…` list on the same line back on a line of its own
    (a label line lists names; it never runs on into the next item)."""
    pieces: list[str] = []
    done = 0  # text[:done] is in `pieces`
    for start, end in _label_lines(text):
        colon = text.find("：", start, end)
        match = _GLUED_ITEM_RE.search(text, colon + 1 if colon >= 0 else start, end)
        if match:
            pieces += [text[done : match.start()], "\n"]
            done = match.start()
    return "".join(pieces) + text[done:] if pieces else text


def _label_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the lines that `starts_with_label`, found by looking for the labels rather
    than trying every line."""
    spans: list[tuple[int, int]] = []
    if "单位" not in text and "部门" not in text and "领导" not in text:  # every label ends in one of them
        return spans
    for label in _LABEL_IN_LINE_RE.finditer(text):
        start = text.rfind("\n", 0, label.start()) + 1
        if start == label.start() or text[start : label.start()].isspace():
            end = text.find("\n", label.end())
            spans.append((start, end if end >= 0 else len(text)))
    return spans


def is_label_line(line: str) -> bool:
    """A line that assigns responsibility: a label line, or one ending in `（责任单位：…）`."""
    return starts_with_label(line) or (
        ("：" in line or ":" in line) and _TRAILING_MARKER_RE.search(line) is not None
    )


@dataclass
class _Open:
    rank: int
    number: int
    index: int  # into the clause list


class RegionCursor:
    """Whether offsets, asked in increasing order, fall inside any of (start, end) regions: one pass over
    the regions instead of a scan of all of them per line."""

    def __init__(self, regions: list[tuple[int, int]]) -> None:
        self._regions = sorted(regions)
        self._next = 0
        self._next_start = self._regions[0][0] if self._regions else math.inf  # start of the next region
        self._reach = -1  # the furthest end of the regions starting at or before the last offset asked

    def covers(self, offset: int) -> bool:
        while offset >= self._next_start:
            self._reach = max(self._reach, self._regions[self._next][1])
            self._next += 1
            self._next_start = self._regions[self._next][0] if self._next < len(self._regions) else math.inf
        return offset < self._reach


def parse_outline(
    text: str,
    skip: list[tuple[int, int]] | None = None,
    *,
    ignore: list[tuple[int, int]] | None = None,
    attached_plans: int | None = None,
) -> list[OutlineClause]:
    """The numbered clauses of `text`. `skip` lists (start, end) offsets of regions (tables) that are no
    clause's text: a clause ends where one begins. Lines in `ignore` regions (a table printed inside a
    clause) are passed over: the clause goes on after them. `attached_plans` is how many separately
    numbered documents the notice says it issues (None: unknown): a numbered notice followed by its one
    plan is two runs of numbering but one attached part, so it gets no `k/` prefixes."""
    lines = text.split("\n")
    # Where each line starts: the length of the lines before it plus their line breaks.
    starts = list(map(operator.add, accumulate(map(len, lines), initial=0), range(len(lines))))
    in_skip = _starting_inside(starts, skip or [])
    in_ignore = _starting_inside(starts, ignore or [])
    drafts: list[dict] = []
    stack: list[_Open] = []
    last_number: dict[int, int] = {}
    part = 1
    parts_seen = 1
    current: dict | None = None
    closed = False  # the current clause had its responsibility lines; later plain lines are not its text

    for k, line in enumerate(lines):
        if in_skip[k] or ("附件" in line and _ATTACHMENT_HEADING_RE.match(line)):
            current = None  # a table, or an attachment (a project list) that follows the last clause
            continue
        if in_ignore[k]:
            continue
        line_start = starts[k]
        line_end = line_start + len(line)
        if not line.strip():
            continue
        marker = _marker(line)
        if marker and _continues(marker[0], marker[1], last_number):
            rank, number, length = marker
            if rank == 1 and number == 1 and last_number.get(1, 0) >= 2:
                part += 1  # a second separately numbered part (妇女 plan, then 儿童 plan)
                parts_seen = part
                last_number.clear()
                stack.clear()
            while stack and stack[-1].rank >= rank:
                stack.pop()
            # deeper levels keep their last number: continuous numbering (（八） → 二、 → （九）) is accepted
            last_number[rank] = number
            parent = stack[-1].index if stack else None
            numbers = [open_.number for open_ in stack] + [number]
            current = {
                "path": ".".join(map(str, numbers)),
                "part": part,
                "start": line_start + (len(line) - len(line.lstrip())),
                "body_start": line_start + length,
                "heading_end": line_end,
                "end": line_end,
                "parent": parent,
            }
            drafts.append(current)
            stack.append(_Open(rank, number, len(drafts) - 1))
            closed = is_label_line(line)
            continue
        if current is None:
            continue
        if is_label_line(line):
            current["end"] = line_end
            closed = True
        elif not closed:
            current["end"] = line_end
    prefixed = parts_seen > 2 or (parts_seen == 2 and attached_plans != 1)
    return [
        OutlineClause(
            path=(f"{d['part']}/{d['path']}" if prefixed else d["path"]),
            start=d["start"],
            body_start=d["body_start"],
            heading_end=d["heading_end"],
            end=d["end"],
            parent=d["parent"],
        )
        for d in drafts
    ]


def _starting_inside(starts: list[int], regions: list[tuple[int, int]]) -> list[bool]:
    """For each line (given by the offsets where lines start), whether it starts inside one of the
    (start, end) regions."""
    inside = [False] * len(starts)
    for region_start, region_end in regions:
        first, stop = bisect_left(starts, region_start), bisect_left(starts, region_end)
        inside[first:stop] = [True] * (stop - first)
    return inside


def _continues(rank: int, number: int, last_number: dict[int, int]) -> bool:
    last = last_number.get(rank)
    if number == 1:
        return True
    return last is not None and last < number <= last + _MAX_GAP
