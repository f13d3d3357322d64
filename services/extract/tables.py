"""Tables: tab-separated tables of clean text → rows, and rows → units with roles.

`Table`/`TableRow` are the shape every table source produces (pdftables rebuilds PDF tables into the
same shape), so the pipeline turns any table into row clauses `table{k}/row/{n}` one way.
A table runs over consecutive tab-separated lines (blank lines allowed); a repeated header (one per
printed page) is skipped; a blank cell is covered by the merged cell above and inherits its value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from services.extract.model import Role, Unit
from services.extract.officials import find_officials
from services.extract.units import UnitDirectory, dedupe_units, make_unit, split_unit_list

_UNIT_COLUMN_ROLES: tuple[tuple[re.Pattern[str], Role], ...] = (
    (re.compile(r"(?:牵头|主办)(?:单位|部门)"), "lead"),
    (re.compile(r"(?:配合|协同|协办|参与)(?:单位|部门)"), "support"),
    (re.compile(r"(?:责任|承办|实施)(?:单位|部门)"), "responsible"),
)
# Columns whose text says what is to be done (targets and deadlines are read from these).
_SUBJECT_COLUMN_RE = re.compile(r"名称|事项|项目|目标|任务|内容|时间|期限|时限|节点|要求")
_OFFICIAL_COLUMN_RE = re.compile(r"领导")
_NO_VALUE = {"/", "／", "-", "—", "无"}
# Columns printed as merged cells spanning sub-rows; per-county figures are not merged.
_MERGEABLE_COLUMN_RE = re.compile(r"序号|分类|类别|名称|项目|单位|部门")
_MIN_TABS = 2


@dataclass(frozen=True)
class TableRow:
    cells: dict[str, str]  # column name → value, merged cells already inherited
    start: int  # offsets of the row in the document text
    end: int
    inherited: tuple[str, ...] = ()  # columns whose value came from a merged cell


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[TableRow]
    start: int  # offsets of the whole table region (captions excluded)
    end: int
    title: str | None = None
    warnings: list[str] = field(default_factory=list)


@cache  # a table asks about the same few column names for every row
def unit_role(column: str) -> Role | None:
    for pattern, role in _UNIT_COLUMN_ROLES:
        if pattern.search(column):
            return role
    return None


def is_subject_column(column: str) -> bool:
    return unit_role(column) is None and bool(_SUBJECT_COLUMN_RE.search(column))


def row_units(row: TableRow, directory: UnitDirectory) -> list[Unit]:
    """Units of a row: 牵头单位 cells lead, 配合单位 cells support, 责任单位 cells are responsible."""
    units: list[Unit] = []
    for column, value in row.cells.items():
        role = unit_role(column)
        if role is None or value.strip() in _NO_VALUE:
            continue
        units.extend(make_unit(name, role, directory) for name in split_unit_list(value, on_space=True))
    return dedupe_units(units)


def row_officials(row: TableRow) -> list[str]:
    """Officials named in a row's 责任领导/牵头市领导 cells."""
    names: list[str] = []
    for column, value in row.cells.items():
        if _OFFICIAL_COLUMN_RE.search(column) and value.strip() not in _NO_VALUE:
            names.extend(name for name in find_officials(f"责任领导：{value}") if name not in names)
    return names


def row_subject_text(row: TableRow) -> str:
    """The row's descriptive cells (item, target, time), where targets and deadlines are read."""
    return "；".join(value for column, value in row.cells.items() if is_subject_column(column) and value)


def _lines(text: str):
    offset = 0
    for line in text.split("\n"):
        yield line, offset, offset + len(line)
        offset += len(line) + 1


def _is_table_line(line: str) -> bool:
    return line.count("\t") >= _MIN_TABS


def find_tab_tables(text: str, originals: dict[str, str] | None = None) -> list[Table]:
    """Every tab-separated table of `text`, in order. `originals` maps a line of `text` to the line as
    printed when normalisation trimmed it: leading and trailing empty cells place the others."""
    if "\t" not in text:  # most documents: no table line, and `originals` only holds lines with tabs
        return []
    tables: list[Table] = []
    block: list[tuple[str, int, int]] = []
    title: str | None = None
    last_plain: str | None = None
    for line, start, end in _lines(text):
        line = (originals or {}).get(line, line)
        if _is_table_line(line):
            if not block:
                title = last_plain
            block.append((line, start, end))
        elif line.strip():
            if block:
                tables.append(_build_table(block, title))
                block = []
            last_plain = line.strip()
    if block:
        tables.append(_build_table(block, title))
    return tables


def _cells(line: str) -> list[str]:
    cells = [cell.strip() for cell in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _build_table(block: list[tuple[str, int, int]], title: str | None) -> Table:
    columns = _cells(block[0][0])
    rows: list[TableRow] = []
    previous: dict[str, str] = {}
    for line, start, end in block[1:]:
        cells = _cells(line)
        if cells[: len(columns)] == columns or (cells and cells[0] == columns[0]):
            columns = cells  # the header again, on the next printed page
            continue
        values, inherited = _row_values(columns, cells, previous)
        rows.append(TableRow(cells=values, start=start, end=end, inherited=tuple(inherited)))
        previous = values
    return Table(columns=columns, rows=rows, start=block[0][1], end=block[-1][2], title=title)


def _row_values(columns: list[str], cells: list[str], previous: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Cell per column. A row with more cells than columns (a stray cell) is read right-aligned for the
    unit columns, which close the table; blank cells of merged-cell columns inherit from the row above."""
    shift = max(len(cells) - len(columns), 0)
    values: dict[str, str] = {}
    for index, column in enumerate(columns):
        source = index + shift if unit_role(column) else index
        values[column] = cells[source] if source < len(cells) else ""
    _repair_dropped_cell(columns, values)
    inherited: list[str] = []
    for column, value in values.items():
        if not value and previous.get(column) and _MERGEABLE_COLUMN_RE.search(column):
            values[column] = previous[column]
            inherited.append(column)
    return values, inherited


def _repair_dropped_cell(columns: list[str], values: dict[str, str]) -> None:
    """A row whose support cell is empty while its lead cell lists several units lost a blank cell when
    it was printed: the list is the support units, and the lead is merged from the row above."""
    lead = next((c for c in columns if unit_role(c) == "lead"), None)
    support = next((c for c in columns if unit_role(c) == "support"), None)
    if lead is None or support is None or values[support]:
        return
    if len(split_unit_list(values[lead], on_space=True)) >= 2:
        values[support], values[lead] = values[lead], ""
