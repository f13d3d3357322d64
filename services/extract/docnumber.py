"""文号 (document numbers): find them in text and print them one way.

A 文号 is an issuer prefix, a bracketed year and a serial: `衢政办发〔2024〕10号`. Printed variants seen in
gazettes: ASCII or full-width square brackets or parentheses around the year (`[2023]`, `（2023）`), spaces
anywhere (`44 号`, `〔2023〕 5号`), a line break inside the number, and a lost first character (`政办发〔…〕`).
"""
from __future__ import annotations

import re

_OPEN = "〔[［【(（﹝〖"
_CLOSE = "〕]］】)）﹞〗"
# `[ \t\u3000]*`, spelled so that no character class holds \u3000: compiling a class with a non-Latin-1
# character costs ~0.5 ms, and this one is used in dozens of places.
_SPACE = r"[ \t]*(?:\u3000[ \t]*)*"
_GAP = r"\s{0,3}"  # the PDF text may break a line anywhere inside the number

# Prefix: the issuer's abbreviation, Han characters directly before the bracket.
DOC_NUMBER_RE = re.compile(
    rf"(?P<prefix>[\u4e00-\u9fff]{{1,10}}){_SPACE}"
    rf"[{re.escape(_OPEN)}]{_SPACE}(?P<year>(?:19|20)\d\d){_SPACE}[{re.escape(_CLOSE)}]"
    rf"{_GAP}(?P<serial>\d{{1,4}}){_GAP}号"
)

# Words that end running text before a prefix: `决定对衢发改发〔…〕`, `关于废止衢发改发〔…〕`, `根据浙政发〔…〕`.
# The prefix is what follows the last of them.
_LEADING_WORDS_RE = re.compile(
    r".*(?:关于|废止|停止|失效|修改|根据|依据|按照|参照|执行|印发|转发|决定|文件|通知|对|及|和|与|暨|号|的|即|将|按|据|见|是|为|以|在|由)"
)

_BRACKETS = str.maketrans({c: "〔" for c in _OPEN} | {c: "〕" for c in _CLOSE})
_WHITE_RE = re.compile(r"\s+")


def _issuer_prefix(prefix: str) -> str:
    """The part of the Han run before the bracket that belongs to the number (trims `根据`, `对`…)."""
    match = _LEADING_WORDS_RE.match(prefix)
    if match and match.end() < len(prefix):
        return prefix[match.end():]
    return prefix


def normalize_doc_number(s: str) -> str:
    """One spelling per 文号: `衢政发[2023]11 号` → `衢政发〔2023〕11号` (〔〕 brackets, no white space)."""
    return _WHITE_RE.sub("", s).translate(_BRACKETS)


def find_doc_numbers(text: str) -> list[tuple[str, int, int]]:
    """Every 文号 in `text` as (normalised number, start, end); start/end are offsets of the printed form."""
    found: list[tuple[str, int, int]] = []
    if "号" not in text:  # every 文号 ends in 号; most text has none, and the regex is slow on Han text
        return found
    for match in DOC_NUMBER_RE.finditer(text):
        prefix = _issuer_prefix(match.group("prefix"))
        start = match.start("prefix") + len(match.group("prefix")) - len(prefix)
        number = f"{prefix}〔{match.group('year')}〕{match.group('serial')}号"
        found.append((number, start, match.end()))
    return found
