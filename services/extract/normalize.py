"""PDF-extracted text → one paragraph per line, page furniture removed, each line mapped to its source line.

Gazette PDFs come out of text extraction hard-wrapped every ~23 characters (often with a blank line after
each line), with running headers (`2024年/第三期`, `衢州政报(总第171期)`), doubled banners
(`市府办文件市府办文件`) and bare page numbers between pages, and with a single leading space on the first
line of each page. Clean text has none of this and comes through unchanged apart from white space.
"""
from __future__ import annotations

import math
import operator
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Sequence

from services.extract.han import all_han
from services.extract.outline import starts_with_label

_ISSUE_LABEL = r"\d{4}\s*年\s*/\s*第\s*[一二三四五六七八九十百\d]+\s*期"
_GAZETTE_LABEL = r"[\u4e00-\u9fff]{0,10}政报\s*[（(]\s*总第\s*\d+\s*期\s*[）)]"
_FIXED_FURNITURE_RE = re.compile(rf"{_ISSUE_LABEL}|{_GAZETTE_LABEL}")

# A line ending in one of these ends its paragraph (unless a bracket is still open).
_TERMINAL = set("。！？；：…!?;")
_CLOSERS = set("”’」』）)")
# A line ending in one of these cannot end a paragraph.
_CONTINUING = set("，、“‘《（(〔【—,")
_CLOSING_BRACKETS = "）)"
# A numbered clause starts a paragraph: 一、 （一） 1． 1. (not a decimal like 1.5) ① 第一条.
_CLAUSE_START_RE = re.compile(
    r"[一二三四五六七八九十百]+[、．]|[（(][一二三四五六七八九十百]+[）)]|\d{1,3}\s*(?:[．、]|\.(?!\d))|[①-⑳]|第[一二三四五六七八九十百]+[章条]"
)
_MAX_OPEN_PARAGRAPH = 600  # an unclosed bracket joins lines only up to this paragraph length

_MIN_WRAPPED_SHARE = 0.3  # share of lines at the page width that makes a text hard-wrapped
_FULL_SLACK = 6  # display columns a wrapped line may fall short of the page width
_INDENT = 4  # display columns of the two-character indent that opens a paragraph


@dataclass
class NormalizedText:
    text: str
    line_map: list[int]  # line_map[i]: 1-based source line where normalised line i starts


@dataclass(frozen=True)
class PageLayout:
    """What a file's pages look like: which lines are page furniture, which lines start a page."""

    noise: frozenset[int]  # 0-based indexes of header/footer/banner/page-number lines
    page_starts: frozenset[int]  # 0-based indexes of the first text line of a page
    full_width: int | None  # display width of a full wrapped line; None when the text is not hard-wrapped


def display_width(s: str) -> int:
    """Printed width in columns: ASCII is narrow, everything else (Han, full-width punctuation) wide."""
    return 2 * len(s) - len(s.encode("ascii", "ignore"))


def _doubled(text: str) -> str | None:
    """X when `text` (stripped) is X printed twice, with or without white space between, X being four to
    twelve Han characters: `市府办文件 市府办文件`."""
    for size in range(min(12, len(text) // 2), 3, -1):  # the longest X first
        half = text[:size]
        if text.endswith(half) and all_han(half) and (len(text) == 2 * size or text[size:-size].isspace()):
            return half
    return None


def _learn_banners(stripped: Sequence[str], candidates: Sequence[int], lines: Sequence[str]) -> set[str]:
    """Banner texts of this file: those printed doubled (`市府办文件 市府办文件`) and short labels that
    recur right before a page start (`机构与人事`)."""
    banners: set[str] = set()
    before_page: Counter[str] = Counter()
    for i in candidates:
        text = stripped[i]
        rest = _FIXED_FURNITURE_RE.sub("", text).strip() if "期" in text else text
        # Printed twice, a text repeats its first four characters: a cheap test first (most lines fail it).
        doubled = _doubled(rest) if rest[:4] in rest[4:] else None
        if doubled:
            banners.add(doubled)
        elif (
            4 <= len(text) <= 8
            and i + 1 < len(lines)
            and lines[i + 1].startswith(" ")
            and stripped[i + 1]
            and all_han(text)
        ):
            before_page[text] += 1
    banners.update(label for label, count in before_page.items() if count >= 2)
    return banners


def _is_furniture(text: str, banners: tuple[str, ...]) -> bool:
    """Whether `text` (stripped) is nothing but page furniture: issue and gazette labels and this file's
    banners, with or without white space between them. (A regex built from the banners would do, but
    compiling one per file costs more than this whole test over all its lines.)"""
    # Most lines fail at once: they start with no banner, and the labels both end in 期 (an issue label
    # starts with its year; a gazette label holds 政报).
    if not (text.startswith(banners) or ("期" in text and (text[0].isdecimal() or "政报" in text))):
        return False
    todo = [0]  # where a label or banner may start (after white space)
    seen = {0}
    while todo:
        start = todo.pop()
        while text[start].isspace():
            start += 1
        ends = [start + len(banner) for banner in banners if text.startswith(banner, start)]
        label = _FIXED_FURNITURE_RE.match(text, start)  # a label's end is fixed by where it starts
        if label:
            ends.append(label.end())
        for end in ends:
            if end == len(text):
                return True
            if end not in seen:
                seen.add(end)
                todo.append(end)
    return False


def _median(values: list[int]) -> float:
    # statistics.median, without importing statistics (its imports cost more than this whole module)
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _full_width(stripped: Sequence[str], lengths: Sequence[int]) -> int | None:
    long_enough = compress(stripped, map(operator.ge, lengths, repeat(15)))  # at least 15 characters
    long = [width for width in map(display_width, long_enough) if width >= 30]
    if not long:
        return None
    counts = Counter(min(w, 200) for w in long)
    mode = counts.most_common(1)[0][0]
    if mode > 80:
        return None
    near = sum(count for width, count in counts.items() if mode - _FULL_SLACK <= width <= mode + 4)
    if near < _MIN_WRAPPED_SHARE * len(long) or _median(long) > 80:
        return None
    return mode


def _page_numbers(furniture: set[int], non_blank: list[int], stripped: Sequence[str]) -> set[int]:
    """Bare page numbers (one to three digits) next to furniture: the one right before a furniture line
    and those right after it (a number right after such a page number is one too)."""

    def is_page_number(k: int) -> bool:  # k: position among the non-blank lines
        return 0 <= k < len(non_blank) and len(stripped[non_blank[k]]) <= 3 and stripped[non_blank[k]].isdecimal()

    numbers: set[int] = set()
    for i in furniture:
        k = bisect_left(non_blank, i)
        if is_page_number(k - 1):
            numbers.add(non_blank[k - 1])
        while is_page_number(k + 1):
            k += 1
            numbers.add(non_blank[k])
    return numbers


def analyse_layout(lines: Sequence[str], stripped: Sequence[str] | None = None) -> PageLayout:
    """Find page furniture and page starts in a file's lines (0-based indexes); `stripped` is the lines
    without surrounding white space, when the caller has it already."""
    if stripped is None:
        stripped = list(map(str.strip, lines))
    lengths = list(map(len, stripped))
    non_blank = list(compress(range(len(stripped)), lengths))
    # Furniture is 4 to 60 characters long; most lines of a PDF table are shorter, most prose longer.
    candidates = [i for i in non_blank if 4 <= lengths[i] <= 60]
    banners = tuple(_learn_banners(stripped, candidates, lines))
    noise = {i for i in candidates if _is_furniture(stripped[i], banners)}
    noise |= _page_numbers(noise, non_blank, stripped)
    # A page starts after furniture, or where a line is indented by exactly one space.
    page_starts = {
        i for i in non_blank if lines[i].startswith(" ") and lines[i][1:2] != " " and i not in noise
    }
    for i in noise:
        k = bisect_right(non_blank, i)  # the next non-blank line
        if k < len(non_blank) and non_blank[k] not in noise:
            page_starts.add(non_blank[k])
    return PageLayout(frozenset(noise), frozenset(page_starts), _full_width(stripped, lengths))


def _bracket_depth(text: str, depth: int = 0) -> int:
    opened = text.count("（") + text.count("(")
    closed = text.count("）") + text.count(")")
    return max(0, depth + opened - closed)


def ends_paragraph(line: str) -> bool:
    """Whether a line ends with sentence-final punctuation or a closing bracket."""
    tail = line.rstrip()
    while tail and tail[-1] in _CLOSERS and len(tail) > 1 and tail[-2] in _TERMINAL:
        tail = tail[:-1]
    if not tail:
        return True
    return tail[-1] in _TERMINAL or tail[-1] in _CLOSING_BRACKETS


def _joins(paragraph_length: int, depth: int, line: str, next_line: str, full_width: int | None) -> bool:
    """Whether `next_line` continues the paragraph whose last source line is `line`, which is
    `paragraph_length` characters long and leaves `depth` brackets open."""
    if depth > 0 and paragraph_length < _MAX_OPEN_PARAGRAPH:
        return True
    if line[-1] in _CONTINUING:
        return not _CLAUSE_START_RE.match(next_line)
    # The first line of a paragraph is printed indented by two characters.
    slack = _FULL_SLACK + (_INDENT if paragraph_length == len(line) else 0)
    # Cheap test first: most lines of a PDF table are far too short to be wrapped.
    if full_width is None or 2 * len(line) < full_width - slack:
        return False
    if ends_paragraph(line) or _CLAUSE_START_RE.match(next_line) or starts_with_label(next_line):
        return False
    return display_width(line) >= full_width - slack


def _needs_space(left: str, right: str) -> bool:
    # Latin words broken by the wrap keep a space between them; Chinese text never has one.
    return left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha()


def _clean_line(line: str) -> str:
    if "\t" in line:  # a row of a tab-separated table: leading empty cells place the others
        return line.strip(" \u3000\r\n").rstrip() if line.strip() else ""
    text = line.strip()
    if " " in text and _letter_spaced(text):
        return text.replace(" ", "")
    return text


def _letter_spaced(text: str) -> bool:
    """`市 府 办 文 件`: three or more Han characters with one space between each two."""
    return len(text) >= 5 and len(text) % 2 == 1 and text[1::2] == " " * (len(text) // 2) and all_han(text[::2])


def join_lines(numbered: Sequence[tuple[int, str]], full_width: int | None) -> NormalizedText:
    """Re-join hard-wrapped lines. `numbered` holds (1-based source line, text) with furniture already
    removed; blank lines may be included (they are dropped)."""
    pieces: list[str] = []  # the text to be, "\n" before each paragraph
    starts: list[int] = []
    first = ""  # the open paragraph's first source line
    last = ""  # its last source line
    length = 0  # its length
    depth = 0  # and the brackets it leaves open
    # Lines shorter than this (most lines of a PDF table) were not wrapped, even as a paragraph's indented
    # first line: unless a bracket is open or the line ends in `，`, `_joins` need not be asked.
    shortest_wrapped = (full_width - _FULL_SLACK - _INDENT + 1) // 2 if full_width else math.inf
    for number, raw in numbered:
        text = raw.strip()
        if "\t" in raw or " " in text:  # a table row or spaced-out letters: the common line needs no more
            text = _clean_line(raw)
        if not text:
            continue
        if (
            (depth or len(last) >= shortest_wrapped or last[-1:] in _CONTINUING)  # the cheap test first
            and "\t" not in text
            # A table row, and an attachment list (one title a line, wraps handled by split), take in no
            # other line.
            and "\t" not in first
            and not first.startswith("附件")
            and _joins(length, depth, last, text, full_width)
        ):
            if _needs_space(last, text):
                pieces.append(" ")
            length += len(text)
        else:
            pieces.append("\n")
            starts.append(number)
            first = text
            length = len(text)
            depth = 0
        pieces.append(text)
        last = text
        # Most lines are words or numbers alone (cells of a table): no bracket to count.
        if not text.isalnum() and ("（" in text or "）" in text or "(" in text or ")" in text):
            depth = _bracket_depth(text, depth)
    return NormalizedText("".join(pieces)[1:], starts)


def normalize(raw: str) -> NormalizedText:
    """The whole text with page furniture removed and hard wraps re-joined."""
    lines = raw.splitlines()
    layout = analyse_layout(lines)
    numbered = [(i + 1, line) for i, line in enumerate(lines) if i not in layout.noise]
    return join_lines(numbered, layout.full_width)
