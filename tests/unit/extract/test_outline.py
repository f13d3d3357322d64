"""Clause hierarchy from printed numbering."""
from __future__ import annotations

import pytest

from services.extract.outline import break_glued_items, chinese_number, parse_outline

NESTED = """总则段落，不属于任何条款。
一、总体要求
（一）工作目标。到2025年，建成示范点10个。
1．完善制度。
——健全考核办法。
2．强化保障。
（1）资金保障。
①市级补助。
②县级配套。
（二）主要任务。
二、保障措施
（三）加强督查。"""


def _paths(text: str, skip=None) -> list[str]:
    return [clause.path for clause in parse_outline(text, skip)]


@pytest.mark.parametrize(("numeral", "value"), [("一", 1), ("十", 10), ("十二", 12), ("七十三", 73), ("一百零五", 105)])
def test_chinese_number(numeral: str, value: int) -> None:
    assert chinese_number(numeral) == value


def test_nested_levels_and_continuous_numbering() -> None:
    assert _paths(NESTED) == ["1", "1.1", "1.1.1", "1.1.2", "1.1.2.1", "1.1.2.1.1", "1.1.2.1.2", "1.2", "2", "2.3"]


def test_dash_paragraph_belongs_to_enclosing_clause() -> None:
    clauses = parse_outline(NESTED)
    first_item = clauses[2]
    assert "健全考核办法" in NESTED[first_item.start : first_item.end]
    assert clauses[3].parent == 1 and clauses[1].parent == 0


def test_flat_list_with_ascii_and_fullwidth_dots() -> None:
    text = "1. 第一项任务。\n牵头市领导：王小明\n责任单位：市财政局\n2．第二项任务。\n3.第三项任务。"
    assert _paths(text) == ["1", "2", "3"]


@pytest.mark.parametrize(
    "line",
    [
        "（扣除政府补助部分）给予一定补助。",  # a wrapped continuation that opens with a bracket
        "（套）产品推广应用力度",
        "2024年，全市新增就业2万人。",
        "7．跳号的条款不是新条款。",  # breaks the sequence 1 → 7
    ],
)
def test_lines_that_only_look_numbered(line: str) -> None:
    text = f"（一）第一项。\n1．子项。\n{line}"
    assert _paths(text) == ["1", "1.1"]


def test_text_after_the_responsibility_lines_belongs_to_no_clause() -> None:
    text = "（一）推进改革。（责任单位：市发改委）\n上述政策由各牵头单位负责解释。"
    clause = parse_outline(text)[0]
    assert text[clause.start : clause.end].endswith("（责任单位：市发改委）")


def test_two_separately_numbered_parts_get_prefixes() -> None:
    text = "一、妇女与健康\n（一）主要目标\n二、妇女与教育\n一、儿童与健康\n（一）主要目标"
    assert _paths(text) == ["1/1", "1/1.1", "1/2", "2/1", "2/1.1"]


def test_skipped_regions_end_a_clause() -> None:
    text = "1．任务一。\n序号\t名称\t单位\n1\t甲\t市财政局\n2．任务二。"
    table_start = text.index("序号")
    table_end = text.index("2．") - 1
    clauses = parse_outline(text, [(table_start, table_end)])
    assert [c.path for c in clauses] == ["1", "2"]
    assert "\t" not in text[clauses[0].start : clauses[0].end]


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("file_name", "count", "first", "last"),
    [("002_c219690aee66b248.txt", 81, "1", "8.73"), ("003_ebc2be11e8b97b3c.txt", 132, "1", "2")],
)
def test_corpus_outlines(corpus_dir, file_name: str, count: int, first: str, last: str) -> None:
    paths = _paths((corpus_dir / file_name).read_text("utf-8"))
    assert (len(paths), paths[0], paths[-1]) == (count, first, last)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("责任单位：市供销社14．创新发展直播模式。", "责任单位：市供销社\n14．创新发展直播模式。"),
        ("责任单位：市发改委、开化县政府49. 实施重大项目。", "责任单位：市发改委、开化县政府\n49. 实施重大项目。"),
        ("责任单位：市财政局", "责任单位：市财政局"),
        ("全市建成站点14．5万个。", "全市建成站点14．5万个。"),  # not a label line
    ],
)
def test_break_glued_items(text: str, expected: str) -> None:
    assert break_glued_items(text) == expected
