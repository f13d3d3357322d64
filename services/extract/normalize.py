"""PDF-extracted text → one paragraph per line, page furniture removed, each line mapped to its source line.

Gazette PDFs come out of text extraction hard-wrapped every ~23 characters (often with a blank line after
each line), with running headers (`2024年/第三期`, `衢州政报(总第171期)`), doubled banners
(`市府办文件市府办文件`) and bare page numbers between pages, and with a single leading space on the first
line of each page. Clean text has none of this and comes through unchanged apart from white space.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Sequence

from services.extract.outline import starts_with_label

_ISSUE_LABEL = r"\d{4}\s*年\s*/\s*第\s*[一二三四五六七八九十百\d]+\s*期"
_GAZETTE_LABEL = r"[\u4e00-\u9fff]{0,10}政报\s*[（(]\s*总第\s*\d+\s*期\s*[）)]"
_FIXED_FURNITURE_RE = re.compile(rf"{_ISSUE_LABEL}|{_GAZETTE_LABEL}")
_DOUBLED_RE = re.compile(r"([\u4e00-\u9fff]{4,12})\s*\1")
_SECTION_LABEL_RE = re.compile(r"[\u4e00-\u9fff]{4,8}")
_PAGE_NUMBER_RE = re.compile(r"\d{1,3}")
_LETTER_SPACED_RE = re.compile(r"[\u4e00-\u9fff](?: [\u4e00-\u9fff]){2,}")

# A line ending in one of these ends its paragraph (unless a bracket is still open).
_TERMINAL = set("。！？；：…!?;")
_CLOSERS = set("”’」』）)")
# A line ending in one of these cannot end a paragraph.
_CONTINUING = set("，、“‘《（(〔【—,")
_CLOSING_BRACKETS = "）)"
# A numbered clause starts a paragraph: 一、 （一） 1． 1. (not a decimal like 1.5) ① 第一条.
_CLAUSE_START_RE = re.compile(
    r"[一二三四五六七八九十百]+[、．]|[（(][一二三四五六七八九十百]+[）)]|\d{1,3}\s*[．.、](?!\d)|[①-⑳]|第[一二三四五六七八九十百]+[章条]"
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


def _learn_banners(stripped: Sequence[str], candidates: Sequence[int], lines: Sequence[str]) -> set[str]:
    """Banner texts of this file: those printed doubled (`市府办文件 市府办文件`) and short labels that
    recur right before a page start (`机构与人事`)."""
    banners: set[str] = set()
    before_page: Counter[str] = Counter()
    for i in candidates:
        text = stripped[i]
        rest = _FIXED_FURNITURE_RE.sub("", text).strip() if "期" in text else text
        match = _DOUBLED_RE.fullmatch(rest)
        if match:
            banners.add(match.group(1))
        elif (
            i + 1 < len(lines)
            and lines[i + 1][:1] == " "
            and stripped[i + 1]
            and _SECTION_LABEL_RE.fullmatch(text)
        ):
            before_page[text] += 1
    banners.update(label for label, count in before_page.items() if count >= 2)
    return banners


def _furniture_re(banners: set[str]) -> re.Pattern[str]:
    pieces = [_ISSUE_LABEL, _GAZETTE_LABEL, *(re.escape(b) for b in sorted(banners, key=len, reverse=True))]
    return re.compile(rf"(?:\s*(?:{'|'.join(pieces)}))+")


def _full_width(stripped: Sequence[str]) -> int | None:
    long = [w for w in (display_width(s) for s in stripped if len(s) >= 15) if w >= 30]
    if not long:
        return None
    mode = Counter(min(w, 200) for w in long).most_common(1)[0][0]
    near = sum(1 for w in long if mode - _FULL_SLACK <= w <= mode + 4)
    if mode > 80 or near < _MIN_WRAPPED_SHARE * len(long) or median(long) > 80:
        return None
    return mode


def analyse_layout(lines: Sequence[str]) -> PageLayout:
    """Find page furniture and page starts in a file's lines (0-based indexes)."""
    stripped = [line.strip() for line in lines]
    # Furniture is 4 to 60 characters long; most lines of a PDF table are shorter, most prose longer.
    candidates = [i for i, text in enumerate(stripped) if 4 <= len(text) <= 60]
    furniture_re = _furniture_re(_learn_banners(stripped, candidates, lines))
    noise = {i for i in candidates if furniture_re.fullmatch(stripped[i])}
    non_blank = [i for i, text in enumerate(stripped) if text]
    for k, i in enumerate(non_blank):
        if len(stripped[i]) <= 3 and _PAGE_NUMBER_RE.fullmatch(stripped[i]):
            neighbours = non_blank[max(0, k - 1):k] + non_blank[k + 1:k + 2]
            if any(j in noise for j in neighbours):
                noise.add(i)
    page_starts: set[int] = set()
    previous_was_noise = False
    for i in non_blank:
        if i in noise:
            previous_was_noise = True
            continue
        if previous_was_noise or (lines[i][:1] == " " and lines[i][1:2] != " "):
            page_starts.add(i)
        previous_was_noise = False
    return PageLayout(frozenset(noise), frozenset(page_starts), _full_width(stripped))


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
    if " " in text and _LETTER_SPACED_RE.fullmatch(text):
        return text.replace(" ", "")
    return text


def join_lines(numbered: Sequence[tuple[int, str]], full_width: int | None) -> NormalizedText:
    """Re-join hard-wrapped lines. `numbered` holds (1-based source line, text) with furniture already
    removed; blank lines may be included (they are dropped)."""
    paragraphs: list[str] = []
    starts: list[int] = []
    parts: list[str] = []
    length = 0
    depth = 0
    for number, raw in numbered:
        text = _clean_line(raw)
        if not text:
            continue
        if (
            parts
            and "\t" not in text
            and "\t" not in parts[-1]
            and not parts[0].startswith("附件")  # an attachment list: one title a line, wraps handled by split
            and _joins(length, depth, parts[-1], text, full_width)
        ):
            if _needs_space(parts[-1], text):
                parts.append(" ")
            parts.append(text)
            length += len(text)
        else:
            if parts:
                paragraphs.append("".join(parts))
            parts = [text]
            length = len(text)
            depth = 0
            starts.append(number)
        if "（" in text or "）" in text or "(" in text or ")" in text:
            depth = _bracket_depth(text, depth)
    if parts:
        paragraphs.append("".join(parts))
    return NormalizedText("\n".join(paragraphs), starts)


def normalize(raw: str) -> NormalizedText:
    """The whole text with page furniture removed and hard wraps re-joined."""
    lines = raw.splitlines()
    layout = analyse_layout(lines)
    numbered = [(i + 1, line) for i, line in enumerate(lines) if i not in layout.noise]
    return join_lines(numbered, layout.full_width)
