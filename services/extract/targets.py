"""Quantitative targets: `完成交通投资320亿元以上` → value 320, unit `亿元`, op `>=`.

Rules (../shared/contracts/extraction.md, "Targets"): value and unit as printed (the magnitude 万/亿 stays in the
unit), Chinese numerals converted with cn2an, `op` from the qualifier before (`超过`, `不低于`, `控制在`, `约`…) or
after (`以上`, `以内`, `左右`) the number, ranges are `~` with the lower bound as value. Not targets: per-recipient
subsidies (`给予30万元的补助`, `最高…`), eligibility thresholds and qualifiers of the counted thing
(`3%以上的企业`, `超5亿元企业达到12家` counts 企业), numbers inside names (`“3060”计划`, `《…50+N…》`).
"""
from __future__ import annotations

import re

from services.extract.model import Target, TargetOp

_S = r"[ \t\u3000]*"
_MAGNITUDE = r"(?:千万|百万|十万|万|亿)"
# Longest first: `万吨标准煤` before `吨`, `个百分点` before `个`, `千瓦时` before `千瓦`.
_BASE_UNITS = sorted(
    """个百分点 百分点 % ％ ‰ 微克/立方米 分/千瓦时 元/人次 元/吨 元 美元 欧元 家次 家 项 名 人次 人 户 亩 所 宗 座 公里 千米
    千瓦时 千瓦 吨标准煤 吨 标箱 斤 条 场次 场 台 套 张 件 栋 幢 平方米 立方米 位 倍 辆 艘 次 个 处 间 株 只 篇 部 支 册 卷
    床""".split(),
    key=len,
    reverse=True,
)
_UNIT = rf"{_MAGNITUDE}?{_S}(?:{'|'.join(re.escape(u) for u in _BASE_UNITS)})(?!月|工作日|小时|季度|目|学年|年度)"
_ARABIC = r"\d+(?:\.\d+)?"
# Chinese numerals only when unmistakable: before 万/亿 (`三万亩`) or with 十/百/千 inside (`三十个`).
_CHINESE = "|".join([
    rf"[一二两三四五六七八九十][零一二两三四五六七八九十百千]*(?={_MAGNITUDE})",
    r"[一二两三四五六七八九]?十[一二三四五六七八九]?(?=[^万亿])",
    r"[一二两三四五六七八九][百千][零一二两三四五六七八九十百]*",
])
_REST = (
    rf"(?:{_S}[—–\-－~～至到]{_S}(?P<upper>{_ARABIC}))?"
    rf"{_S}(?P<unit>{_UNIT})"
    rf"(?P<post>{_S}(?:及以上|以上|以内|以下|左右))?"
)
# The lookahead lets most positions fail on one test; the lookbehind skips `PM2.5`, `G60`, `5G`.
_QUANTITY_RE = re.compile(
    rf"(?=[\d一二两三四五六七八九十])(?<![A-Za-z0-9.．_{{/+\-])(?P<num>{_ARABIC}|{_CHINESE}){_REST}"
)
_FRACTION_RE = re.compile(r"(?P<den>[一二三四五六七八九十]|\d+)分之(?P<num>[一二三四五六七八九]|\d+)")

# Qualifier words before the number; the one nearest the number decides.
_PRE_OPS: list[tuple[str, TargetOp]] = [
    ("不超过", "<="), ("不高于", "<="), ("不大于", "<="), ("控制在", "<="), ("低于", "<="), ("≤", "<="),
    ("<", "<="), ("＜", "<="), ("前", "<="),
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("至少", ">="), ("超过", ">="), ("突破", ">="),
    ("高于", ">="), ("超", ">="), ("≥", ">="), (">", ">="), ("＞", ">="),
    ("大约", "~"), ("约", "~"), ("达到", "="), ("达", "="),
]
_PRE_OP_RE = re.compile("|".join(re.escape(word) for word, _ in _PRE_OPS))
_PRE_OP = dict(_PRE_OPS)
_POST_OP: dict[str, TargetOp] = {"以上": ">=", "及以上": ">=", "以内": "<=", "以下": "<=", "左右": "~"}

_DELIMITERS = "，,。；;：:、（）()\n"
_WINDOW = 10  # characters before a number searched for its qualifier
# Words before the number that make it a subsidy, an award or a per-recipient cap, not a target.
_SUBSIDY_LEAD_RE = re.compile(r"给予|最高|奖励|单家|单个|每家|每个|每户|每人")
# After the quantity: `…的企业` (threshold), `…补贴` (subsidy rate), `…起` (a start, not an amount).
_QUALIFIER_TAIL_RE = re.compile(rf"{_S}(?:的|补贴|补助|奖励|给予|资助)")
_MONEY_QUALIFIER_TAIL_RE = re.compile(rf"{_S}(?:项目|企业|工程|产业|大项目)")
_MONEY_UNIT_RE = re.compile(r"元|美元|欧元")
# `比重30%以上且…年增长15%以上的企业`: a threshold that picks out who qualifies, up to the end of the phrase.
_ELIGIBILITY_RE = re.compile(r"[^，,。；;]*?的(?:企业|项目|单位|个人|家庭|人员|人群|主体|对象)")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_LIST_GAP_RE = re.compile(rf"、{_S}")  # `60亿元、40亿元`: the next number continues the list
_WHITE_RE = re.compile(r"\s+")
_QUOTES = (("“", "”"), ("《", "》"), ("「", "」"), ("‘", "’"), ("〔", "〕"))


def _inside_quotes(text: str, pos: int) -> bool:
    """Numbers inside “…” or 《…》 belong to names (`“5020”工程`, `“保4争5拼6”`); names are short."""
    floor = max(0, pos - 80)
    return any(text.rfind(left, floor, pos) > text.rfind(right, floor, pos) for left, right in _QUOTES)


def _below_hundred(printed: str) -> int | None:
    """`三`, `十`, `十五`, `二十四` → int; None for anything longer (百, 千, 零)."""
    tens, _, ones = printed.rpartition("十")
    if "十" not in printed or len(tens) > 1 or len(ones) > 1:
        return _CN_DIGITS.get(printed) if len(printed) == 1 else None
    return _CN_DIGITS.get(tens, 1 if not tens else 0) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _value(printed: str) -> float | int | None:
    if printed[0].isdigit():
        number = float(printed)
    elif (small := _below_hundred(printed)) is not None:
        number = float(small)  # the common case, without paying cn2an's import (~0.45 s CPU) for it
    else:
        import cn2an  # here, not at the top: only numerals with 百/千/零 need it

        try:
            number = float(cn2an.cn2an(printed, "smart"))
        except (ValueError, KeyError, TypeError):  # cn2an raises ValueError on what is not a numeral
            return None
    return int(number) if number.is_integer() else number


def _window_start(text: str, start: int, floor: int) -> int:
    """Start of the text before a number where its qualifier may be: back to a delimiter, at most _WINDOW chars."""
    begin = max(floor, start - _WINDOW)
    for i in range(start - 1, begin - 1, -1):
        if text[i] in _DELIMITERS:
            return i + 1
    return begin


def _pre_op(window: str) -> tuple[str | None, TargetOp | None]:
    hits = list(_PRE_OP_RE.finditer(window))
    if not hits:
        return None, None
    word = hits[-1].group()
    if word == "前" and not window.endswith("前"):
        return None, None  # `前` only in `前N位`, right before the number
    return word, _PRE_OP[word]


def _label(text: str, window_start: int, end: int) -> str:
    return _WHITE_RE.sub(" ", text[window_start:end]).strip()


def find_targets(text: str) -> list[Target]:
    """Every quantitative target in `text`, in order of appearance."""
    found: list[tuple[int, Target]] = []
    previous_end = 0
    previous_op: TargetOp | None = None
    for m in _QUANTITY_RE.finditer(text):
        start, end = m.span()
        window_start = _window_start(text, start, previous_end)
        window = text[window_start:start]
        word, op = _pre_op(window)
        continues_list = previous_op is not None and _LIST_GAP_RE.fullmatch(text, previous_end, start) is not None
        unit = _WHITE_RE.sub("", m["unit"])
        tail = text[end:end + 6]
        skip = (
            _inside_quotes(text, start)
            or _SUBSIDY_LEAD_RE.search(window)
            or _QUALIFIER_TAIL_RE.match(tail)
            or (_MONEY_UNIT_RE.search(unit) and _MONEY_QUALIFIER_TAIL_RE.match(tail))
            or _ELIGIBILITY_RE.match(text, end)
            or (window.rstrip().endswith("的") and "占" not in window)  # `划定的138万亩…`: a description
            or window.rstrip().endswith(("第", "届"))  # `第十五次`, `七届十次`: ordinals
            or (word == "前" and unit not in ("位", "名"))
        )
        value = _value(m["num"])
        if skip or value is None:
            previous_end, previous_op = end, None
            continue
        if m["post"]:
            op = _POST_OP[m["post"].strip()]
        elif m["upper"]:
            op = "~"
        elif op is None:
            op = previous_op if continues_list else "="  # `分别超过2800亿元、2500亿元`: 超过 covers both
        label_start = window_start if not continues_list else start
        found.append((start, Target(text=_label(text, label_start, end), value=value, unit=unit, op=op)))
        previous_end, previous_op = end, (op if not m["post"] else _pre_op(window)[1] or previous_op)
    if "分之" in text:
        found = sorted([*found, *_fractions(text)], key=lambda pair: pair[0])
    return [target for _, target in found]


def _fractions(text: str) -> list[tuple[int, Target]]:
    """`新增财力三分之二投向基层` → 66.67 %."""
    out = []
    for m in _FRACTION_RE.finditer(text):
        if _inside_quotes(text, m.start()):
            continue
        den, num = _value(m["den"]), _value(m["num"])
        if not den or num is None or num >= den:
            continue
        window = text[_window_start(text, m.start(), 0):m.start()]
        out.append((m.start(), Target(text=_label(text, m.start(), m.end()), value=round(100 * num / den, 2),
                                      unit="%", op=_pre_op(window)[1] or "=")))
    return out
