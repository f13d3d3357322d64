"""Split a file into its documents: one slice per 文号 title block, with title, issuers, signing date.

A gazette issue prints each document's title block (title, 文号, signature, date) wherever its first page
ends, so the block usually comes *after* the first page of the body, and the first page of an attached
plan comes before the notice that issues it. A document therefore starts at the first page that holds
its text (the last page start before its title block, but not before the previous document's signature)
and ends where the next one starts. A clean single document (red head, 文号, title, body) is one slice.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import compress
from typing import Sequence

from services.extract.docnumber import find_doc_numbers
from services.extract.han import all_han
from services.extract.normalize import PageLayout, analyse_layout, ends_paragraph, join_lines

_TITLE_WINDOW = 6  # non-blank lines a title block spans at most
_SIGNATURE_WINDOW = 400  # non-blank lines between a 文号 and its signature date at most
_ISSUER_LINES = 8  # signature lines above a date at most (joint issuers sign one per line)

_HAN_DIGITS = "〇一二三四五六七八九"  # index = value
_DATE_RE = re.compile(
    r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
_RELEASE_RE = re.compile(r"[（(]此件[^）)]{1,10}[）)]")
_ORG_LINE_EXTRAS = str.maketrans("", "", "（）() ")  # characters an issuer line holds besides Han
_ORG_SUFFIX = set("府室局会委院厅部门办社行队所心团司处署")
_DOC_TYPE_END_RE = re.compile(r"(?:通知|通报|决定|意见|批复|办法|规定|方案|规划|细则|规则|函|令|公告|通告|报告|纪要)$")
_STOP_PUNCT = set("。；！？，：")
_OPENING_RE = re.compile(r"(?:为|根据|按照|依据|经.{0,12}研究)")
_ADDRESSEE_RE = re.compile(r"各|政府|单位|部门|局|委|公司|学校|医院|办公室")
_CLAUSE_NUMBER_RE = re.compile(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[．.、]")
_ATTACHMENT_LINE_RE = re.compile(r"^附件\s*[:：]\s*(?P<items>.+)$")
_ATTACHMENT_ITEM_SPLIT_RE = re.compile(r"(?:^|(?<=[^\d]))\d{1,2}\s*[．.、]\s*")
_ISSUED_TITLES_RE = re.compile(r"《([^《》]{4,80})》")
_ATTACHMENT_ITEM_RE = re.compile(r"\d{1,2}\s*[．.、]")
_ATTACHMENT_END_RE = re.compile(r"(?:通知|意见|办法|规定|方案|规划|细则|规则|表|单|书|录|标准|[）)])$")
_WRAPPED_ITEM_END_RE = re.compile(r"[^，。：:；;、\s]{1,12}")
_CITING_RE = re.compile(r"根据|按照|依据|落实|贯彻|参照")
_ISSUING_RE = re.compile(r"(?:现|现将|现予|予以)印发|印发给你们")


@dataclass
class DocumentSlice:
    doc_number: str | None
    title: str | None
    issuers: list[str]
    signed_date: str | None
    text: str  # normalised body incl. attachments, without title block and page furniture
    start_line: int  # 1-based, raw file
    end_line: int
    line_map: list[int]  # line_map[i]: raw line where line i of `text` starts
    attachments: list[str] = field(default_factory=list)


@dataclass
class _TitleBlock:
    anchor: int  # 0-based line of the 文号
    number: str
    title_lines: list[int]
    signature_lines: list[int] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    signed_date: str | None = None

    @property
    def first_line(self) -> int:
        return min([self.anchor, *self.title_lines])

    @property
    def last_line(self) -> int:
        return max([self.anchor, *self.title_lines, *self.signature_lines])


class _Lines:
    """The raw lines of a file with their page layout, and the navigation the splitter needs."""

    def __init__(self, raw: str) -> None:
        self.raw = raw.splitlines()
        self.text = list(map(str.strip, self.raw))
        self.layout: PageLayout = analyse_layout(self.raw, self.text)
        non_blank = compress(range(len(self.text)), self.text)
        self.content = [i for i in non_blank if i not in self.layout.noise]
        # Release marks （此件公开发布） close a document's body and are no text of it.
        self.release_marks: set[int] = set()
        if "此件" in raw:
            self.release_marks = {
                i for i in self.content if "此件" in self.text[i] and _RELEASE_RE.fullmatch(self.text[i])
            }

    def before(self, i: int, limit: int) -> list[int]:
        """Up to `limit` content lines before line i, nearest first."""
        k = bisect_left(self.content, i)
        return self.content[max(0, k - limit):k][::-1]

    def after(self, i: int, limit: int) -> list[int]:
        start = bisect_right(self.content, i)
        return self.content[start:start + limit]

    def between(self, first: int, stop: int) -> list[int]:
        """Content lines i with first <= i < stop."""
        return self.content[bisect_left(self.content, first):bisect_left(self.content, stop)]


def _han_number(s: str) -> int:
    """2024, 二〇二四 → 2024; 二 → 2; 十二 → 12; 二十 → 20; 三十一 → 31."""
    if s.isdigit():
        return int(s)
    if len(s) == 4:  # 二〇二四: digit by digit
        return int("".join(str(_HAN_DIGITS.index(c)) for c in s.replace("零", "〇")))
    tens, ten, units = s.partition("十")
    if not ten:
        return _HAN_DIGITS.index(s.replace("零", "〇"))
    return (_HAN_DIGITS.index(tens) if tens else 1) * 10 + (_HAN_DIGITS.index(units) if units else 0)


def _signing_date(text: str) -> str | None:
    compact = text.replace(" ", "")
    match = _DATE_RE.fullmatch(compact)
    if not match:
        return None
    year, month, day = (_han_number(match.group(g)) for g in ("y", "m", "d"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _anchor_number(text: str) -> str | None:
    """The 文号 when the line is nothing but a 文号 (possibly in brackets): a title block's number line."""
    inner = text.strip("（）() ")
    found = find_doc_numbers(inner)
    if len(found) == 1 and found[0][1] == 0 and found[0][2] == len(inner):
        return found[0][0]
    return None


def _is_org_line(text: str) -> bool:
    compact = text.replace(" ", "")
    return (
        2 <= len(text) <= 60
        and all_han(text.translate(_ORG_LINE_EXTRAS))
        and "关于" not in compact
        and compact[-1] in _ORG_SUFFIX
        and not _RELEASE_RE.fullmatch(compact)
    )


def _ends_with_stop(text: str) -> bool:
    return text[-1] in _STOP_PUNCT


def _title_before(lines: _Lines, anchor: int) -> list[int]:
    window: list[int] = []
    for i in lines.before(anchor, _TITLE_WINDOW):
        text = lines.text[i]
        if _anchor_number(text) or _signing_date(text) or i in lines.release_marks or _ends_with_stop(text):
            break
        window.append(i)
    for k, i in enumerate(window):
        if "关于" in lines.text[i]:
            chosen = window[:k + 1]
            if lines.text[i].startswith("关于"):
                chosen += [j for j in window[k + 1:k + 3] if _is_org_line(lines.text[j])][:1]
            return sorted(chosen)
    if window and _DOC_TYPE_END_RE.search(lines.text[window[0]]):
        return [window[0]]
    return []


def _title_after(lines: _Lines, anchor: int) -> list[int]:
    chosen: list[int] = []
    for i in lines.after(anchor, 3):
        text = lines.text[i]
        if not chosen and "关于" not in text:
            continue
        if _ends_with_stop(text):
            break
        chosen.append(i)
        if _DOC_TYPE_END_RE.search(text):
            return chosen
    return []


def _title_text(lines: _Lines, title_lines: Sequence[int]) -> str | None:
    """The title lines joined. White space is layout, except between joint issuers before 关于
    (`衢州市发展和改革委员会 衢州市教育局关于…`), printed on one line or on lines of their own."""
    if not title_lines:
        return None
    title = ""
    previous = ""
    for i in title_lines:
        text = lines.text[i]
        if previous and "关于" not in title and _is_org_line(previous):
            title += " "
        title += text
        previous = text
    head, sep, tail = title.partition("关于")
    if not sep:
        return "".join(title.split())
    return " ".join(head.split()) + sep + "".join(tail.split())


def _issuers_from_title(title: str | None) -> list[str]:
    """Issuers named before 关于 in the title, for a document printed without a signature."""
    head, sep, _ = (title or "").partition("关于")
    return head.split() if sep else []


def _signature(lines: _Lines, date_line: int) -> tuple[list[int], list[str]]:
    """Issuer lines above a signing date and the issuers they name."""
    issuer_lines: list[int] = []
    for i in lines.before(date_line, _ISSUER_LINES):
        if not _is_org_line(lines.text[i]) or _anchor_number(lines.text[i]):
            break
        issuer_lines.append(i)
    issuer_lines.reverse()
    issuers: list[str] = []
    for i in issuer_lines:
        tokens = lines.text[i].split()
        if all(len(t) == 1 for t in tokens):
            issuers.append("".join(tokens))
        else:
            issuers.extend(tokens)
    return issuer_lines, issuers


def _extend_title_to_issuers(lines: _Lines, block: _TitleBlock) -> None:
    """Joint issuers may head the title on lines of their own (`衢州市医疗保障局` / `衢州市卫生健康委员会`
    / `关于…`): take in the lines above the title that name the document's signers."""
    signers = set(block.issuers)
    while block.title_lines and signers:
        above = lines.before(block.title_lines[0], 1)
        if not above or above[0] in block.title_lines or not _is_org_line(lines.text[above[0]]):
            return
        names = lines.text[above[0]].split()
        if not all(name in signers for name in names) and lines.text[above[0]].replace(" ", "") not in signers:
            return
        block.title_lines.insert(0, above[0])


def _restore_prefixes(blocks: list[_TitleBlock]) -> None:
    """`政办发〔2023〕22号` lost its first character when others in the issue read `衢政办发〔…〕`."""
    prefixes = {b.number.split("〔")[0] for b in blocks}
    for block in blocks:
        prefix, _, rest = block.number.partition("〔")
        longer = sorted(p for p in prefixes if len(p) == len(prefix) + 1 and p.endswith(prefix))
        if longer:
            block.number = f"{longer[0]}〔{rest}"


def _is_title_block(lines: _Lines, block: _TitleBlock) -> bool:
    """A 文号 line heads a document when a title naming its issuer or a signing date goes with it; a 文号
    alone on a line in a table of cited documents does not."""
    if block.title_lines and not lines.text[block.title_lines[0]].startswith("关于"):
        return True
    return any(_signing_date(lines.text[i]) for i in lines.after(block.anchor, 20))


def _find_blocks(lines: _Lines) -> tuple[list[_TitleBlock], set[int]]:
    """Title blocks in order, and the lines of title blocks reprinted for a 文号 already seen."""
    blocks: list[_TitleBlock] = []
    with_number_sign = [i for i in lines.content if "号" in lines.text[i]]  # every 文号 ends in 号
    for i in with_number_sign:
        text = lines.text[i]
        if len(text) > 30:
            continue
        number = _anchor_number(text)
        if number is None:
            continue
        block = _TitleBlock(i, number, _title_before(lines, i) or _title_after(lines, i))
        if _is_title_block(lines, block):
            blocks.append(block)
    _restore_prefixes(blocks)
    first: list[_TitleBlock] = []
    reprinted: set[int] = set()
    seen: set[str] = set()
    for block in blocks:
        if block.number in seen:
            reprinted.update([block.anchor, *block.title_lines])
        else:
            seen.add(block.number)
            first.append(block)
    return first, reprinted


def _group(lines: _Lines, blocks: list[_TitleBlock]) -> list[list[_TitleBlock]]:
    """Title blocks printed back to back (two short notices on one page) form one group; a repeated
    title block of the same 文号 joins the group of its first printing."""
    groups: list[list[_TitleBlock]] = []
    for block in blocks:
        if groups:
            previous = groups[-1][-1]
            between = [i for i in lines.after(previous.anchor, 1) if i < block.first_line]
            if not between:
                groups[-1].append(block)
                continue
        groups.append([block])
    return groups


def _attach_signatures(lines: _Lines, groups: list[list[_TitleBlock]]) -> None:
    used: set[int] = set()
    for n, group in enumerate(groups):
        limit = groups[n + 1][0].first_line if n + 1 < len(groups) else len(lines.raw)
        searched_from = group[-1].anchor
        for block in group:
            for i in lines.after(searched_from, _SIGNATURE_WINDOW):
                if i >= limit:
                    break
                date = _signing_date(lines.text[i]) if i not in used else None
                if date:
                    block.signature_lines, block.issuers = _signature(lines, i)
                    block.signature_lines.append(i)
                    block.signed_date = date
                    _extend_title_to_issuers(lines, block)
                    used.add(i)
                    searched_from = i
                    break


def _opening_strength(text: str) -> int:
    """2 for a paragraph that can only open a document (an addressee line `各县（市、区）人民政府…：`,
    `市政府研究决定：`, `第一章`), 1 for one that usually does (`为…`, `根据…`, `经…研究`), else 0."""
    if (text[-1] in "：:" and len(text) < 150 and _ADDRESSEE_RE.search(text)) or _opens_chapter(text):
        return 2
    return 1 if _OPENING_RE.match(text) else 0


def _opens_chapter(text: str) -> bool:
    """`第一章…`, `第一条…`, or one to six Han characters before `研究决定` (`市政府研究决定：`)."""
    if text.startswith(("第一章", "第一条")):
        return True
    decided = text.find("研究决定", 1, 10)
    return decided > 0 and all_han(text[:decided])


def _is_red_head(text: str) -> bool:
    """`衢州市人民政府办公室文件`: the banner above a document's 文号."""
    return text.endswith("文件") and 2 <= len(text) - 2 <= 30 and all_han(text[:-2].replace(" ", ""))


def _with_wrapped_end(lines: _Lines, i: int) -> str:
    """The line, plus the next one when that short line ends it (`…各市级公立医院、浙医健衢州` / `医院：`)."""
    text = lines.text[i]
    following = lines.after(i, 1)
    if following and not ends_paragraph(text) and len(lines.text[following[0]]) <= 12:
        return text + lines.text[following[0]]
    return text


def _previous_text_line(lines: _Lines, i: int) -> int | None:
    for j in lines.before(i, 3):
        if j not in lines.release_marks:
            return j
    return None


def _body_start(lines: _Lines, lower: int, title_start: int, attachments_due: bool) -> int:
    """First line of a document whose title block starts at `title_start`, given that the previous
    document's own block ends before `lower` and whether that document announced attachments (which
    then follow its signature). The title block closes the document's first page, so the document
    starts on that page: at its first line unless that line continues the previous document, else at
    the first paragraph on the page that opens a document, else at the title itself."""
    region = [i for i in lines.between(lower, title_start) if i not in lines.release_marks]
    page_starts = [i for i in region if i in lines.layout.page_starts]
    if page_starts:
        region = region[region.index(page_starts[-1]):]
    for k, i in enumerate(region):
        text = lines.text[i]
        previous = _previous_text_line(lines, i)
        after_previous_document = previous is None or previous < lower
        # A line of one to three characters is a table cell: the table ends there, whatever its last character.
        after_paragraph = (
            after_previous_document or len(lines.text[previous]) <= 3 or ends_paragraph(lines.text[previous])
        )
        strength = _opening_strength(_with_wrapped_end(lines, i))
        fresh_page = (
            k == 0
            and after_paragraph
            and ((after_previous_document and not attachments_due) or len(lines.text[previous]) <= 3)
            and len(text) > 3
            and not _CLAUSE_NUMBER_RE.match(text)
            and not text.startswith("附件")
        )
        if strength == 2 or fresh_page or (strength == 1 and after_paragraph):
            return i
    return title_start


def _split_on_release_marks(lines: _Lines, start: int, end: int, parts: int) -> list[int]:
    """Starts of the bodies of `parts` back-to-back notices printed before their title blocks; each body
    ends with a release mark （此件公开发布）. Falls back to one body for the first notice."""
    marks = [i for i in lines.between(start, end) if i in lines.release_marks]
    if len(marks) >= parts:
        return [start, *(lines.after(m, 1)[0] for m in marks[:parts - 1])]
    return [start] + [end] * (parts - 1)


def _attachments(text: str) -> list[str]:
    """Titles of the attached documents: the `附件：` list (one item per line or numbered on one line) and
    the titles a notice says it issues (`现将《…》印发给你们`), not the ones it cites (`根据《…》`)."""
    found: list[str] = []
    # Only a line that holds 附件 or 印发 can add titles of itself (an attachment list then goes on over the
    # lines after it): those lines are found from where the words occur, the others are not looked at.
    starts = {text.rfind("\n", 0, at) + 1 for word in ("附件", "印发") for at in _occurrences(text, word)}
    next_unread = 0
    for start in sorted(starts):
        if start >= next_unread:
            next_unread = _read_attachment_lines(text, start, found)
    return list(dict.fromkeys(found))


def _occurrences(text: str, word: str) -> list[int]:
    """Where `word` occurs in `text`."""
    found = []
    at = text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def _read_attachment_lines(text: str, start: int, found: list[str]) -> int:
    """Add the titles of the line starting at offset `start`, and of the lines after it while they go on an
    attachment list it opens, to `found`; the offset of the first line not read."""
    in_list = False
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        line = text[start:end]
        start = end + 1
        match = _ATTACHMENT_LINE_RE.match(line) if line.startswith("附件") else None
        item_line = in_list and _ATTACHMENT_ITEM_RE.match(line)
        if match or item_line:
            items = _ATTACHMENT_ITEM_SPLIT_RE.split(match.group("items") if match else line)
            found.extend(item.strip("《》 ；;。") for item in items if item.strip("《》 ；;。"))
            in_list = True
        elif in_list and found and _WRAPPED_ITEM_END_RE.fullmatch(line) and not _ATTACHMENT_END_RE.search(found[-1]):
            found[-1] += line.strip("《》 ；;。")  # the wrapped end of the previous item
        else:
            if "印发" in line and _ISSUING_RE.search(line):
                issuing = _ISSUING_RE.split(line)[0]
                found.extend(m.group(1) for m in _ISSUED_TITLES_RE.finditer(issuing) if not _CITING_RE.search(
                    issuing, max(0, m.start() - 3), m.start()))
            break
    return start


def _slice(
    lines: _Lines, start: int, end: int, group: list[_TitleBlock] | None, index: int, skip: set[int]
) -> DocumentSlice:
    skip = set(skip)
    block = None
    if group:
        for b in group:
            skip.update([b.anchor, *b.title_lines, *b.signature_lines])
        block = group[index]
        for b in group:
            red_head = lines.before(b.anchor, 1)
            if red_head and _is_red_head(lines.text[red_head[0]]) and red_head[0] not in b.title_lines:
                skip.add(red_head[0])
    body = lines.between(start, end + 1)
    skip |= lines.release_marks
    numbered = [(i + 1, lines.raw[i]) for i in body if i not in skip]
    normalized = join_lines(numbered, lines.layout.full_width)
    last = body[-1] if body else start
    title = _title_text(lines, block.title_lines) if block else None
    return DocumentSlice(
        doc_number=block.number if block else None,
        title=title,
        issuers=(block.issuers or _issuers_from_title(title)) if block else [],
        signed_date=block.signed_date if block else None,
        text=normalized.text,
        start_line=start + 1,
        end_line=last + 1,
        line_map=normalized.line_map,
        attachments=_attachments(normalized.text),
    )


def split_documents(raw: str) -> list[DocumentSlice]:
    """One slice per document in `raw`, in order of appearance."""
    lines = _Lines(raw)
    if not lines.content:
        return []
    blocks, reprinted = _find_blocks(lines)
    if not blocks:
        return [_slice(lines, lines.content[0], len(lines.raw) - 1, None, 0, set())]
    groups = _group(lines, blocks)
    _attach_signatures(lines, groups)
    starts: list[tuple[int, list[_TitleBlock], int]] = []  # (first line, group, index in group)
    lower = 0
    for n, group in enumerate(groups):
        if n == 0:
            first = lines.content[0]
        else:
            previous_start = starts[-1][0]
            attachments_due = any(
                _ATTACHMENT_LINE_RE.match(lines.text[i]) for i in lines.between(previous_start, lower)
            )
            first = _body_start(lines, lower, group[0].first_line, attachments_due)
        for k, body in enumerate(_split_on_release_marks(lines, first, group[0].first_line, len(group))):
            starts.append((body, group, k))
        lower = max(b.last_line for b in group) + 1
    slices: list[DocumentSlice] = []
    for k, (start, group, index) in enumerate(starts):
        end = starts[k + 1][0] - 1 if k + 1 < len(starts) else len(lines.raw) - 1
        slices.append(_slice(lines, start, max(start, end), group, index, reprinted))
    return slices

