"""Relations to earlier documents: which cited 文号 a document repeals, declares expired or amends, and from when.

A relation is a cited 文号 in a sentence whose verb says what happens to it: `《…》（甲价〔2015〕12号）同时废止`
(repeals), `宣布失效` (expires), `对《…》（甲人规〔2019〕3号）进行修订` (amends). Clean-up notices list the numbers in
tables under a heading (`宣布失效的…目录`); each number takes the verb of the heading above it.
The date is the one printed in the sentence (`自2024年4月1日起`), else the document's own effective date (同时废止
means "when this takes effect"), else the signing date for `自公布之日起`.
"""
from __future__ import annotations

import re

from services.extract.deadlines import DateContext, find_document_dates
from services.extract.docnumber import find_doc_numbers
from services.extract.model import Relation, RelationType

# `[ \t\u3000]*`, spelled so that no character class holds \u3000: compiling a class with a non-Latin-1
# character costs ~0.5 ms.
_S = r"[ \t]*(?:\u3000[ \t]*)*"
_VERBS: list[tuple[re.Pattern[str], RelationType]] = [
    (re.compile(r"失效"), "expires"),
    (re.compile(r"废止|停止执行|不再执行|撤销"), "repeals"),
    (re.compile(r"修订|修改|调整[^。；]{0,30}?(?:适用范围|条款|内容)"), "amends"),
]
_ANY_VERB_RE = re.compile(r"失效|废止|停止执行|不再执行|撤销|修订|修改|调整")
_SENTENCE_ENDS = "。；;\n"  # a relation never spans sentences or paragraphs
_TITLE_RE = re.compile(r"《[^《》]*(?:《[^《》]*》[^《》]*)*》")  # titles may nest one level (`《关于印发<…>的通知》`)
# A heading on a line of its own (`附件1` may lead it); `附件：1、宣布失效的…目录` in the body is a mention.
_LIST_HEADING_RE = re.compile(
    rf"^{_S}(?:附件{_S}\d*{_S})?(?:宣布)?(失效|废止|修改|修订)的[^。；\n]{{0,20}}?(?:目录|清单|名单){_S}$",
    re.MULTILINE,
)
_HEADING_TYPE: dict[str, RelationType] = {"失效": "expires", "废止": "repeals", "修改": "amends", "修订": "amends"}
_SINCE_DAY_RE = re.compile(
    rf"自{_S}(?P<year>(?:19|20)\d\d){_S}年{_S}(?P<month>\d{{1,2}}){_S}月{_S}(?P<day>\d{{1,2}}){_S}日起"
)
_SINCE_PUBLICATION_RE = re.compile(r"自[^。；]{0,8}?(?:公布|印发|发布)之日起")


def _blank_titles(sentence: str) -> str:
    """The sentence with cited titles blanked out, so `《关于调整…的通知》` does not read as the verb 调整."""
    return _TITLE_RE.sub("《》", sentence)


def _sentence_type(sentence: str) -> RelationType | None:
    bare = _blank_titles(sentence)
    for verb, relation_type in _VERBS:
        if verb.search(bare):
            return relation_type
    return None


def _sentence_date(sentence: str, ctx: DateContext) -> str | None:
    m = _SINCE_DAY_RE.search(sentence)
    if m:
        return f"{int(m['year']):04d}-{int(m['month']):02d}-{int(m['day']):02d}"
    if _SINCE_PUBLICATION_RE.search(sentence) and ctx.signed_date:
        return ctx.signed_date.isoformat()
    return None


def _may_hold_list_heading(text: str) -> bool:
    # A quick test before the line-anchored heading regex, which tries every position of the text.
    return any(f"{verb}的" in text for verb in _HEADING_TYPE)


def _heading_types(text: str) -> list[tuple[int, RelationType]]:
    if not _may_hold_list_heading(text):
        return []
    return [(m.start(), _HEADING_TYPE[m.group(1)]) for m in _LIST_HEADING_RE.finditer(text)]


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind(c, 0, pos) for c in _SENTENCE_ENDS) + 1
    ends = [i for i in (text.find(c, pos) for c in _SENTENCE_ENDS) if i >= 0]
    return start, min(ends, default=len(text))


def _candidates(text: str) -> list[tuple[int, str, int, int]]:
    """(position, 文号, sentence start, sentence end) for every 文号 in a sentence with a verb or under a list
    heading; the 文号 scan runs only on those parts, as it is the costly step."""
    found: dict[int, tuple[int, str, int, int]] = {}
    scanned: set[int] = set()
    for verb in _ANY_VERB_RE.finditer(text):
        start, end = _sentence_bounds(text, verb.start())
        if start in scanned:
            continue
        scanned.add(start)
        for number, position, _ in find_doc_numbers(text[start:end]):
            found[start + position] = (start + position, number, start, end)
    headings = _LIST_HEADING_RE.search(text) if _may_hold_list_heading(text) else None
    if headings:
        for number, position, _ in find_doc_numbers(text[headings.start():]):
            position += headings.start()
            found.setdefault(position, (position, number, *_sentence_bounds(text, position)))
    return sorted(found.values())


def find_relations(text: str, ctx: DateContext) -> list[Relation]:
    """Relations of this document to the documents it cites, one per (type, 文号), in order of appearance."""
    found: list[Relation] = []
    seen: set[tuple[str, str]] = set()
    document_dates: list[str | None] = []  # computed once, only when a relation needs it

    def document_effective() -> str | None:
        if not document_dates:
            document_dates.append(find_document_dates(text, ctx)[0])
        return document_dates[0]

    def add(relation_type: RelationType, number: str, date: str | None) -> None:
        if (relation_type, number) not in seen:
            seen.add((relation_type, number))
            found.append(Relation(type=relation_type, doc_number=number, effective_date=date))

    candidates = _candidates(text)
    headings = _heading_types(text) if candidates else []
    for position, number, start, end in candidates:
        sentence = text[start:end]
        relation_type = _sentence_type(sentence)
        if relation_type is not None:
            add(relation_type, number, _sentence_date(sentence, ctx) or document_effective())
            continue
        above = [heading_type for heading_start, heading_type in headings if heading_start < position]
        if above:  # a row of a 目录 under `宣布失效的…目录`
            add(above[-1], number, document_effective() or (ctx.signed_date.isoformat() if ctx.signed_date else None))
    return found
