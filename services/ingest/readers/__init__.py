"""Readers: bytes of a PDF, DOCX, HTML page or text file → its text, refused with a reason when unreadable.

    read_document(data, filename) -> ReadDocument(text, media_type, line_pages, warnings)

The format comes from the content (sniff.py); the file name only adds a warning when it disagrees.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from . import sniff
from .document import ReadDocument, UnreadableDocument

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_PAGES", "ReadDocument", "UnreadableDocument", "read_document"]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_PAGES = 2000

_REFUSED_FORMATS = {
    sniff.OLE2: "a legacy Office file (.doc/.wps) or a password-protected Office document: "
                "save it as .docx without a password",
    sniff.OFD: "an OFD document: export it as PDF",
    sniff.RTF: "an RTF document: save it as .docx",
    sniff.ZIP: "a ZIP archive that is not a Word document: send the documents inside it one by one",
}
# Control characters other than tab, line breaks and form feed are never part of a document, and PostgreSQL
# text cannot hold NUL; the few strays a reader lets through are removed (text with many is refused as binary).
_STRAY_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_EXTENSION_MEDIA_TYPES = {
    ".pdf": sniff.PDF, ".docx": sniff.DOCX, ".html": sniff.HTML, ".htm": sniff.HTML, ".shtml": sniff.HTML,
    ".txt": sniff.TEXT,
}


def read_document(data: bytes, filename: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  max_pages: int = DEFAULT_MAX_PAGES) -> ReadDocument:
    """The text of `data`; raises UnreadableDocument (with `.reason`) for anything it cannot read."""
    if not data:
        raise UnreadableDocument("empty file (0 bytes)")
    if len(data) > max_bytes:
        raise UnreadableDocument(f"the file is {len(data)} bytes, above the limit of {max_bytes} bytes")
    media_type = sniff.sniff_media_type(data)
    reader = _reader(media_type, max_bytes=max_bytes, max_pages=max_pages)
    try:
        document = reader(data)
    except UnreadableDocument:
        raise
    except Exception as error:  # untrusted input: a library's failure is a refusal, never a crash
        raise UnreadableDocument(f"could not read it as {media_type}: {type(error).__name__}: {error}") from error
    if not document.text.strip():
        raise UnreadableDocument(f"no text in the document ({media_type})")
    return _with_name_warning(_without_stray_controls(document), filename)


def _reader(media_type: str, *, max_bytes: int, max_pages: int) -> Callable[[bytes], ReadDocument]:
    # Each format's library is imported only when a file of that format arrives: `duban extract` on text
    # files should not pay for PDF, Word and HTML machinery at start-up.
    if media_type == sniff.PDF:
        from .pdf import read_pdf
        return lambda data: read_pdf(data, max_pages=max_pages)
    if media_type == sniff.DOCX:
        from .docx import read_docx
        return lambda data: read_docx(data, max_bytes=max_bytes)
    if media_type == sniff.HTML:
        from .html import read_html
        return read_html
    if media_type == sniff.TEXT:
        from .text import read_text
        return read_text
    reason = _REFUSED_FORMATS.get(media_type, f"{media_type} is not a document format")
    raise UnreadableDocument(f"{reason} (duban reads PDF, DOCX, HTML and plain text)")


def _without_stray_controls(document: ReadDocument) -> ReadDocument:
    text, removed = _STRAY_CONTROL_RE.subn("", document.text)
    if not removed:
        return document
    return ReadDocument(text, document.media_type, document.line_pages,
                        [*document.warnings, f"{removed} control character(s) removed"])


def _with_name_warning(document: ReadDocument, filename: str | None) -> ReadDocument:
    named = _EXTENSION_MEDIA_TYPES.get(PurePath(filename).suffix.lower()) if filename else None
    if named is None or named == document.media_type:
        return document
    warning = f"the file name {filename!r} suggests {named}, but the content is {document.media_type}"
    return ReadDocument(document.text, document.media_type, document.line_pages, [*document.warnings, warning])
