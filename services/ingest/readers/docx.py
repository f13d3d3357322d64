"""Word (.docx) documents: paragraphs and tables in document order (python-docx).

A table row becomes one line of tab-separated cells. A cell merged down over several rows repeats its text in
each row it covers (it applies to each); a cell merged across columns prints its text once and leaves the
columns it covers empty, so that every row keeps one field per column.
"""
from __future__ import annotations

import io
import re
import zipfile

import docx
from lxml import etree
from docx.document import Document as WordDocument
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .document import ReadDocument, UnreadableDocument
from .sniff import DOCX

# A zip can expand far beyond its size; text-heavy Word files expand about tenfold.
_MAX_EXPANSION = 20
_CELL_SPACE_RE = re.compile(r"\s+")


def read_docx(data: bytes, *, max_bytes: int) -> ReadDocument:
    _check_expansion(data, max_bytes)
    try:
        document: WordDocument = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as error:
        raise UnreadableDocument(f"broken DOCX: {error}") from error
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend(_table_lines(block))
    return ReadDocument(text="\n".join(lines), media_type=DOCX)


def _check_expansion(data: bytes, max_bytes: int) -> None:
    try:
        expanded = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except zipfile.BadZipFile as error:
        raise UnreadableDocument(f"broken DOCX: {error}") from error
    if expanded > _MAX_EXPANSION * max_bytes:
        raise UnreadableDocument(
            f"the DOCX expands to {expanded} bytes, above {_MAX_EXPANSION} x the limit of {max_bytes} bytes")


def _table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        fields: list[str] = []
        previous = None
        # row.cells gives one cell per grid column: a horizontal merge repeats the same cell, a vertical merge
        # gives the top cell of the merge.
        for cell in row.cells:
            fields.append("" if previous is not None and cell._tc is previous._tc else _cell_text(cell))
            previous = cell
        lines.append("\t".join(fields))
    return lines


def _cell_text(cell: _Cell) -> str:
    """The cell on one line: its paragraphs (and nested tables' cells) separated by spaces."""
    parts = []
    for block in cell.iter_inner_content():
        if isinstance(block, Paragraph):
            parts.append(block.text)
        else:
            parts.extend(_cell_text(inner) for row in block.rows for inner in row.cells)
    return _CELL_SPACE_RE.sub(" ", " ".join(parts)).strip()
