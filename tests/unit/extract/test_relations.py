"""Relations to cited documents: a table of [text, context, expected relations], then corpus references."""
from __future__ import annotations

import datetime as dt

import pytest

from services.extract.deadlines import DateContext
from services.extract.model import Relation
from services.extract.relations import find_relations

SIGNED = DateContext(year=2024, signed_date=dt.date(2024, 3, 3))

RELATION_CASES = [
    ["五、本通知自 2024年 4月 1日起施行。《关于调整工业用地出让最低价标准的通知》（衢土资[2011]85 号）同时废止。",
     SIGNED, [Relation("repeals", "衢土资〔2011〕85号", "2024-04-01")]],
    ["决定对衢发改发〔2022〕61号文件予以废止，自本通知公布之日起不再执行。",
     SIGNED, [Relation("repeals", "衢发改发〔2022〕61号", "2024-03-03")]],
    ["对《关于印发<2020年大商贸政策实施细则>的通知》（衢市监规〔2020〕2号）进行修订，制定本细则。本细则自公布之日起实施。",
     SIGNED, [Relation("amends", "衢市监规〔2020〕2号", "2024-03-03")]],
    ["经研究，决定调整《关于参加工伤保险工作实施方案》（衢市人社社〔2018〕142号）的适用范围。本通知自2023年5月1日起施行。",
     SIGNED, [Relation("amends", "衢市人社社〔2018〕142号", "2023-05-01")]],
    ["上述标准自秋季入学起执行。《关于核定收费标准的函》（衢价费〔2014〕49号）、《关于调整收费标准的函》（衢发改价〔2016〕21号）文件同时废止。",
     SIGNED, [Relation("repeals", "衢价费〔2014〕49号", None), Relation("repeals", "衢发改价〔2016〕21号", None)]],
    # a clean-up notice: numbers listed under a heading take its verb
    ["本通知自公布之日起施行。\n附件1\n宣布失效的行政规范性文件目录\n序号\n1\n文号\n衢土资〔2018〕28号\n附件2\n"
     "宣布废止的行政规范性文件目录\n文号\n衢土资〔2017〕67号",
     SIGNED, [Relation("expires", "衢土资〔2018〕28号", "2024-03-03"), Relation("repeals", "衢土资〔2017〕67号", "2024-03-03")]],
    # citations are not relations, even when a cited title contains a verb
    ["出让最低价标准仍按《关于调整工业用地出让最低价标准的通知》（衢土资〔2011〕85号）执行。", SIGNED, []],
    ["根据《国务院关于废止部分规章的决定》（国发〔2022〕22号）精神，制定本方案。", SIGNED, []],
    ["附件：1、宣布失效的文件目录\n衢土资〔2018〕28号", SIGNED, []],  # a mention in the body, not a heading
    ["", SIGNED, []],
]


@pytest.mark.parametrize(("text", "ctx", "expected"), RELATION_CASES)
def test_find_relations(text: str, ctx: DateContext, expected: list[Relation]) -> None:
    assert find_relations(text, ctx) == expected


def corpus_lines(corpus_dir, prefix: str, first: int, last: int) -> str:
    """Lines first..last of a corpus file with blank lines dropped; PDF hard wraps are joined within a paragraph."""
    path = next(corpus_dir.glob(f"{prefix}_*.txt"))
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()[first - 1:last]]
    return "\n".join(line for line in lines if line)


@pytest.mark.corpus
def test_corpus_repeal_with_effective_date(corpus_dir) -> None:
    # 衢政办发〔2024〕9号: 本通知自 2024年 4月 1日起施行 … 衢土资〔2011〕85号 同时废止 (wrapped over 000 l.1445-1448)
    text = "".join(corpus_lines(corpus_dir, "000", 1436, 1448).split("\n"))
    assert find_relations(text, SIGNED) == [Relation("repeals", "衢土资〔2011〕85号", "2024-04-01")]


@pytest.mark.corpus
def test_corpus_cleanup_notice(corpus_dir) -> None:
    # 衢自然资规〔2021〕83号: 附件1 lists four expired numbers, 附件2 one repealed (004 l.32686-32734)
    text = corpus_lines(corpus_dir, "004", 32686, 32734)
    ctx = DateContext(year=2021, signed_date=dt.date(2021, 8, 27))
    relations = find_relations(text, ctx)
    assert [r.type for r in relations] == ["expires"] * 4 + ["repeals"]
    assert relations[-1].doc_number == "衢土资〔2017〕67号"
