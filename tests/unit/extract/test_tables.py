"""Tab-separated tables → rows with merged cells inherited → units with roles."""
from __future__ import annotations

import pytest

from services.extract.tables import find_tab_tables, row_subject_text, row_units
from services.extract.units import UnitDirectory

HEADER = "序号\t事项名称\t全市目标\t牵头单位\t配合单位"
TABLE = "\n".join(
    [
        "一、民生实事责任分解",
        HEADER,
        "1\t新建农村公路100公里\t100\t市交通运输局\t各县（市、区）政府",
        "2\t改造危桥20座\t20\t\t市财政局",  # lead merged with the row above
        "\t新建驿站5家\t5\t\t",  # a sub-row: all merged
        "",
        HEADER,  # the header again on the next page
        "3\t开放场馆\t/（无任务）\t市体育局\t/",
        "4\t建设站点10个\t10\t市卫健委 各县（市、区）政府\t",  # a blank cell was dropped when printed
        "抄送：市委各部门。",
    ]
)


@pytest.fixture(scope="module")
def directory() -> UnitDirectory:
    return UnitDirectory.load()


def _roles(row, directory) -> list[tuple[str, str]]:
    return [(u.name, u.role) for u in row_units(row, directory)]


def test_one_table_with_repeated_header_skipped() -> None:
    tables = find_tab_tables(TABLE)
    assert len(tables) == 1
    assert tables[0].title == "一、民生实事责任分解"
    assert len(tables[0].rows) == 5


def test_merged_cells_inherit_and_roles_follow_columns(directory: UnitDirectory) -> None:
    rows = find_tab_tables(TABLE)[0].rows
    assert _roles(rows[0], directory) == [("市交通运输局", "lead"), ("各县（市、区）政府", "support")]
    assert _roles(rows[1], directory) == [("市交通运输局", "lead"), ("市财政局", "support")]
    assert _roles(rows[2], directory) == [("市交通运输局", "lead"), ("市财政局", "support")]
    assert "牵头单位" in rows[1].inherited and "序号" in rows[2].inherited


def test_slash_means_no_unit(directory: UnitDirectory) -> None:
    row = find_tab_tables(TABLE)[0].rows[3]
    assert _roles(row, directory) == [("市体育局", "lead")]


def test_dropped_blank_cell_is_repaired(directory: UnitDirectory) -> None:
    row = find_tab_tables(TABLE)[0].rows[4]
    assert _roles(row, directory) == [
        ("市体育局", "lead"), ("市卫健委", "support"), ("各县（市、区）政府", "support")
    ]


def test_stray_extra_cell_reads_unit_columns_right_aligned(directory: UnitDirectory) -> None:
    text = HEADER + "\n5\t修缮文物\t1\t0\t市住建局\t市文旅局 常山县政府"
    row = find_tab_tables(text)[0].rows[0]
    assert _roles(row, directory) == [("市住建局", "lead"), ("市文旅局", "support"), ("常山县政府", "support")]


def test_subject_text_holds_item_and_target() -> None:
    row = find_tab_tables(TABLE)[0].rows[0]
    assert row_subject_text(row) == "新建农村公路100公里；100"


def test_trimmed_lines_are_read_as_printed() -> None:
    trimmed = HEADER + "\n新建驿站5家\t5"
    originals = {"新建驿站5家\t5": "\t新建驿站5家\t5\t\t"}
    row = find_tab_tables(trimmed, originals)[0].rows[0]
    assert row.cells["事项名称"] == "新建驿站5家"


def test_no_table() -> None:
    assert find_tab_tables("一、总体要求\n（一）目标。") == []


@pytest.mark.corpus
def test_corpus_tables(corpus_dir) -> None:
    tables = find_tab_tables((corpus_dir / "003_ebc2be11e8b97b3c.txt").read_text("utf-8"))
    assert [len(t.rows) for t in tables] == [39, 14]
