"""PDF text → paragraphs: wraps re-joined (inside numbers and markers too), page furniture dropped,
each normalised line mapped back to its source line; clean text keeps its content."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from services.extract.normalize import NormalizedText, analyse_layout, normalize


@lru_cache(maxsize=None)
def _corpus(path: Path) -> tuple[str, NormalizedText]:
    raw = path.read_text(encoding="utf-8")
    return raw, normalize(raw)

# A page of PDF text in the gazette's style (our own sentences): ~23 characters a line, a blank line after
# most lines, none after a line ending in digits, a doubled banner, a page number, a leading space on the
# first line of the next page.
PDF_PAGE = """\
 为进一步推动全市民营经济高质量发展，结合实际

制定以下措施，请各地各部门认真组织实施落实。

一、加快建设重点项目（由市发改委牵头实施）

（一）强化项目要素保障。全年安排建设用地指标

3万亩，保障重点项目用地需求，力争完成投资2024
年度计划目标的一半以上，确保项目早日开工。（责

任单位：市资源规划局、市发改委）

（二）提升审批服务效能。全面推行项目审批代办

服务，力争引进硕博研究生人才队伍总量达到1000人

7



2024年/第九期 市政府文件市政府文件
 以上，进一步优化营商环境。（责任单位：市营商办）

衢 州 市 人 民 政 府

市政府文件市政府文件
"""


def test_pdf_page_is_rejoined_and_cleaned() -> None:
    result = normalize(PDF_PAGE)
    lines = result.text.split("\n")
    assert lines == [
        "为进一步推动全市民营经济高质量发展，结合实际制定以下措施，请各地各部门认真组织实施落实。",
        "一、加快建设重点项目（由市发改委牵头实施）",
        "（一）强化项目要素保障。全年安排建设用地指标3万亩，保障重点项目用地需求，力争完成投资2024"
        "年度计划目标的一半以上，确保项目早日开工。（责任单位：市资源规划局、市发改委）",
        "（二）提升审批服务效能。全面推行项目审批代办服务，力争引进硕博研究生人才队伍总量达到1000人"
        "以上，进一步优化营商环境。（责任单位：市营商办）",
        "衢州市人民政府",
    ]
    assert result.line_map == [1, 5, 7, 14, 25]


def test_layout_flags_furniture_and_page_starts() -> None:
    raw_lines = PDF_PAGE.splitlines()
    layout = analyse_layout(raw_lines)
    furniture = {raw_lines[i].strip() for i in layout.noise}
    assert furniture == {"7", "2024年/第九期 市政府文件市政府文件", "市政府文件市政府文件"}
    assert 22 in layout.page_starts  # the line after the banner (0-based)
    assert layout.full_width is not None


CLEAN = """\
衢州市人民政府文件

衢政发〔2099〕1号

一、总体要求

（一）加快推进重点工作，全年完成投资100亿元以上。（责任单位：市发改委）

（二）强化要素保障，统筹用地、用能、

资金等要素。（责任单位：市财政局）
\t项目\t牵头单位
1\t建设公园\t市住建局
"""


def test_clean_text_keeps_its_lines() -> None:
    result = normalize(CLEAN)
    assert result.text.split("\n") == [
        "衢州市人民政府文件",
        "衢政发〔2099〕1号",
        "一、总体要求",
        "（一）加快推进重点工作，全年完成投资100亿元以上。（责任单位：市发改委）",
        "（二）强化要素保障，统筹用地、用能、资金等要素。（责任单位：市财政局）",
        "\t项目\t牵头单位",
        "1\t建设公园\t市住建局",
    ]
    assert result.line_map == [1, 3, 5, 7, 9, 12, 13]


def _compact(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize("name", ["002_c219690aee66b248.txt", "003_ebc2be11e8b97b3c.txt"])
def test_clean_corpus_files_keep_every_character(corpus_dir, name: str) -> None:
    raw, result = _corpus(corpus_dir / name)
    assert _compact(result.text) == _compact(raw)
    assert len(result.line_map) == len(result.text.split("\n"))


# (file, first line, continuation line): a wrap inside a number/unit, a marker or a heading, including one
# broken by a page banner (000 l.592/595) and one where a page number sits between the halves.
WRAPS = [
    ("000_d96df1f4540694e4.txt", 74, 75),  # "…2024" / "年，…"
    ("000_d96df1f4540694e4.txt", 38, 40),  # "（责任" / "单位：…"
    ("000_d96df1f4540694e4.txt", 1021, 1023),  # "（责" / "任单位：…"
    ("000_d96df1f4540694e4.txt", 1282, 1284),  # "（责任单" / "位：…"
    ("000_d96df1f4540694e4.txt", 376, 378),  # "（由市经信局牵" / "头实施）"
    ("000_d96df1f4540694e4.txt", 592, 595),  # "…1000人" / banner / " 以上，…"
    ("000_d96df1f4540694e4.txt", 1661, 1663),  # "…衢江区" / "政府、…"
    ("004_fc46d7406a82550f.txt", 15576, 15578),  # "（责任单" / "位：…"
]


@pytest.mark.parametrize(("name", "first", "second"), WRAPS)
def test_corpus_wraps_are_rejoined(corpus_dir, name: str, first: int, second: int) -> None:
    raw, result = _corpus(corpus_dir / name)
    lines = raw.splitlines()
    joined = lines[first - 1].strip() + lines[second - 1].strip()
    assert joined in result.text


# (file, line): page furniture that must not survive as text.
FURNITURE = [
    ("000_d96df1f4540694e4.txt", 259),  # page number
    ("000_d96df1f4540694e4.txt", 263),  # issue label + doubled banner
    ("000_d96df1f4540694e4.txt", 594),  # doubled banner inside a sentence
    ("000_d96df1f4540694e4.txt", 4464),  # gazette label + banner
    ("001_b286056cb3e9ed77.txt", 17327),  # section label repeated before page starts
    ("004_fc46d7406a82550f.txt", 1864),  # page number next to a banner
]


@pytest.mark.parametrize(("name", "line"), FURNITURE)
def test_corpus_furniture_is_dropped(corpus_dir, name: str, line: int) -> None:
    raw, result = _corpus(corpus_dir / name)
    assert line not in result.line_map
    assert line - 1 in analyse_layout(raw.splitlines()).noise


def test_line_map_points_at_source_lines(corpus_dir) -> None:
    raw, result = _corpus(corpus_dir / "000_d96df1f4540694e4.txt")
    lines = raw.splitlines()
    for text, source in zip(result.text.split("\n"), result.line_map):
        first = lines[source - 1].strip()
        assert text.startswith(first.replace(" ", "")) or text.startswith(first)


def test_item_number_before_a_date_starts_a_paragraph() -> None:
    # `10．3月20日前…`: a full-width ． always ends an item number, even before a digit (as outline.py reads it),
    # so the line is not a wrap of the unit line above, however long that is.
    raw = ("9．年底前完成城镇老旧小区改造120个，加装电梯数量达到80台以上。\n"
           "责任单位：市住建局、市自然资源和规划局、市财政局，各县（市、区）政府\n"
           "10．3月20日前新建社区卫生服务站12个，覆盖率达到95%以上。\n")
    assert normalize(raw).text.split("\n")[-1].startswith("10．3月20日前")
