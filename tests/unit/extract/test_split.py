"""Splitting files into documents: gazette issues (title blocks printed after the body), clean single
documents, back-to-back notices; 文号 variants; citations are not documents; attachments stay with
their parent."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from services.extract.docnumber import find_doc_numbers, normalize_doc_number
from services.extract.split import DocumentSlice, split_documents

GAZETTE_000 = "000_d96df1f4540694e4.txt"
GAZETTE_001 = "001_b286056cb3e9ed77.txt"
GAZETTE_004 = "004_fc46d7406a82550f.txt"
CLEAN_002 = "002_c219690aee66b248.txt"
CLEAN_003 = "003_ebc2be11e8b97b3c.txt"

# Per document, from the domain notes (../shared/domain/corpus-20xx.md), 1-based raw lines:
# (文号 line, (first, last) title line, signing-date line, (start, end) of the document).
# Starts and ends are the first and last text lines (a banner just before a start is not counted).
DOCUMENTS = {
    GAZETTE_000: [
        (82, (79, 80), 92, (1, 1398)),
        (1457, (1454, 1455), 1461, (1401, 1529)),
        (1558, (1553, 1556), 1562, (1530, 6736)),
        (6779, (6776, 6777), 6783, (6741, 6783)),
        (6795, (6792, 6793), 6799, (6785, 8271)),
        (8345, (8342, 8343), 8349, (8276, 8349)),
        (8455, (8452, 8453), 8459, (8352, 8461)),
    ],
    GAZETTE_001: [
        (135, (132, 133), 194, (1, 194)),
        (239, (236, 237), 243, (196, 243)),
        (386, (383, 384), 503, (251, 574)),  # its 附件 (a member list) follows the signature
        (625, (622, 623), 629, (576, 629)),
        (681, (678, 679), 685, (630, 685)),
        (717, (711, 715), 832, (687, 832)),  # title block inside the body
        (956, (953, 954), 960, (833, 960)),
        (1030, (1025, 1028), 1042, (961, 1765)),  # page 1 of the plan before its cover notice
        (1772, (1767, 1770), 1784, (1767, 2207)),  # cover and title block printed twice (1786–1791)
        (2277, (2272, 2275), 2289, (2208, 2746)),
        (2820, (2815, 2818), 2830, (2747, 3375)),
        (3382, (3377, 3380), 3394, (3377, 4599)),
        (4675, (4672, 4673), 4685, (4600, 4840)),
        (4976, (4973, 4974), 5101, (4841, 7981)),
        (8055, (8050, 8053), 8065, (7982, 8243)),
        (8290, (8285, 8288), 8298, (8245, 8507)),
        (8514, (8509, 8512), 8524, (8509, 8976)),
        (9022, (9017, 9020), 9034, (8977, 9428)),
        (9471, (9466, 9469), 9483, (9430, 9809)),  # the cover splits a sentence (9464 → 9487)
        (9877, (9872, 9875), 9889, (9810, 17290)),  # 文号 printed without its first character
        (17312, (17309, 17310), 17321, (17291, 17299)),  # two notices, then two title blocks
        (17317, (17314, 17315), 17325, (17301, 17325)),
        (17347, (17344, 17345), 17356, (17328, 17334)),
        (17352, (17349, 17350), 17360, (17336, 17360)),  # 文号 in parentheses
        (17374, (17371, 17372), 17378, (17363, 17378)),
        (17439, (17434, 17437), 17464, (17380, 17528)),  # joint issuers; its 附件 follows the signature
        (17665, (17662, 17663), 17690, (17531, 20578)),
        (20596, (20591, 20594), 20602, (20583, 36245)),  # `44 号`
    ],
    GAZETTE_004: [
        (86, (81, 84), 96, (1, 3332)),
        (3462, (3457, 3460), 3466, (3333, 3468)),
        (3508, (3505, 3506), 3512, (3469, 8425)),
        (8522, (8519, 8520), 8530, (8428, 10185)),
        (10265, (10260, 10263), 10273, (10186, 14746)),
        (14841, (14838, 14839), 14849, (14751, 14948)),
        (15078, (15073, 15076), 15236, (14949, 15236)),
        (15315, (15312, 15313), 15325, (15237, 15377)),
        (15509, (15504, 15507), 15606, (15380, 15608)),
        (15684, (15679, 15682), 15696, (15611, 16002)),
        (16028, (16025, 16026), 16032, (16003, 16034)),
        (16075, (16072, 16073), 16081, (16035, 16081)),
        (16129, (16126, 16127), 16135, (16083, 16137)),
        (16205, (16202, 16203), 16229, (16147, 16714)),
        (16788, (16783, 16786), 16798, (16715, 16894)),
        (16898, (16895, 16896), 16936, (16895, 18636)),  # title at the top of a page
        (18646, (18641, 18644), 18701, (18641, 32660)),  # joint issuers on lines of their own
        (32680, (32677, 32678), 32684, (32665, 32734)),
    ],
}
_DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


@lru_cache(maxsize=None)
def _split(path: Path) -> tuple[list[str], list[DocumentSlice]]:
    raw = path.read_text(encoding="utf-8")
    return raw.splitlines(), split_documents(raw)


def _compact(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize(("name", "count"), [(GAZETTE_000, 7), (GAZETTE_001, 28), (GAZETTE_004, 18)])
def test_gazette_document_counts(corpus_dir, name: str, count: int) -> None:
    _, slices = _split(corpus_dir / name)
    assert len(slices) == count


@pytest.mark.parametrize(
    ("name", "k", "expected"),
    [(name, k, doc) for name, docs in DOCUMENTS.items() for k, doc in enumerate(docs)],
)
def test_gazette_documents(corpus_dir, name: str, k: int, expected) -> None:
    number_line, (title_first, title_last), date_line, (start, end) = expected
    lines, slices = _split(corpus_dir / name)
    doc = slices[k]
    number = normalize_doc_number(lines[number_line - 1].strip().strip("（）"))
    assert doc.doc_number is not None and doc.doc_number.endswith(number)
    assert _compact(doc.title or "") == _compact("".join(lines[title_first - 1:title_last]))
    year, month, day = _DATE_RE.search(_compact(lines[date_line - 1])).groups()
    assert doc.signed_date == f"{year}-{int(month):02d}-{int(day):02d}"
    assert (doc.start_line, doc.end_line) == (start, end)
    assert doc.issuers and all(_compact(doc.title).startswith(doc.issuers[0][:2]) for _ in [0])


def test_lost_first_character_of_a_doc_number_is_restored(corpus_dir) -> None:
    lines, slices = _split(corpus_dir / GAZETTE_001)
    printed = normalize_doc_number(lines[9877 - 1].strip())  # 文号 without its first character
    neighbour = normalize_doc_number(lines[9471 - 1].strip())  # same issuer, printed in full
    restored = next(doc.doc_number for doc in slices if doc.doc_number and doc.doc_number.endswith(printed))
    assert restored == neighbour[0] + printed


def test_cited_numbers_are_not_documents(corpus_dir) -> None:
    lines, slices = _split(corpus_dir / GAZETTE_001)
    cited = [number for number, _, _ in find_doc_numbers("".join(s.strip() for s in lines[252:257]))]
    assert len(cited) == 2  # 001 l.253–257 cites two documents in one sentence
    assert not {doc.doc_number for doc in slices} & set(cited)


def test_duplicate_title_block_is_one_document(corpus_dir) -> None:
    lines, slices = _split(corpus_dir / GAZETTE_001)
    number = normalize_doc_number(lines[1791 - 1].strip())  # printed again at 1791
    assert [doc.doc_number for doc in slices].count(number) == 1


def test_body_excludes_title_block_and_furniture(corpus_dir) -> None:
    lines, slices = _split(corpus_dir / GAZETTE_000)
    doc = slices[0]
    assert _compact(lines[82 - 1]) not in _compact(doc.text)  # the 文号 line
    assert _compact(lines[594 - 1]) not in _compact(doc.text)  # a page banner
    assert _compact(lines[592 - 1] + lines[595 - 1]) in _compact(doc.text)  # the sentence it split
    assert len(doc.line_map) == len(doc.text.split("\n"))
    assert all(doc.start_line <= line <= doc.end_line for line in doc.line_map)


@pytest.mark.parametrize(("name", "k", "announced_line"), [(GAZETTE_000, 1, 1450), (GAZETTE_001, 2, 497)])
def test_attachments_belong_to_their_parent(corpus_dir, name: str, k: int, announced_line: int) -> None:
    lines, slices = _split(corpus_dir / name)
    announced = lines[announced_line - 1].split("：", 1)[1].strip()  # `附件：<title>`
    assert announced in slices[k].attachments


def test_issued_plans_are_attachments(corpus_dir) -> None:
    lines, slices = _split(corpus_dir / GAZETTE_000)
    # 000 l.86: `现将《<plan>》印发给你们` — the plan issued by 衢政发〔2024〕7号.
    issued = re.search(r"《(.+?)》", lines[86 - 1]).group(1)
    assert slices[0].attachments == [issued]


@pytest.mark.parametrize(("name", "number_line", "title_line"), [(CLEAN_002, 5, 7), (CLEAN_003, 5, 7)])
def test_clean_document_is_one_slice(corpus_dir, name: str, number_line: int, title_line: int) -> None:
    lines, slices = _split(corpus_dir / name)
    assert len(slices) == 1
    doc = slices[0]
    assert doc.doc_number == normalize_doc_number(lines[number_line - 1].strip())
    assert _compact(doc.title or "") == _compact(lines[title_line - 1])
    assert (doc.start_line, doc.end_line) == (3, len(lines))
    assert _compact(lines[3 - 1]) not in _compact(doc.text.split("\n")[0])  # red head dropped


_CLAUSE_RE = re.compile(r"(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[．.])")


@pytest.mark.parametrize(("pdf_index", "clean"), [(0, CLEAN_002), (2, CLEAN_003)])
def test_pdf_rendering_gives_the_clean_numbering(corpus_dir, pdf_index: int, clean: str) -> None:
    """The numbered clauses of the two clean documents start the same lines in their PDF rendering."""
    _, gazette = _split(corpus_dir / GAZETTE_000)
    _, (clean_doc,) = _split(corpus_dir / clean)

    def labels(text: str) -> list[str]:
        found = (_CLAUSE_RE.match(line) for line in text.split("\n"))
        return [m.group().replace(".", "．") for m in found if m]

    clean_labels = labels(clean_doc.text)
    # 10号's 民生实事 tables (一、/二、 after task 130) are tables, not clauses, in the PDF rendering.
    numbered = clean_labels[: clean_labels.index("一、", 1)] if "一、" in clean_labels[1:] else clean_labels
    assert labels(gazette[pdf_index].text)[: len(numbered)] == numbered


# Our own text in the gazette layout: the first page of each body comes before its title block.
GAZETTE = """\
各县（市、区）人民政府，市政府各部门：
为加快推进示范区建设，经市政府同意，现就有关事项
通知如下：
一、各地要于2099年6月底前完成建设任务。

衢州市人民政府关于加快推进
示范区建设的通知
衢政发〔2099〕3号
衢 州 市 人 民 政 府
2099 年 3 月 5 日
二、市发改委负责统筹协调（责任单位：市发改委）。
（此件公开发布）
各县（市、区）人民政府，市政府各部门：
根据《关于加快推进示范区建设的通知》（衢政发〔2099〕3号）精神，现将《示范区建设实施方案》
印发给你们，请认真贯彻执行。
附件：示范区建设实施方案
（此件公开发布）
衢州市人民政府办公室关于印发
示范区建设实施方案的通知
衢政办发［2099］7 号
衢州市人民政府办公室
2099 年 4 月 1 日
"""


def test_gazette_in_our_words() -> None:
    first, second = split_documents(GAZETTE)
    assert (first.doc_number, second.doc_number) == ("衢政发〔2099〕3号", "衢政办发〔2099〕7号")
    assert first.title == "衢州市人民政府关于加快推进示范区建设的通知"
    assert first.issuers == ["衢州市人民政府"] and first.signed_date == "2099-03-05"
    assert (first.start_line, first.end_line) == (1, 12)
    assert "二、市发改委负责统筹协调" in first.text and "衢政发〔2099〕3号" not in first.text
    assert second.title == "衢州市人民政府办公室关于印发示范区建设实施方案的通知"
    assert second.issuers == ["衢州市人民政府办公室"] and second.signed_date == "2099-04-01"
    assert second.start_line == 13
    assert second.attachments == ["示范区建设实施方案"]
    assert "（衢政发〔2099〕3号）" in second.text  # a citation stays in the body


def test_text_without_title_block_is_one_anonymous_slice() -> None:
    (only,) = split_documents("一、加强组织领导。\n二、强化督查考核（责任单位：市府办）。\n")
    assert (only.doc_number, only.title, only.signed_date, only.issuers) == (None, None, None, [])
    assert only.text.split("\n") == ["一、加强组织领导。", "二、强化督查考核（责任单位：市府办）。"]
    assert (only.start_line, only.end_line) == (1, 2)


def test_empty_text_has_no_documents() -> None:
    assert split_documents("\n \n") == []


def test_issuers_come_from_the_title_without_a_signature(corpus_dir) -> None:
    # 002 is printed without a signature block: the issuer is the title's head before 关于 (l.7).
    lines, (doc,) = _split(corpus_dir / CLEAN_002)
    assert doc.issuers == [lines[7 - 1].split("关于")[0].strip()]
    assert doc.signed_date is None
