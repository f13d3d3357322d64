"""Raw text of a file → the documents in it, with clauses and facts (pure; never raises on odd input).

split (gazette → documents) → tables → outline (numbering → clauses) → per clause: units, officials,
deadlines, targets; per document: dates and relations. Tables printed one cell per line that could not
be rebuilt are passed over (no clause text, no facts). A stage that fails on odd input yields no facts
and a warning instead of an exception; so do responsibility labels that no recognised clause holds.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TypeVar

from services.extract.deadlines import DateContext, document_year, find_deadlines, find_document_dates
from services.extract.model import Clause, Document, Source, Unit
from services.extract.officials import find_officials
from services.extract.outline import OutlineClause, RegionCursor, break_glued_items, parse_outline, starts_with_label
from services.extract.pdftables import column_regions
from services.extract.pdftables import find_tables as find_pdf_tables
from services.extract.relations import find_relations
from services.extract.split import DocumentSlice, split_documents
from services.extract.tables import Table, find_tab_tables, row_officials, row_subject_text, row_units
from services.extract.targets import find_targets
from services.extract.units import UnitDirectory, dedupe_units, find_units, first_listed_is_lead, label_offsets

T = TypeVar("T")

# Attachments that are tables or lists (项目表, 重大项目清单, 成员名单, 承诺书) carry no numbered clauses.
_TABLE_TITLE_RE = re.compile(r"(?:表|清单|目录|名单|书)$")
# `关于印发X和Y的通知`: the documents a notice issues, when its body does not name them.
_ISSUED_IN_TITLE_RE = re.compile(r"关于印发(?P<titles>.+)的通知")
_TITLE_JOINS_RE = re.compile(r"(?<=[案划法则见定点])(?:和|及|、)")


class _Warnings(list[str]):
    def guard(self, what: str, func: Callable[..., T], *args, default: T, **kwargs) -> T:
        """func(*args), or `default` plus a warning when odd input makes it fail."""
        try:
            return func(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 — odd input must cost facts, not the run
            self.append(f"{what}: {type(error).__name__}: {error}")
            return default


def extract_text(raw: str, file_name: str) -> list[Document]:
    """The documents of one file's text, in order of appearance."""
    return extract_text_with_warnings(raw, file_name)[0]


def extract_text_with_warnings(raw: str, file_name: str) -> tuple[list[Document], list[str]]:
    """The documents of one file's text and what could not be read (for stderr; each names the file)."""
    warnings = _Warnings()
    directory = UnitDirectory.load()
    slices = warnings.guard(f"{file_name}: split", split_documents, raw, default=[])
    raw_lines = raw.splitlines() if "\t" in raw else []  # only tab-separated tables look back at them
    documents = []
    for doc_slice in slices:
        label = f"{file_name}:{doc_slice.start_line}"
        document = warnings.guard(
            label, _document, doc_slice, file_name, directory, raw_lines, warnings, default=None
        )
        if document is not None:
            documents.append(document)
    return documents, list(warnings)


def _date_context(doc_slice: DocumentSlice) -> DateContext:
    signed = dt.date.fromisoformat(doc_slice.signed_date) if doc_slice.signed_date else None
    year = document_year(doc_slice.title, doc_slice.text, doc_slice.signed_date)
    return DateContext(year=year or (signed.year if signed else dt.date.today().year), signed_date=signed)


def _printed_table_lines(doc_slice: DocumentSlice, raw_lines: list[str]) -> dict[str, str]:
    """Tab-separated lines as printed, keyed by the trimmed line normalisation made of them (the empty
    cells at a row's edges place the others)."""
    originals: dict[str, str] = {}
    if "\t" not in doc_slice.text:
        return originals
    for index, line in enumerate(doc_slice.text.split("\n")):
        if "\t" in line and index < len(doc_slice.line_map) and 0 < doc_slice.line_map[index] <= len(raw_lines):
            printed = raw_lines[doc_slice.line_map[index] - 1].rstrip("\r\n")
            if printed.strip() == line and printed != line:
                originals[line] = printed
    return originals


def _document(
    doc_slice: DocumentSlice, file_name: str, directory: UnitDirectory, raw_lines: list[str], warnings: _Warnings
) -> Document:
    text = break_glued_items(doc_slice.text)
    ctx = _date_context(doc_slice)
    where = f"{file_name}:{doc_slice.start_line}"
    originals = _printed_table_lines(doc_slice, raw_lines)
    tables = warnings.guard(f"{where} tables", find_tab_tables, text, originals, default=[])
    pdf_tables, table_warnings = warnings.guard(f"{where} pdf tables", find_pdf_tables, text, default=([], []))
    warnings.extend(f"{where}: {w}" for w in table_warnings)
    tables = sorted([*tables, *pdf_tables], key=lambda table: table.start)
    table_spans = [(t.start, t.end) for t in tables]
    # Tables printed one cell per line that were not rebuilt: passed over, not read as clause text.
    loose_cells = [
        (start, end)
        for start, end in warnings.guard(f"{where} cell columns", column_regions, text, default=[])
        if not any(start < t_end and t_start < end for t_start, t_end in table_spans)
    ]
    outline = warnings.guard(
        f"{where} outline",
        parse_outline,
        text,
        table_spans,
        ignore=loose_cells,
        attached_plans=_attached_plans(doc_slice),
        default=[],
    )
    clauses = _numbered_clauses(_blank_regions(text, loose_cells), outline, ctx, directory, warnings, where)
    clauses.extend(_table_clauses(tables, ctx, directory, warnings, where))
    clauses.sort(key=lambda clause: clause.span[0])
    _warn_unread_labels(text, clauses, warnings, where)
    effective, expiry = warnings.guard(f"{where} dates", find_document_dates, text, ctx, default=(None, None))
    return Document(
        doc_number=doc_slice.doc_number,
        title=doc_slice.title,
        issuers=list(doc_slice.issuers),
        signed_date=doc_slice.signed_date,
        source=Source(file=file_name, start_line=doc_slice.start_line, end_line=doc_slice.end_line),
        effective_date=effective,
        expiry_date=expiry,
        attachments=list(doc_slice.attachments),
        relations=warnings.guard(f"{where} relations", find_relations, text, ctx, default=[]),
        clauses=clauses,
        text=text,
    )


def _warn_unread_labels(text: str, clauses: list[Clause], warnings: _Warnings, where: str) -> None:
    """Responsibility labels that no clause holds mean a numbering (or layout) the engine does not know:
    their units are lost, so say so."""
    in_clause = RegionCursor([clause.span for clause in clauses])
    unread = [offset for offset in label_offsets(text) if not in_clause.covers(offset)]
    if unread:
        warnings.append(
            f"{where}: {len(unread)} responsibility label(s) outside any numbered clause (first at text offset "
            f"{unread[0]}); their units are not reported"
        )


def _attached_plans(doc_slice: DocumentSlice) -> int | None:
    """How many separately numbered documents the notice issues (tables and lists do not count); None
    when it does not say."""
    titles = list(doc_slice.attachments)
    issued = _ISSUED_IN_TITLE_RE.search(doc_slice.title or "")
    if not titles and issued:
        titles = _TITLE_JOINS_RE.split(issued.group("titles"))
    plans = [title for title in titles if not _TABLE_TITLE_RE.search(title)]
    return len(plans) if titles else None


def _blank_regions(text: str, regions: list[tuple[int, int]]) -> str:
    """`text` with the regions' characters (line breaks kept) turned to spaces: offsets stay valid while
    no fact is read from them."""
    if not regions:
        return text
    pieces: list[str] = []
    done = 0  # text[:done] is in `pieces`
    for start, end in sorted(regions):
        start = max(start, done)
        if start >= end:
            continue
        pieces.append(text[done:start])
        pieces.append("\n".join(" " * len(line) for line in text[start:end].split("\n")))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def clause_text(text: str, clause: OutlineClause) -> str:
    """What the clause says: its body without the number and without the responsibility lines."""
    lines = map(str.strip, text[clause.body_start : clause.end].split("\n"))
    return "\n".join([line for line in lines if line and not starts_with_label(line)])


def _numbered_clauses(
    text: str,
    outline: list[OutlineClause],
    ctx: DateContext,
    directory: UnitDirectory,
    warnings: _Warnings,
    where: str,
) -> list[Clause]:
    first_is_lead = first_listed_is_lead(text)
    # Units a section heading names (`一、…（牵头单位：X，配合单位：Y）`) are listed, with their roles, on
    # every clause below it (so they are only looked for in the headings of clauses that have some).
    heading_units: list[list[Unit]] = []
    parents = {item.parent for item in outline}
    clauses: list[Clause] = []
    for index, item in enumerate(outline):
        segment = text[item.start : item.end]
        label = f"{where} clause {item.path}"
        own = warnings.guard(label, find_units, segment, directory, first_is_lead=first_is_lead, default=[])
        if index in parents:
            heading = text[item.start : item.heading_end]
            heading_units.append(
                warnings.guard(label, find_units, heading, directory, first_is_lead=first_is_lead, default=[])
            )
        else:
            heading_units.append([])
        inherited: list[Unit] = []
        parent = item.parent
        while parent is not None:
            inherited.extend(heading_units[parent])
            parent = outline[parent].parent
        clauses.append(
            Clause(
                path=item.path,
                text=clause_text(text, item),
                span=(item.start, item.end),
                officials=warnings.guard(label, find_officials, segment, default=[]),
                units=dedupe_units([*own, *inherited]),
                deadlines=warnings.guard(label, find_deadlines, segment, ctx, default=[]),
                targets=warnings.guard(label, find_targets, segment, default=[]),
            )
        )
    return clauses


def _table_clauses(
    tables: list[Table], ctx: DateContext, directory: UnitDirectory, warnings: _Warnings, where: str
) -> list[Clause]:
    clauses: list[Clause] = []
    for k, table in enumerate(tables, start=1):
        for n, row in enumerate(table.rows, start=1):
            path = f"table{k}/row/{n}"
            label = f"{where} {path}"
            subject = row_subject_text(row)
            clauses.append(
                Clause(
                    path=path,
                    text="；".join(f"{column}：{value}" for column, value in row.cells.items() if value),
                    span=(row.start, row.end),
                    officials=warnings.guard(label, row_officials, row, default=[]),
                    units=warnings.guard(label, row_units, row, directory, default=[]),
                    deadlines=warnings.guard(label, find_deadlines, subject, ctx, default=[]),
                    targets=warnings.guard(label, find_targets, subject, default=[]),
                )
            )
    return clauses
