"""Time expressions in government documents → deadlines resolved against the document's own year.

Rules (../shared/contracts/extraction.md, "Deadlines"): `M月底前` → last day of M (a month already over at
signing rolls into the next year), `N季度` → quarter end, `上半年` → 06-30, `年底前`/`年内` → 12-31,
`到YYYY年`/`YYYY年底`/`YYYY年前` → YYYY-12-31, `YYYY—YYYY年` → period, a sentence opening with a year →
that year's period, `自…起施行` → effective, `有效期至…`/`试行N年` → expiry, `每年` → recurring.
Dates that qualify a thing (`2000年底前建成的小区`) and past results (`至2020年…`) are not deadlines.

Everything here is a pure function of the text; an expression it cannot resolve is skipped, never raised.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from services.extract.model import Deadline, DeadlineKind


@dataclass(frozen=True)
class DateContext:
    year: int  # the document's own year: the plan's year for an annual work plan, else the signing year
    signed_date: dt.date | None = None


# `[ \t\u3000]*`, spelled so that no character class holds \u3000: compiling a class with a non-Latin-1
# character costs ~0.5 ms, and this one is used in dozens of places.
_S = r"[ \t]*(?:\u3000[ \t]*)*"  # printed dates carry spaces anywhere: `2024 年 4 月 1 日`
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = rf"(?P<year>(?:19|20)\d\d){_S}年"
_MONTH = rf"(?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]){_S}月"
_DAY = rf"(?P<day>3[01]|[12]\d|0?[1-9]){_S}[日号]"
_QUARTER = r"(?P<quarter>[一二三四1-4])"

# Alternatives in priority order: at one position the first that matches wins, so longer forms come first.
_EXPRESSIONS = [
    ("recurring", rf"每{_S}(?:年|季度|半年|月|周|旬|(?:\d+|[两三四五六])个?(?:月|周|季度|年))(?:年初|年底|末)?"),
    ("from_day", rf"(?:自{_S})?{_YEAR}{_S}{_MONTH}{_S}{_DAY}{_S}起{_S}(?:施行|执行|实施|生效)"),
    ("upto_day", rf"{_YEAR}{_S}{_MONTH}{_S}{_DAY}{_S}(?:前|之前)"),
    ("year_month", rf"{_YEAR}{_S}{_MONTH}(?!{_S}\d{{1,2}}{_S}[日号])(?P<suffix>底前|底|末前|末|前|中旬|上旬|下旬)?"),
    ("year_quarter", rf"{_YEAR}{_S}第?{_S}{_QUARTER}{_S}季度(?P<suffix>末前|末|底前|底|前)?"),
    ("year_half", rf"{_YEAR}{_S}(?P<half>上|下)半年(?P<suffix>前|末|底)?"),
    ("range", rf"(?P<first>(?:19|20)\d\d){_S}(?:年{_S})?[—–\-－~～至到]{_S}(?P<year>(?:19|20)\d\d){_S}年"),
    ("to_year", rf"(?:力争|争取)?(?:到|至){_S}{_YEAR}(?!{_S}(?:\d|第|[一二三四]季度|[上下]半年))"
                rf"(?P<suffix>年底|底|末|年末)?(?:前)?"),
    ("year_end", rf"{_YEAR}{_S}(?:年底|底|年末|末)(?P<suffix>前)?"),
    ("year_before", rf"{_YEAR}{_S}前(?![三两几一二四\d])"),
    ("year_topic", rf"{_YEAR}(?:{_S}度)?"),
    ("month", rf"(?<![\d年月个每—\-－~～]){_MONTH}(?:(?P<suffix>底前|底|末前|末|前|中旬|上旬|下旬)"
              rf"|(?=完成|启动|开工|建成|投产|实现))"),
    ("quarter", rf"(?<![每前后上下本当])第?{_QUARTER}{_S}季度(?P<suffix>末前|末|底前|底|前)?"),
    ("half", rf"(?<![每前])(?P<half>上|下)半年(?P<suffix>前|末|底)?"),
    ("this_year_end", r"(?<![\d年一二三四五六七八九十两几])(?:年底前|年内|年底)"),
    ("full_year", r"全年"),
    ("five_year_plan", r"[“\"]?十(?P<plan>[一二三四五六七八九])五[”\"]?(?:规划)?(?P<suffix>末|期末|期间|时期)"),
]
# The characters an expression can start with: most positions fail on this one test.
_FIRST_CHAR = r"(?=[\d每自力争到至第上下全年十一二三四五六七八九“\"])"
# What must follow the first character for some expression to match there (a year `20xx`, `N月`, `三季度`,
# `年底`, `上半年`, `全年`, `力争`, `到2025年`, `“十四五`…): most such characters in running text (dates'
# later digits, amounts, `一`, `全`, `上`) are passed over before the alternatives below are tried.
_CAN_START = (
    rf"(?=[12]\d\d\d|\d\d?{_S}[月季]|[一二三四五六七八九]{_S}[月季]|年[底内]|[上下]半年|全年|力争|争取"
    rf"|[到至自]{_S}[12]|[“\"]十|[十第每])"
)
# One regex for all of them (compiling Han character classes is slow, so each is compiled once); the parts of
# alternative `month` are named `month__year`….
_PART_NAME_RE = re.compile(r"[(][?]P<([a-z]+)>")
_EXPRESSION_RE = re.compile(
    _FIRST_CHAR + _CAN_START + "(?:"
    + "|".join(f"(?P<{name}>" + _PART_NAME_RE.sub(f"(?P<{name}__\\1>", pattern) + ")" for name, pattern in _EXPRESSIONS)
    + ")"
)
# (group name, part name) of each alternative's parts: `month__year` → `year` (a match's groupdict holds
# all ~80 groups; reading only the matched alternative's is much cheaper).
_PART_GROUPS: dict[str, list[tuple[str, str]]] = {
    kind: [(group, group.split("__", 1)[1]) for group in _EXPRESSION_RE.groupindex if group.startswith(kind + "__")]
    for kind, _ in _EXPRESSIONS
}
_FROM_DAY_RE = re.compile(dict(_EXPRESSIONS)["from_day"])
_FROM_DAY_END_RE = re.compile(rf"起{_S}(?:施行|执行|实施|生效)")

# Words before a bare `YYYY年` that make it the time frame of the sentence, not a noun's attribute.
_TOPIC_LEAD_RE = re.compile(rf"(?:^|[，,。；;：:、（(！!？?\n]|力争|确保|全市|计划|争取|预计|其中){_S}$")
# `2000年底前建成的小区`, `2024年度的计划`: a time expression followed closely by 的 qualifies a noun.
_QUALIFIER_TAIL_RE = re.compile(r"[^，,。；;：:、\s]{0,4}的")
# After a bare year: a date, a baseline or a start point, not a deadline.
_NOT_TOPIC_TAIL_RE = re.compile(rf"{_S}(?:\d|[一二三四]季度|[上下]半年|以来|以前|起|之前|为|的|全年|年)")
_EFFECTIVE_RE = re.compile(rf"自{_S}(?:本\w{{0,4}}?)?(?:公布|印发|发布)之日起{_S}(?:施行|执行|实施|生效)?")
_TRIAL_RE = re.compile(
    rf"(?:试行|有效)(?:期限?|期)?(?:为|自[^。；]{{0,12}}?之日起)?{_S}(?P<n>\d+|[一二两三四五六七八九十]){_S}年"
)
_VALID_UNTIL_RE = re.compile(
    rf"有效期至{_S}{_YEAR}{_S}(?:{_MONTH}{_S}(?:{_DAY})?)?(?P<suffix>底|末)?"
)
_FULL_YEAR_VALID_RE = re.compile(rf"{_YEAR}{_S}全年(?:实施)?有效")
_DUE_SUFFIXES = ("前", "底前", "末前", "底", "末", "下旬", "上旬", "中旬")
# `力争2024年开工、2028年建成`: a year tied to a step of the work is a milestone, not the plan's period.
_MILESTONE_TAIL_RE = re.compile(rf"{_S}(?:开工|建成|完工|投产|投用|完成|创成|实现|启动|开通|通车|竣工)")


def _number(text: str) -> int:
    """`12`, `十二`, `三` → int (the small numerals months, quarters and years use)."""
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + (_CN_DIGITS[text[1]] if len(text) > 1 else 0)
    return _CN_DIGITS[text]


def _month_end(year: int, month: int) -> dt.date:
    """Last day of the month (not calendar.monthrange: importing calendar costs more than this whole module)."""
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _rolled(day: dt.date, ctx: DateContext) -> dt.date:
    """A month/quarter with no printed year that ended before signing means the same one next year."""
    if ctx.signed_date and ctx.signed_date.year == day.year and day < ctx.signed_date:
        return day.replace(year=day.year + 1) if day.month != 2 else _month_end(day.year + 1, 2)
    return day


def _month_date(year: int, month: int, suffix: str | None) -> dt.date:
    if suffix == "上旬":
        return dt.date(year, month, 10)
    if suffix == "中旬":
        return dt.date(year, month, 20)
    return _month_end(year, month)


def _kind(suffix: str | None) -> DeadlineKind:
    return "due" if suffix in _DUE_SUFFIXES else "milestone"


def _add_years(day: dt.date, years: int) -> dt.date:
    """`试行2年` from 2023-04-01 → 2025-03-31: the day before the same date N years later."""
    try:
        later = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        later = dt.date(day.year + years, 3, 1)
    return later - dt.timedelta(days=1)


def _parts(kind: str, m: re.Match[str]) -> dict[str, str | None]:
    """The named parts of alternative `kind` of an _EXPRESSION_RE match, without their `kind__` prefix."""
    return {part: m.group(group) for group, part in _PART_GROUPS[kind]}


def _resolve(kind: str, m: re.Match[str], ctx: DateContext) -> tuple[dt.date | None, DeadlineKind] | None:
    """(date, kind) for one matched expression, or None when it is not a deadline here."""
    g = _parts(kind, m)
    year = int(g["year"]) if g.get("year") else None
    suffix = g.get("suffix")
    if kind == "recurring":
        return None, "recurring"
    if kind == "from_day":
        return dt.date(year, _number(g["month"]), int(g["day"])), "effective"
    if kind == "upto_day":
        return dt.date(year, _number(g["month"]), int(g["day"])), "due"
    if kind == "year_month":
        return _month_date(year, _number(g["month"]), suffix), _kind(suffix)
    if kind == "year_quarter":
        return _month_end(year, 3 * _number(g["quarter"])), _kind(suffix)
    if kind == "year_half":
        return _month_end(year, 6 if g["half"] == "上" else 12), _kind(suffix)
    if kind == "range":
        return (_month_end(year, 12), "period") if int(g["first"]) < year else None
    if kind in ("to_year", "year_end", "year_before"):
        return _month_end(year, 12), "due"
    if kind == "year_topic":
        milestone = _MILESTONE_TAIL_RE.match(m.string, m.end())
        return _month_end(year, 12), "milestone" if milestone else "period"
    if kind == "month":
        return _rolled(_month_date(ctx.year, _number(g["month"]), suffix), ctx), _kind(suffix)
    if kind == "quarter":
        return _rolled(_month_end(ctx.year, 3 * _number(g["quarter"])), ctx), _kind(suffix)
    if kind == "half":
        return _rolled(_month_end(ctx.year, 6 if g["half"] == "上" else 12), ctx), _kind(suffix)
    if kind in ("this_year_end", "full_year"):
        return _month_end(ctx.year, 12), "due" if kind == "this_year_end" else "period"
    if kind == "five_year_plan":  # 十四五 = 2021–2025
        end = 1955 + 5 * (10 + _CN_DIGITS[g["plan"]])
        return _month_end(end, 12), "period" if suffix in ("期间", "时期") else "due"
    return None


def _in_title(text: str, start: int) -> bool:
    """Inside 《…》 (a cited title such as `《…行动计划（2024-2027 年）》`); titles are short."""
    floor = max(0, start - 120)
    return text.rfind("《", floor, start) > text.rfind("》", floor, start)


def _is_deadline(kind: str, m: re.Match[str], text: str, ctx: DateContext) -> bool:
    start, end = m.span()
    if _in_title(text, start) or _QUALIFIER_TAIL_RE.match(text, end) and kind != "from_day":
        return False
    if kind == "year_topic":
        return bool(_TOPIC_LEAD_RE.search(text, max(0, start - 8), start)) and not _NOT_TOPIC_TAIL_RE.match(
            text[end:end + 4]
        )
    if kind == "range":  # `（2023—2027年）` right after a plan's name is the plan's title, not a deadline
        return text[start - 1:start] not in ("（", "(")
    return True


def find_deadlines(text: str, ctx: DateContext) -> list[Deadline]:
    """Every deadline in `text`, in order of appearance, one per (date, kind); past years are dropped."""
    found: list[Deadline] = []
    seen: set[tuple[str | None, str, str]] = set()
    for m in _EXPRESSION_RE.finditer(text):
        kind = m.lastgroup  # the alternative's own group closes last
        if not _is_deadline(kind, m, text, ctx):
            continue
        try:
            resolved = _resolve(kind, m, ctx)
        except (ValueError, KeyError):  # 2月30日 and the like: not a date
            continue
        if resolved is None:
            continue
        day, deadline_kind = resolved
        if day is not None and day.year < ctx.year and deadline_kind != "effective":
            continue  # `至2020年…达到`: a past result, not something still due
        printed = m.group().strip()
        key = (_iso(day), deadline_kind, printed if day is None else "")
        if key not in seen:
            seen.add(key)
            found.append(Deadline(text=printed, date=_iso(day), kind=deadline_kind))
    return found


def find_document_dates(text: str, ctx: DateContext) -> tuple[str | None, str | None]:
    """(effective_date, expiry_date) of the whole document, ISO or None; the first statement of each wins."""
    effective: dt.date | None = None
    # `…起施行` has to be in the text for the (slow to search) full date pattern to match.
    from_day = _FROM_DAY_RE.search(text) if _FROM_DAY_END_RE.search(text) else None
    candidates = [m for m in (from_day, _EFFECTIVE_RE.search(text)) if m]
    if candidates:
        m = min(candidates, key=lambda found: found.start())
        if m.re is _EFFECTIVE_RE:
            effective = ctx.signed_date  # 自公布之日起: the publication date, taken as the signing date
        else:
            try:
                effective = dt.date(int(m["year"]), _number(m["month"]), int(m["day"]))
            except ValueError:
                pass
    expiry: dt.date | None = None
    m = _FULL_YEAR_VALID_RE.search(text)
    if m:  # `均为2024年全年实施有效`
        effective = effective or dt.date(int(m["year"]), 1, 1)
        expiry = dt.date(int(m["year"]), 12, 31)
    m = _VALID_UNTIL_RE.search(text)
    if m and expiry is None:
        year = int(m["year"])
        try:
            if m["day"]:
                expiry = dt.date(year, _number(m["month"]), int(m["day"]))
            else:
                expiry = _month_end(year, _number(m["month"]) if m["month"] else 12)
        except ValueError:
            pass
    m = _TRIAL_RE.search(text)
    start = effective or ctx.signed_date
    if m and expiry is None and start:
        expiry = _add_years(start, _number(m["n"]))
    return _iso(effective), _iso(expiry)


_TITLE_PLAN_YEAR_RE = re.compile(rf"(?<![—–\-－~～\d]){_YEAR}(?:{_S}度)?(?![—–\-－~～])")
_ANY_DATE_RE = re.compile(rf"{_YEAR}{_S}{_MONTH}{_S}{_DAY}")
_ANY_YEAR_RE = re.compile(_YEAR)


def document_year(title: str | None, text: str, signed_date: str | None) -> int | None:
    """The year undated months and quarters belong to.

    An annual plan's own year when its title names one not before the signing year (`关于印发2025年重点工作
    任务清单的通知` signed in December 2024 → 2025); otherwise the signing year; without a signing date, the year of
    `YYYY年全年实施有效`, else of the latest full date in the text, else the most frequent year printed.
    """
    signed_year = int(signed_date[:4]) if signed_date and signed_date[:4].isdigit() else None
    if title:
        m = _TITLE_PLAN_YEAR_RE.search(title)
        if m and (signed_year is None or int(m["year"]) >= signed_year):
            return int(m["year"])
    if signed_year:
        return signed_year
    m = _FULL_YEAR_VALID_RE.search(text)
    if m:
        return int(m["year"])
    dated = [int(d["year"]) for d in _ANY_DATE_RE.finditer(text)]
    if dated:
        return max(dated)
    years = Counter(int(m["year"]) for m in _ANY_YEAR_RE.finditer(text))
    return years.most_common(1)[0][0] if years else None
