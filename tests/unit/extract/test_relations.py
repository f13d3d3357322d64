"""Relations to cited documents: a table of [text, context, expected relations], then corpus references."""
from __future__ import annotations

import datetime as dt

import pytest

from services.extract.deadlines import DateContext
from services.extract.docnumber import find_doc_numbers
from services.extract.model import Relation
from services.extract.relations import find_relations

SIGNED = DateContext(year=2024, signed_date=dt.date(2024, 3, 3))

RELATION_CASES = [
    ["六、本办法自 2024年 5月 1日起施行。《关于规范城区停车收费标准的通知》（甲价[2015]12 号）同时废止。",
     SIGNED, [Relation("repeals", "甲价〔2015〕12号", "2024-05-01")]],
    ["经研究，决定对甲建发〔2020〕7号文件予以废止，自本通知公布之日起停止执行。",
     SIGNED, [Relation("repeals", "甲建发〔2020〕7号", "2024-03-03")]],
    ["对《关于印发<2019年甲市人才新政实施细则>的通知》（甲人规〔2019〕3号）进行修订，形成本细则。本细则自印发之日起实施。",
     SIGNED, [Relation("amends", "甲人规〔2019〕3号", "2024-03-03")]],
    ["现决定调整《关于开展职业技能提升补贴工作的实施办法》（甲人社〔2017〕88号）的适用范围。本通知自2023年6月1日起施行。",
     SIGNED, [Relation("amends", "甲人社〔2017〕88号", "2023-06-01")]],
    ["新标准自春季学期起执行。《关于核定学费的函》（甲价费〔2012〕5号）、《关于调整住宿费的函》（甲价费〔2013〕9号）同时废止。",
     SIGNED, [Relation("repeals", "甲价费〔2012〕5号", None), Relation("repeals", "甲价费〔2013〕9号", None)]],
    # a clean-up notice: numbers listed under a heading take its verb
    ["本通知自公布之日起施行。\n附件1\n宣布失效的部门文件目录\n序号\n1\n文号\n甲林〔2016〕4号\n附件2\n"
     "宣布废止的部门文件目录\n文号\n甲林〔2014〕21号",
     SIGNED, [Relation("expires", "甲林〔2016〕4号", "2024-03-03"), Relation("repeals", "甲林〔2014〕21号", "2024-03-03")]],
    # citations are not relations, even when a cited title contains a verb
    ["已批准的项目仍按《关于调整停车收费标准的通知》（甲价〔2015〕12号）执行。", SIGNED, []],
    ["根据《关于废止部分规章的决定》（乙发〔2022〕3号）精神，制定本方案。", SIGNED, []],
    ["附件：1、宣布失效的文件目录\n甲林〔2016〕4号", SIGNED, []],  # a mention in the body, not a heading
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
    # 衢政办发〔2024〕9号 takes effect on 2024-04-01 and repeals the 文号 printed over 000 l.1447-1448
    text = "".join(corpus_lines(corpus_dir, "000", 1436, 1448).split("\n"))
    [(repealed, _, _)] = find_doc_numbers("".join(corpus_lines(corpus_dir, "000", 1447, 1448).split("\n")))
    assert find_relations(text, SIGNED) == [Relation("repeals", repealed, "2024-04-01")]


@pytest.mark.corpus
def test_corpus_cleanup_notice(corpus_dir) -> None:
    # 衢自然资规〔2021〕83号: 附件1 lists four expired numbers, 附件2 one repealed (004 l.32686-32734)
    text = corpus_lines(corpus_dir, "004", 32686, 32734)
    ctx = DateContext(year=2021, signed_date=dt.date(2021, 8, 27))
    relations = find_relations(text, ctx)
    assert [r.type for r in relations] == ["expires"] * 4 + ["repeals"]
    assert relations[-1].doc_number == corpus_lines(corpus_dir, "004", 32734, 32734)  # the last row's 文号
