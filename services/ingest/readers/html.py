"""Web pages from government portals: the article's main content (trafilatura), not the portal's navigation,
header and footer; tables become tab-separated lines.

Merged cells follow the DOCX reader's rule: a `rowspan` repeats the cell's text in each row it covers, a
`colspan` prints it once and leaves the columns it covers empty.
"""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

from .document import ReadDocument, UnreadableDocument
from .sniff import HTML
from .text import decode_text, normalize_line_breaks

_DECLARED_CHARSET_RE = re.compile(
    rb"""(?:<meta[^>]+charset|<\?xml[^>]+encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# A rowspan copies text, not markup: long cells are page layout (a sidebar beside the article), not data.
_MAX_COPIED_CELL_CHARS = 200
_SPACE_RE = re.compile(r"[ \t\r\n\u3000\xa0]+")
_CONTAINER_TAGS = ("list", "div", "main")
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*>")


def read_html(data: bytes) -> ReadDocument:
    declared = _DECLARED_CHARSET_RE.search(data[:4096])
    markup, warnings = decode_text(data, declared.group(1).decode("ascii") if declared else None)
    try:
        page = lxml.html.document_fromstring(_without_xml_declaration(markup))
    except (etree.ParserError, ValueError) as error:
        raise UnreadableDocument(f"broken HTML: {error}") from error
    for table in page.iter("table"):
        if table.find(".//table") is None:  # a table holding tables is page layout
            _expand_spans(table)
    lines, title = _main_content(page)
    if title and not any(title in line for line in lines[:5]):
        lines.insert(0, title)
    return ReadDocument(text=normalize_line_breaks("\n".join(lines)), media_type=HTML, warnings=warnings)


def _without_xml_declaration(markup: str) -> str:
    # lxml refuses a str that declares its own encoding; the bytes are already decoded.
    return _XML_DECLARATION_RE.sub("", markup, count=1)


def _main_content(page: lxml.html.HtmlElement) -> tuple[list[str], str | None]:
    """The article's lines and title. With `favor_recall`, trafilatura falls back to the page's plain text
    when it finds no article, so a page loses its text only when it has none."""
    import trafilatura  # imported here: it takes about a second to import, and only HTML needs it

    extracted = trafilatura.bare_extraction(
        page, include_tables=True, include_comments=False, favor_recall=True, with_metadata=True)
    if extracted is None or extracted.body is None:
        raise UnreadableDocument("no text found on the web page")
    lines: list[str] = []
    _render(extracted.body, lines)
    return lines, extracted.title


def _render(element: etree._Element, lines: list[str]) -> None:
    """trafilatura's XML (p, head, quote, list/item, table/row/cell, lb) as lines."""
    for child in element:
        if child.tag == "table":
            lines.extend("\t".join(_inline_text(cell) for cell in row) for row in child.iter("row"))
        elif child.tag in _CONTAINER_TAGS:
            _render(child, lines)
        else:
            lines.extend(line.strip() for line in _block_text(child).split("\n"))


def _block_text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == "lb" else "".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def _inline_text(element: etree._Element) -> str:
    return _SPACE_RE.sub(" ", "".join(element.itertext())).strip()


def _expand_spans(table: lxml.html.HtmlElement) -> None:
    """Rewrite the table as a plain grid: no rowspan or colspan left, every row one cell per column."""
    carried: dict[int, tuple[int, str, str]] = {}  # column → (rows still covered, tag, text)
    for row in table.iter("tr"):
        cells = [cell for cell in row if cell.tag in ("td", "th")]
        column = 0
        for cell in cells:
            column = _fill_carried(row, cell, column, carried)
            rowspan = _span(cell, "rowspan")
            colspan = _span(cell, "colspan")
            text = _inline_text(cell)
            for attribute in ("rowspan", "colspan"):
                cell.attrib.pop(attribute, None)
            if rowspan > 1:
                copied = text if len(text) <= _MAX_COPIED_CELL_CHARS else ""
                carried[column] = (rowspan - 1, cell.tag, copied)
            for offset in range(1, colspan):
                cell.addnext(lxml.html.Element(cell.tag))
                if rowspan > 1:
                    carried[column + offset] = (rowspan - 1, cell.tag, "")
            column += colspan
        _fill_carried(row, None, column, carried, to_end=True)


def _fill_carried(row, before, column: int, carried: dict[int, tuple[int, str, str]], to_end: bool = False) -> int:
    """Insert the cells that rowspans from rows above put at `column` and after (up to the row's end when
    `to_end`, empty where nothing is carried); returns the next free column."""
    while column in carried or (to_end and any(c >= column for c in carried)):
        remaining, tag, text = carried.pop(column, (0, "td", ""))
        filler = lxml.html.Element(tag)
        filler.text = text
        if before is None:
            row.append(filler)
        else:
            before.addprevious(filler)
        if remaining > 1:
            carried[column] = (remaining - 1, tag, text)
        column += 1
    return column


def _span(cell: lxml.html.HtmlElement, attribute: str) -> int:
    try:
        return max(1, min(int(cell.get(attribute, "1")), 1000))
    except ValueError:
        return 1
