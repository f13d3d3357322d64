"""Tables that PDF text extraction printed one cell or one character per line, rebuilt into rows.

Text extraction of a gazette PDF emits a table column by column: every cell of the first column top to
bottom, then the second column, and so on, each page on its own (the header repeats on every page).
Narrow columns come out one character per line, so cell boundaries are lost inside a column. A page
can be rebuilt when its row count is printed (`序号` followed by the row numbers) and each column's
characters cut into that many cells in one consistent way; everything else is reported, not guessed.
The rebuilt rows have the shape of `tables.Table`, so the pipeline treats both kinds of table alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate, groupby

from services.extract.outline import is_label_line, opens_numbered_item
from services.extract.tables import Table, TableRow

_MIN_REGION_LINES = 12  # a shorter run of short lines is a list, not a table
_SHORT_LINE = 3  # characters of a line in a one-character-per-line table (numbers come in pairs: `20`)
_MAX_LONG_SHARE = 0.2
# A page is rebuilt only when enough of its columns are recognised and cut: with fewer, unrecognised
# columns have been swallowed by their neighbours.
_MIN_COLUMNS = 3
_MAX_LOST_COLUMNS = 1
_MAX_CELL = 300  # characters; a longer cell has swallowed its neighbours  # share of longer lines (row numbers `号 1 2 3`, `1.《`) a region may hold

# Column names printed in the header of government tables, longest first so that `决策承办单位`
# wins over `承办单位`.
_COLUMN_NAMES = sorted(
    {
        "序号", "事项分类", "事项名称", "项目名称", "名称", "决策主体", "决策承办单位", "承办单位",
        "牵头单位", "配合单位", "责任单位", "法律政策依据", "履行程序要求", "计划完成时间", "完成时间",
        "完成时限", "市级目标", "目标任务", "工作目标", "主要内容", "建设内容", "工作内容", "备注",
        "区域名称", "区域范围", "地价标准", "建设期限", "数据来源", "指标属性", "文件名称", "文号",
    },
    key=len,
    reverse=True,
)
_COLUMN_RE = re.compile("|".join(_COLUMN_NAMES))
_ROW_NUMBERS_RE = re.compile(r"序号((?:\s*\d{1,3}(?!\d))+)")
_TITLE_END_RE = re.compile(r"(?:通知|意见|办法|细则|标准|规定|方案|规则|决定)(?:[（(](?:试行|暂行)[）)])?")
_DATE_CELL_RE = re.compile(r"\d{4}年(?:\d{1,2}月)?(?:底前|底|前|\d{1,2}日前)?")


@dataclass(frozen=True)
class _Region:
    start: int  # offsets in the text
    end: int
    text: str  # the region's lines glued together (the characters of the columns in print order)
    first_line: int  # 0-based line of the text where the region starts


def _regions(text: str) -> list[_Region]:
    """Runs of lines that are mostly one to three characters long."""
    regions: list[_Region] = []
    lines = text.split("\n")
    stripped = list(map(str.strip, lines))
    sizes = list(map(len, stripped))
    lengths = [0, *accumulate(map(len, lines))]  # lengths[k] + k: offset of line k (after k line breaks)
    k = 0
    while k < len(lines):
        if sizes[k] > _SHORT_LINE:
            k += 1
            continue
        end = k
        long = 0
        while end < len(lines):
            size = sizes[end]
            if size > _SHORT_LINE:
                if size > 40 or long + 1 > _MAX_LONG_SHARE * (end - k + 1):
                    break
                long += 1
            end += 1
        while end > k and sizes[end - 1] > _SHORT_LINE:
            end -= 1
        if end - k >= _MIN_REGION_LINES:
            glued = "".join(stripped[k:end])
            regions.append(_Region(lengths[k] + k, lengths[end] + end - 1, glued, k))
        k = max(end, k + 1)
    return regions


def _pages(glued: str) -> list[str]:
    """The region cut before each repeated 序号 header (one piece per printed page; a caption before the
    first header is dropped)."""
    cuts = [m.start() for m in re.finditer("序号", glued)]
    if not cuts:
        return [glued]
    return [glued[a:b] for a, b in zip(cuts, cuts[1:] + [len(glued)])]  # the caption before goes


def _columns(page: str) -> list[tuple[str, str]]:
    """(column name, that column's characters) in print order."""
    found = list(_COLUMN_RE.finditer(page))
    return [
        (m.group(), page[m.end(): found[n + 1].start() if n + 1 < len(found) else len(page)].strip())
        for n, m in enumerate(found)
    ]


def _occurrences(text: str, part: str) -> list[int]:
    """Where `part` occurs in `text`, without overlaps, left to right."""
    found = []
    at = text.find(part)
    while at >= 0:
        found.append(at)
        at = text.find(part, at + len(part))
    return found


def _cut_on_repeated_start(stream: str, rows: int) -> list[str] | None:
    """Cells that each begin like the first one (`市政府市政府…`, `1.《…1.《…`, `市数据局市住建局…`)."""
    for width in (3, 2, 1):
        head = stream[:width]
        if len(head) < width:
            continue
        starts = _occurrences(stream, head)
        if len(starts) == rows:
            return [stream[a:b] for a, b in zip(starts, starts[1:] + [len(stream)])]
    return None


def _cut_dates(stream: str, rows: int) -> list[str] | None:
    cells = _DATE_CELL_RE.findall(stream)
    if len(cells) == rows and "".join(cells) == stream:
        return cells
    return None


def _cut_after_titles(stream: str, rows: int) -> list[str] | None:
    """Cells that are document titles end with their kind of document (`…办法`, `…意见`, `…细则（试行）`)."""
    ends = [m.end() for m in _TITLE_END_RE.finditer(stream)]
    if len(ends) == rows and ends[-1] == len(stream):
        return [stream[a:b] for a, b in zip([0, *ends[:-1]], ends)]
    return None


def _cut(stream: str, rows: int) -> list[str] | None:
    cells = _cut_dates(stream, rows) or _cut_after_titles(stream, rows) or _cut_on_repeated_start(stream, rows)
    if cells is None or any(not cell.strip() or any(c.isspace() for c in cell.strip()) for cell in cells):
        return None  # white space inside a cell means several cells shared a printed line: order is lost
    return [cell.strip() for cell in cells]


def _rebuild_page(page: str, start: int, end: int) -> tuple[Table | None, list[str]]:
    numbers = _ROW_NUMBERS_RE.match(page)
    row_numbers = [int(n) for n in numbers.group(1).split()] if numbers else []
    if not row_numbers or row_numbers != list(range(row_numbers[0], row_numbers[0] + len(row_numbers))):
        return None, ["a table page printed one character per line has no row numbers in order; not rebuilt"]
    rows = len(row_numbers)
    if rows < 2:  # one row cannot show that its cells were cut consistently
        return None, [f"row {row_numbers[0]}: a one-row table page is not rebuilt"]
    columns = [(name, stream) for name, stream in _columns(page[numbers.end():]) if name != "序号"]
    if not columns:
        return None, [f"a table page of {rows} rows has no recognisable column header; not rebuilt"]
    cells: dict[str, list[str]] = {}
    lost: list[str] = []
    for name, stream in columns:
        cut = _cut(stream, rows)
        if cut is None or max(map(len, cut)) > _MAX_CELL:
            lost.append(name)
        else:
            cells[name] = cut
    warnings = []
    names = [name for name, _ in columns]
    if len(set(names)) < len(names):
        return None, [f"rows {row_numbers[0]}–{row_numbers[-1]}: a column name repeats, so columns are "
                      f"mixed up; not rebuilt"]
    if len(columns) < _MIN_COLUMNS or len(lost) > _MAX_LOST_COLUMNS:
        return None, [f"rows {row_numbers[0]}–{row_numbers[-1]}: {len(cells)} of {len(columns)} recognised "
                      f"columns could be cut into cells; not rebuilt"]
    if lost:
        warnings.append(f"rows {row_numbers[0]}–{row_numbers[-1]}: column(s) "
                        f"{'、'.join(lost)} could not be cut into {rows} cells; left empty")
    table_rows = [
        TableRow(cells={"序号": number, **{name: cells[name][r] if name in cells else "" for name in names}},
                 start=start, end=end)
        for r, number in enumerate(str(n) for n in row_numbers)
    ]
    return Table(columns=["序号", *names], rows=table_rows, start=start, end=end, warnings=warnings), warnings


# A line of a table printed column by column: up to three characters (`①各` included), or a short cell
# that ends no sentence and is neither a heading nor a responsibility line.
_CELL_LINE_MAX = 30
_MIN_COLUMN_RUN = 8  # consecutive cell lines; prose after re-joining never runs this long unpunctuated
_SENTENCE_END = tuple("。；;！？!?")


def _is_cell_line(line: str) -> bool:
    text = line.strip()
    if not text or "\t" in line:
        return False
    if len(text) <= _SHORT_LINE:
        return True
    return (
        len(text) <= _CELL_LINE_MAX
        and not text.endswith(_SENTENCE_END)
        and not is_label_line(text)
        and not opens_numbered_item(text)  # a heading such as `二、重点任务` next to a table
    )


def column_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of runs of lines that are table cells printed one per line, rebuilt or not
    (an indicator table inside a clause, a table whose pages could not be rebuilt): they are no clause's
    text and their `（1）`/`1．` are no clause numbers."""
    lines = text.split("\n")
    lengths = [0, *accumulate(map(len, lines))]  # lengths[k] + k: offset of line k (after k line breaks)
    regions: list[tuple[int, int]] = []
    first = 0  # the first line of the current run of cell lines or of other lines
    for is_cell, run in groupby(map(_is_cell_line, lines)):
        stop = first + len(list(run))
        if is_cell and stop - first >= _MIN_COLUMN_RUN:
            regions.append((lengths[first] + first, lengths[stop] + stop - 1))
        first = stop
    return regions


def find_tables(text: str) -> tuple[list[Table], list[str]]:
    """Tables printed one character per line in `text`, rebuilt where possible, and warnings that say
    which pages or columns could not be rebuilt."""
    tables: list[Table] = []
    warnings: list[str] = []
    for region in _regions(text):
        for page in _pages(region.text):
            table, page_warnings = _rebuild_page(page, region.start, region.end)
            where = f"table near text line {region.first_line + 1}"
            warnings.extend(f"{where}: {w}" for w in page_warnings)
            if table is not None:
                tables.append(table)
    return tables, warnings
