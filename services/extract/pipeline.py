"""Raw text of a file → the documents in it, with clauses and facts (pure; never raises on odd input).

split (gazette → documents) → tables → outline (numbering → clauses) → per clause: units, officials,
deadlines, targets; per document: dates and relations. A stage that fails on odd input yields no facts
and a warning instead of an exception.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from services.extract.deadlines import DateContext, document_year, find_deadlines, find_document_dates
from services.extract.model import Clause, Document, Source, Unit
from services.extract.officials import find_officials
from services.extract.outline import OutlineClause, break_glued_items, parse_outline, starts_with_label
from services.extract.relations import find_relations
from services.extract.split import DocumentSlice, split_documents
from services.extract.tables import Table, find_tab_tables, row_subject_text, row_units
from services.extract.targets import find_targets
from services.extract.units import UnitDirectory, dedupe_units, find_units, first_listed_is_lead

# Temporary fallback until services/extract/pdftables.py (SPLIT) lands.
try:
    from services.extract.pdftables import find_tables as find_pdf_tables
except ImportError:  # pragma: no cover
    def find_pdf_tables(text: str) -> tuple[list[Table], list[str]]:  # type: ignore[misc]
        return [], []

T = TypeVar("T")


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
    """The documents of one file's text and what could not be read (for stderr)."""
    warnings = _Warnings()
    directory = UnitDirectory.load()
    slices = warnings.guard("split", split_documents, raw, default=[])
    raw_lines = raw.splitlines()
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
    outline = warnings.guard(
        f"{where} outline", parse_outline, text, [(t.start, t.end) for t in tables], default=[]
    )
    clauses = _numbered_clauses(text, outline, ctx, directory, warnings, where)
    clauses.extend(_table_clauses(tables, ctx, directory, warnings, where))
    clauses.sort(key=lambda clause: clause.span[0])
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


def clause_text(text: str, clause: OutlineClause) -> str:
    """What the clause says: its body without the number and without the responsibility lines."""
    lines = [line.strip() for line in text[clause.body_start : clause.end].split("\n")]
    return "\n".join(line for line in lines if line and not starts_with_label(line))


def _numbered_clauses(
    text: str,
    outline: list[OutlineClause],
    ctx: DateContext,
    directory: UnitDirectory,
    warnings: _Warnings,
    where: str,
) -> list[Clause]:
    first_is_lead = first_listed_is_lead(text)
    heading_leads: list[list[Unit]] = []
    clauses: list[Clause] = []
    for item in outline:
        segment = text[item.start : item.end]
        heading = text[item.start : item.heading_end]
        label = f"{where} clause {item.path}"
        own = warnings.guard(label, find_units, segment, directory, first_is_lead=first_is_lead, default=[])
        heading_leads.append(
            [u for u in warnings.guard(label, find_units, heading, directory, default=[]) if u.role == "lead"]
        )
        inherited: list[Unit] = []
        parent = item.parent
        while parent is not None:
            inherited.extend(heading_leads[parent])
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
                    units=warnings.guard(label, row_units, row, directory, default=[]),
                    deadlines=warnings.guard(label, find_deadlines, subject, ctx, default=[]),
                    targets=warnings.guard(label, find_targets, subject, default=[]),
                )
            )
    return clauses
