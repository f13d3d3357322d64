"""Targets: a table of [text, expected (value, unit, op) triples], then corpus references."""
from __future__ import annotations

import pytest

from services.extract.targets import find_targets

TARGET_CASES = [
    # op from the word after the number
    ["计划完成交通投资320亿元以上，带动社会投资增长12%以上。", [(320, "亿元", ">="), (12, "%", ">=")]],
    ["生活垃圾填埋比例控制在3%以内。", [(3, "%", "<=")]],
    ["小微企业贷款利率保持在4%以下。", [(4, "%", "<=")]],
    ["市级预算安排教育专项资金12亿元左右。", [(12, "亿元", "~")]],
    # op from the word before
    ["“惠企贷”线上放款规模突破 600 亿元。", [(600, "亿元", ">=")]],
    ["确保新增用地用于制造业项目的比重不低于 65%。", [(65, "%", ">=")]],
    ["争取省级奖补资金不少于2.5亿元。", [(2.5, "亿元", ">=")]],
    ["力争县城PM_{2.5}年均浓度低于28微克/立方米。", [(28, "微克/立方米", "<=")]],
    ["每户补贴不超过 3000 元。", []],  # 每户: a per-recipient cap
    ["力争进入全国前80位。", [(80, "位", "<=")]],
    ["营收约 12 亿元。", [(12, "亿元", "~")]],
    # plain counts and magnitudes kept in the unit
    ["实施民生项目 300 个，新增托位 1.25 万个。", [(300, "个", "="), (1.25, "万个", "=")]],
    ["新增风电装机 45 万千瓦以上，节约用能 30 万吨标准煤以上。", [(45, "万千瓦", ">="), (30, "万吨标准煤", ">=")]],
    ["力争商业平均电价再降 0.2 分/千瓦时。", [(0.2, "分/千瓦时", "=")]],
    ["全市供应建设用地三万亩，新建三十个站点，打造二十四个街区、三千五百个网点。",
     [(3, "万亩", "="), (30, "个", "="), (24, "个", "="), (3500, "个", "=")]],
    ["贯彻第十二次代表大会精神，依照第二十四条、县委五届十次全会。", []],  # ordinals
    ["确保新增财力三分之二投向基层一线。", [(66.67, "%", "=")]],
    # lists: the qualifier before the first number covers the rest
    ["存款、贷款余额分别超过 2800 亿元、2500 亿元。", [(2800, "亿元", ">="), (2500, "亿元", ">=")]],
    ["三条产业链产值分别达到35亿元、28亿元、16亿元。", [(35, "亿元", "="), (28, "亿元", "="), (16, "亿元", "=")]],
    # items printed with the magnitude only take the last item's unit
    ["乡镇常住人口分别达到12万、9.5万、8万人。", [(12, "万人", "="), (9.5, "万人", "="), (8, "万人", "=")]],
    ["两项贷款余额分别突破300亿、260亿元。", [(300, "亿元", ">="), (260, "亿元", ">=")]],
    ["培育示范园区和标杆企业各3家以上。", [(3, "家", ">=")]],
    ["全市新建 2—3 个区域物流中心。", [(2, "个", "~")]],
    # qualifiers of the counted thing: the count is the target
    ["营收超亿元企业达到 80 家、超 5 亿元企业达到 12 家。", [(80, "家", "="), (12, "家", "=")]],
    ["力争引进总投资 5000 万美元以上项目 2 个。", [(2, "个", "=")]],
    ["新签约超百亿项目3个以上。", [(3, "个", ">=")]],
    # not targets: subsidies, thresholds, names, ages, dates, codes
    ["对新评定的示范基地分别给予 50 万元、20 万元的奖励。", []],
    ["可给予最高800万元资助。", []],
    ["进入决赛前六名的选手分别给予 20 万元、10 万元、5 万元奖励。", []],  # the list goes on as 给予 began it
    ["集体二等功（3个）：市水利局、市林业局、市农业农村局。", []],  # a count of awards
    ["个人三等功（4人）：张某某、李某某。", []],
    ["对出口额占销售收入比重30%以上且出口年增长15%以上的企业给予支持。", []],
    ["落实“助企 18 条”，推进“3060”计划。", []],
    ["新增挂牌企业数量“保 2 争 3”。", []],
    ["为70岁以上老人和2岁以下幼儿服务，打造10分钟健身圈。", []],
    ["2024 年 3 月 27 日，衢政发〔2024〕7号。", []],
    ["创建 4A 级景区 2 个，上线服务平台3.0 版。", [(2, "个", "=")]],
    ["5个工作日内受理，3个月内办结。", []],
    ["", []],
    ["一二三四五六七八九十百千万亿", []],
]


@pytest.mark.parametrize(("text", "expected"), TARGET_CASES)
def test_find_targets(text: str, expected: list[tuple[float, str, str]]) -> None:
    assert [(t.value, t.unit, t.op) for t in find_targets(text)] == expected


def test_target_text_is_the_printed_phrase() -> None:
    (target,) = find_targets("全县农村居民人均收入增长 7%。")
    assert target.text.endswith("增长 7%")
    assert isinstance(target.value, int)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        # the phrase runs back to the delimiter, not a fixed number of characters
        ["全市每千人口拥有3岁以下婴幼儿托位数达到4.6个。", "全市每千人口拥有3岁以下婴幼儿托位数达到4.6个"],
        ["县城PM2.5年平均浓度低于25微克/立方米。", "县城PM2.5年平均浓度低于25微克/立方米"],
        ["全年新增就业，城镇新增就业人数达到3.2万人以上。", "城镇新增就业人数达到3.2万人以上"],
        ["常住人口分别达到12万、9万人。", "常住人口分别达到12万"],
    ],
)
def test_target_text_starts_at_the_phrase(text: str, phrase: str) -> None:
    assert find_targets(text)[0].text == phrase


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
