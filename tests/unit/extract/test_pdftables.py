"""Tables printed one character per line: rebuilt into rows when every page can be cut consistently,
reported (never guessed) when not."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from services.extract.pdftables import find_tables
from services.extract.split import DocumentSlice, split_documents
from services.extract.tables import Table


def _vertical(*cells: str) -> str:
    """Text as PDF extraction prints a column-major table: one character a line (digits in pairs)."""
    out: list[str] = []
    for cell in cells:
        out.extend(re.findall(r"\d{1,2}|.", cell))
    return "\n".join(out)


# Our own decision list: caption, 序号 with its row numbers, then each column top to bottom.
DECISIONS = "\n".join(
    [
        "附件",
        _vertical("2099年度重大事项目录", "序"),
        "号 1 2 3",
        _vertical(
            "事项名称", "示范区建设管理办法", "公共数据开放实施细则（试行）", "关于加快养老服务发展的意见",
            "决策承办单位", "市发改委", "市数据局", "市民政局",
            "计划完成时间", "2099年6月底前", "2099年9月底前", "2099年12月底前",
        ),
    ]
)


def _rows(table: Table) -> list[dict[str, str]]:
    return [row.cells for row in table.rows]


def test_decision_list_is_rebuilt() -> None:
    (table,), warnings = find_tables("现将目录公布如下。\n" + DECISIONS + "\n本目录自公布之日起执行。")
    assert warnings == []
    assert table.columns == ["序号", "事项名称", "决策承办单位", "计划完成时间"]
    assert _rows(table) == [
        {"序号": "1", "事项名称": "示范区建设管理办法", "决策承办单位": "市发改委", "计划完成时间": "2099年6月底前"},
        {"序号": "2", "事项名称": "公共数据开放实施细则（试行）", "决策承办单位": "市数据局",
         "计划完成时间": "2099年9月底前"},
        {"序号": "3", "事项名称": "关于加快养老服务发展的意见", "决策承办单位": "市民政局",
         "计划完成时间": "2099年12月底前"},
    ]
    text = "现将目录公布如下。\n" + DECISIONS
    assert text[table.start:table.end].startswith("附") or text[table.start:table.end].startswith("20")


def test_a_column_that_cannot_be_cut_is_left_empty_and_reported() -> None:
    text = DECISIONS + "\n" + _vertical("备注", "无", "暂缓", "无")  # 备注 cells cannot be told apart
    (table,), warnings = find_tables(text)
    assert [row.cells["备注"] for row in table.rows] == ["", "", ""]
    assert [row.cells["决策承办单位"] for row in table.rows] == ["市发改委", "市数据局", "市民政局"]
    assert len(warnings) == 1 and "备注" in warnings[0]


def test_page_with_cells_sharing_lines_is_not_rebuilt() -> None:
    # Two cells printed on one line ("市发改委 市数据局"): the column order is lost on this page.
    text = DECISIONS.replace("市\n发\n改\n委", "市发改委 市数据局\n市\n发\n改\n委", 1)
    tables, warnings = find_tables(text)
    assert all(row.cells["决策承办单位"] == "" for table in tables for row in table.rows)
    assert warnings


def test_page_without_row_numbers_is_reported() -> None:
    text = _vertical("事项名称", "示范区建设管理办法", "决策承办单位", "市发改委", "计划完成时间", "2099年6月底前")
    assert find_tables(text)[0] == []
    assert find_tables("序号\n" + text)[1]  # a header without numbers: reported, not rebuilt


def test_prose_has_no_tables() -> None:
    assert find_tables("一、总体要求\n（一）加快推进重点工作。\n（二）强化要素保障。") == ([], [])


@lru_cache(maxsize=None)
def _split(path: Path) -> list[DocumentSlice]:
    return split_documents(path.read_text(encoding="utf-8"))


def test_decision_table_of_the_2024_issue(corpus_dir) -> None:
    """000: 衢政办发〔2024〕12号 lists 7 decisions one character per line (l.6804–8271)."""
    path = corpus_dir / "000_d96df1f4540694e4.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    tables, _ = find_tables(_split(path)[4].text)
    rows = [row.cells for table in tables for row in table.rows]
    assert [row["序号"] for row in rows] == [str(n) for n in range(1, 8)]
    # l.6983–7004: the 决策承办单位 cells of rows 1–4, one character a line.
    printed = "".join(line.strip() for line in lines[6982:7004])
    assert "".join(row["决策承办单位"] for row in rows[:4]) == printed
    # l.8243–8271: the 计划完成时间 cells of rows 5–7.
    printed_dates = "".join(line.strip() for line in lines[8242:8271])
    assert "".join(row["计划完成时间"] for row in rows[4:]) == printed_dates
    assert all(re.fullmatch(r"\d{4}年\d{1,2}月底前", row["计划完成时间"]) for row in rows)


def test_overlapping_pages_are_reported_not_rebuilt(corpus_dir) -> None:
    """000: the 民生实事 tables of 衢政办发〔2024〕10号 lost rows where pages overlap (l.3431–3482)."""
    tables, warnings = find_tables(_split(corpus_dir / "000_d96df1f4540694e4.txt")[2].text)
    assert tables == []
    assert len(warnings) >= 5
