r"""Tests for Han characters (CJK unified ideographs, U+4E00–U+9FFF) without regular expressions.

Compiling a regex class that spans the block (`[\u4e00-\u9fff]`) makes CPython's `re` walk all 20,992 code
points, 2–3 ms each time: more than all the matching such a simple class ever did here. These string tests
give the same answers; regexes that need the class inside a larger pattern keep it.
"""
from __future__ import annotations

_FIRST = "\u4e00"
_LAST = "\u9fff"


def all_han(text: str) -> bool:
    """Whether every character of `text` is a Han character (True for the empty string)."""
    return not text or (_FIRST <= min(text) and max(text) <= _LAST)
