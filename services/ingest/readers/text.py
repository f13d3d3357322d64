"""Plain text in UTF-8, GB18030/GBK/GB2312, UTF-16/UTF-32 with a byte-order mark, or another encoding that
charset-normalizer recognises; binary data is refused."""
from __future__ import annotations

import codecs
import re

from .document import ReadDocument, UnreadableDocument
from .sniff import TEXT

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# GB2312 and GBK are subsets of GB18030; documents labelled with them often use characters only the larger sets hold.
_GB_FAMILY = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030", "gb18030": "gb18030"}
# Control characters other than tab, line feed, form feed and carriage return do not occur in documents.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01
_REPLACEMENT = "\ufffd"
_MAX_DAMAGED_SHARE = 0.001
_DAMAGE_ALLOWANCE = 3  # a character cut in two replaces up to three bytes
_LINE_BREAK_CHARS = "\r\u2028\u2029\x85"
_LINE_BREAK_RE = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def read_text(data: bytes) -> ReadDocument:
    text, warnings = decode_text(data)
    return ReadDocument(text=normalize_line_breaks(text), media_type=TEXT, warnings=warnings)


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, list[str]]:
    """Text of `data` and warnings: a byte-order mark wins, then a `declared` charset (HTML meta) if the bytes
    decode in it, then UTF-8 (with a few bad bytes replaced), then detection.
    Raises UnreadableDocument for bytes that are not text."""
    text, warnings = _decode(data, declared)
    if text is None:
        raise UnreadableDocument("not text in any known encoding (binary data?)")
    if len(_CONTROL_RE.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise UnreadableDocument("binary data: too many control characters for a text document")
    return text, warnings


def _decode(data: bytes, declared: str | None) -> tuple[str | None, list[str]]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace"), []
    for encoding in (_canonical_encoding(declared), "utf-8"):
        if encoding:
            try:
                return data.decode(encoding), []
            except (UnicodeDecodeError, LookupError):
                pass
    # UTF-8 damaged in a few places (a file cut mid-character, a stray byte) is still UTF-8.
    text = data.decode("utf-8", errors="replace")
    damaged = text.count(_REPLACEMENT)
    if damaged <= _DAMAGE_ALLOWANCE + _MAX_DAMAGED_SHARE * len(data) and damaged * 10 <= len(text):
        return text, [f"{damaged} invalid UTF-8 sequence(s) replaced by {_REPLACEMENT}"]
    import charset_normalizer  # only for files that are neither BOM-marked nor UTF-8
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None, []
    return data.decode(_canonical_encoding(best.encoding) or best.encoding, errors="replace"), []


def _canonical_encoding(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower().replace("_", "-")
    return _GB_FAMILY.get(name, name)


def normalize_line_breaks(text: str) -> str:
    # Most text has nothing to replace; looking for the characters first is far cheaper than the regex scan.
    if not any(char in text for char in _LINE_BREAK_CHARS):
        return text
    return _LINE_BREAK_RE.sub("\n", text)
