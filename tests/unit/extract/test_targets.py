"""Targets: a table of [text, expected (value, unit, op) triples], then corpus references."""
from __future__ import annotations

import pytest

from services.extract.targets import find_targets

TARGET_CASES = [
    # op from the word after the number
    ["计划完成投资1500亿元以上，带动固定资产投资增长10%以上。", [(1500, "亿元", ">="), (10, "%", ">=")]],
    ["危险废物填埋比例控制在5%以内。", [(5, "%", "<=")]],
    ["政府性融资担保费率保持在1%以下。", [(1, "%", "<=")]],
    ["预算安排地方财政资金50亿元左右。", [(50, "亿元", "~")]],
    # op from the word before
    ["“衢融通”在线融资规模突破 3000 亿元。", [(3000, "亿元", ">=")]],
    ["确保新增能耗支持民间投资项目的比重不低于 80%。", [(80, "%", ">=")]],
    ["争取上级补助资金不少于6亿元。", [(6, "亿元", ">=")]],
    ["力争市区PM_{2.5}平均浓度低于25微克/立方米。", [(25, "微克/立方米", "<=")]],
    ["每户费用不超过 3000 元的部分。", []],  # 每户: a per-recipient cap
    ["力争进入全国前80位。", [(80, "位", "<=")]],
    ["营收约 12 亿元。", [(12, "亿元", "~")]],
    # plain counts and magnitudes kept in the unit
    ["实施重点项目 1000 个，新增公办学位 1.64 万个。", [(1000, "个", "="), (1.64, "万个", "=")]],
    ["新增光伏并网装机 70 万千瓦以上，保障用能 100 万吨标准煤以上。", [(70, "万千瓦", ">="), (100, "万吨标准煤", ">=")]],
    ["力争工业平均电价再降 0.1 分/千瓦时。", [(0.1, "分/千瓦时", "=")]],
    ["全市供应建设用地三万亩，新建三十个站点，打造二十四个街区、三千五百个网点。",
     [(3, "万亩", "="), (30, "个", "="), (24, "个", "="), (3500, "个", "=")]],
    ["贯彻省第十五次党代会精神，依照第二十四条、市委七届十次全会。", []],  # ordinals
    ["确保一般公共预算支出三分之二用于民生领域。", [(66.67, "%", "=")]],
    # lists: the qualifier before the first number covers the rest
    ["资产、营业收入分别超过 3500 亿元、300 亿元。", [(3500, "亿元", ">="), (300, "亿元", ">=")]],
    ["产值分别达到60亿元、40亿元、50亿元。", [(60, "亿元", "="), (40, "亿元", "="), (50, "亿元", "=")]],
    ["新增试点企业各2家以上。", [(2, "家", ">=")]],
    ["各区块每年动态储备 1000—5000 亩熟地。", [(1000, "亩", "~")]],
    # qualifiers of the counted thing: the count is the target
    ["进出口额超亿元企业达到 100 家、超 10 亿元企业达到 15 家。", [(100, "家", "="), (15, "家", "=")]],
    ["力争落地实际使用外资 1000 万美元以上项目 3 个。", [(3, "个", "=")]],
    ["引进投资超百亿项目4个以上。", [(4, "个", ">=")]],
    # not targets: subsidies, thresholds, names, ages, dates, codes
    ["对新认定的工业设计中心分别给予 100 万元、30 万元的奖励。", []],
    ["可给予最高3000万元补助经费。", []],
    ["对研发费用占营业收入比重3%以上且研发费用年增长20%以上的企业给予补助。", []],
    ["全面落实市“民营经济 42 条”，推进“5020”工程。", []],
    ["新增 A 股上市公司数量“保 4 争 5 拼 6”。", []],
    ["为全市60岁以上老年人、3岁以下婴幼儿服务，建设15分钟就业服务圈。", []],
    ["2024 年 3 月 27 日，衢政发〔2024〕7号。", []],
    ["创建金 3A 级景区村 5 个，推进“四好农村路”2.0 版。", [(5, "个", "=")]],
    ["3个工作日内完成审核，6个月内办结。", []],
    ["", []],
    ["一二三四五六七八九十百千万亿", []],
]


@pytest.mark.parametrize(("text", "expected"), TARGET_CASES)
def test_find_targets(text: str, expected: list[tuple[float, str, str]]) -> None:
    assert [(t.value, t.unit, t.op) for t in find_targets(text)] == expected


def test_target_text_is_the_printed_phrase() -> None:
    (target,) = find_targets("全市社会消费品零售总额增长 6%。")
    assert target.text.endswith("增长 6%")
    assert isinstance(target.value, int)


def corpus_text(corpus_dir, prefix: str, first: int, last: int) -> str:
    path = next(corpus_dir.glob(f"{prefix}_*.txt"))
    lines = path.read_text(encoding="utf-8").splitlines()[first - 1:last]
    return "".join(line.strip() for line in lines)


CORPUS_CASES = [
    # 衢政发〔2024〕7号 section 1 intro (clean text)
    ["002", 23, 23, [(1000, "个", ">="), (1500, "亿元", ">="), (10, "%", ">=")]],
    # 衢政办发〔2024〕10号 task 7: milestones as percentages
    ["003", 63, 63, [(30, "%", "="), (60, "%", "="), (85, "%", ">=")]],
    # the same section in the gazette PDF text, wrapped every ~23 characters (000 l.15-16 splits 1500亿 / 元以上)
    ["000", 11, 17, [(1000, "个", ">="), (1500, "亿元", ">="), (10, "%", ">=")]],
]


@pytest.mark.corpus
@pytest.mark.parametrize(("prefix", "first", "last", "expected"), CORPUS_CASES)
def test_corpus_targets(corpus_dir, prefix: str, first: int, last: int, expected: list) -> None:
    text = corpus_text(corpus_dir, prefix, first, last)
    assert [(t.value, t.unit, t.op) for t in find_targets(text)] == expected
