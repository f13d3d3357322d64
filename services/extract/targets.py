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

# `[ \t\u3000]*`, spelled so that no character class holds \u3000: compiling a class with a non-Latin-1
# character costs ~0.5 ms, and this one is used in dozens of places.
_S = r"[ \t]*(?:\u3000[ \t]*)*"
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
_UNDELIMITED_TAIL_RE = re.compile(rf"[^{_DELIMITERS}]*+\Z")  # where the text after the last delimiter starts
_WINDOW = 10  # characters before a number searched for its qualifier
_PHRASE_REACH = 40  # characters before a number its printed phrase (a target's `text`) may start
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
# `18万、20万、15万人`: list items printed with the magnitude only take the last item's unit.
_BARE_ITEM_RE = re.compile(rf"(?<![A-Za-z0-9.．])(?P<num>{_ARABIC})(?P<magnitude>{_MAGNITUDE}){_S}、{_S}")
_LEADING_MAGNITUDE_RE = re.compile(_MAGNITUDE)
# `集体三等功（2个）：…`: how many awards of a kind, printed in brackets after it.
_AWARD_COUNT_RE = re.compile(r"(?:等功|嘉奖|奖|称号)[（(]$")
_WHITE_RE = re.compile(r"\s+")
_QUOTES = (("“", "”"), ("《", "》"), ("「", "」"), ("‘", "’"), ("〔", "〕"))
_OPENING_QUOTE_RE = re.compile("|".join(left for left, _ in _QUOTES))


def _inside_quotes(text: str, pos: int) -> bool:
    """Numbers inside “…” or 《…》 belong to names (`“5020”工程`, `“保4争5拼6”`); names are short."""
    floor = max(0, pos - 80)
    if not _OPENING_QUOTE_RE.search(text, floor, pos):
        return False  # most numbers: no quote opens before them
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


def _after_last_delimiter(text: str, begin: int, end: int) -> int:
    """The offset just after the last delimiter in text[begin:end]; `begin` when there is none."""
    return _UNDELIMITED_TAIL_RE.search(text, begin, end).start()


def _window_start(text: str, start: int, floor: int) -> int:
    """Start of the text before a number where its qualifier may be: back to a delimiter, at most _WINDOW chars."""
    return _after_last_delimiter(text, max(floor, start - _WINDOW), start)


def _phrase_start(text: str, start: int, floor: int) -> int:
    """Start of the printed phrase a number ends: back to a delimiter or `floor`, at most _PHRASE_REACH chars."""
    return _after_last_delimiter(text, max(floor, start - _PHRASE_REACH), start)


def _bare_items(text: str, floor: int, start: int, magnitude: str) -> list[re.Match[str]]:
    """The `18万、20万、` printed right before `start` (same magnitude, nothing else in between)."""
    items: list[re.Match[str]] = []
    if text[start - 1 : start] not in ("、", " ", "\t", "\u3000"):
        return items  # an item list ends in `、` (and white space) right before the number
    cursor = start
    for item in reversed(list(_BARE_ITEM_RE.finditer(text, floor, start))):
        if item.end() != cursor or item["magnitude"] != magnitude:
            break
        items.append(item)
        cursor = item.start()
    return items[::-1]


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
    previous_skipped = False
    for m in _QUANTITY_RE.finditer(text):
        start, end = m.span()
        unit = _WHITE_RE.sub("", m["unit"])
        magnitude = _LEADING_MAGNITUDE_RE.match(unit)
        bare = _bare_items(text, previous_end, start, magnitude.group()) if magnitude else []
        list_start = bare[0].start() if bare else start  # the qualifier stands before the list's first item
        window_start = _window_start(text, list_start, previous_end)
        window = text[window_start:list_start]
        word, op = _pre_op(window)
        op_before = op
        continues_list = previous_op is not None and _LIST_GAP_RE.fullmatch(text, previous_end, list_start) is not None
        after_skipped = previous_skipped and _LIST_GAP_RE.fullmatch(text, previous_end, list_start) is not None
        tail = text[end:end + 6]
        skip = (
            after_skipped  # `分别给予100万元、50万元…奖励`: the list goes on as it began
            or _inside_quotes(text, start)
            or _SUBSIDY_LEAD_RE.search(window)
            or _QUALIFIER_TAIL_RE.match(tail)
            or (_MONEY_UNIT_RE.search(unit) and _MONEY_QUALIFIER_TAIL_RE.match(tail))
            or _ELIGIBILITY_RE.match(text, end)
            or (window.rstrip().endswith("的") and "占" not in window)  # `划定的138万亩…`: a description
            or window.rstrip().endswith(("第", "届"))  # `第十五次`, `七届十次`: ordinals
            or (word == "前" and unit not in ("位", "名"))
            or _AWARD_COUNT_RE.search(text, max(0, start - 4), start)
        )
        value = _value(m["num"])
        if skip or value is None:
            previous_end, previous_op, previous_skipped = end, None, True
            continue
        if m["post"]:
            op = _POST_OP[m["post"].strip()]
        elif m["upper"]:
            op = "~"
        elif op is None:
            op = previous_op if continues_list else "="  # `分别超过2800亿元、2500亿元`: 超过 covers both
        label_start = start if continues_list else _phrase_start(text, list_start, previous_end)
        for item in bare:
            found.append((item.start(), Target(text=_label(text, label_start, item.end("magnitude")),
                                               value=_value(item["num"]), unit=unit, op=op)))
            label_start = item.end()
        found.append((start, Target(text=_label(text, label_start, end), value=value, unit=unit, op=op)))
        previous_end, previous_op = end, (op if not m["post"] else op_before or previous_op)
        previous_skipped = False
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
