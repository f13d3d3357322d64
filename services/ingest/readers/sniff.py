"""Media type from the first bytes of a file (magic numbers), not from its name."""
from __future__ import annotations

import io
import re

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
TEXT = "text/plain"
# Recognised so that the refusal can name them.
OLE2 = "application/x-ole-storage"  # legacy .doc/.wps, and password-protected .docx (encrypted package)
OFD = "application/ofd"  # GB/T 33190 fixed-layout documents, common in Chinese e-government
ZIP = "application/zip"
RTF = "application/rtf"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE2),
    (b"{\\rtf", RTF),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x1f\x8b", "application/gzip"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
)

# PDF allows junk before the header; readers accept it within the first kilobyte.
_PDF_WINDOW = 1024
_HTML_WINDOW = 2048
_HTML_MARKERS_RE = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s[^>]*charset", re.IGNORECASE)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def sniff_media_type(data: bytes) -> str:
    """One of the constants above, an image or archive type, or TEXT when nothing binary was recognised
    (the text reader then decides whether the bytes are text at all)."""
    if b"%PDF-" in data[:_PDF_WINDOW]:
        return PDF
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if data.startswith(b"PK\x03\x04"):
        return _zip_media_type(data)
    if _HTML_MARKERS_RE.search(_ascii_head(data)):
        return HTML
    return TEXT


def _zip_media_type(data: bytes) -> str:
    import zipfile  # here, not at the top: only ZIP-based files need it, and it is slow to import

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError):
        return ZIP
    if "word/document.xml" in names:
        return DOCX
    if "OFD.xml" in names:
        return OFD
    return ZIP


def _ascii_head(data: bytes) -> bytes:
    """The start of the file with markup characters in one byte each, whatever the (BOM-marked) encoding."""
    head = data[:_HTML_WINDOW]
    if head.startswith(_UTF16_BOMS):
        return head.decode("utf-16", errors="ignore").encode("ascii", errors="ignore")
    return head
