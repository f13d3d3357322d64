"""Readers on real files generated from our example documents (examples/*.txt), and on inputs they refuse."""
from __future__ import annotations

import io
import random
import re
import zipfile

import pytest

from services.ingest.readers import ReadDocument, UnreadableDocument, read_document
from services.ingest.readers.sniff import DOCX, HTML, OLE2, PDF, TEXT, sniff_media_type

from .generate import example_lines, make_docx, make_pdf, make_portal_html

EXAMPLES = ["qzbf-2026-3.txt", "qzf-2026-5.txt", "qzbf-2026-8.txt"]
_WHITE_RE = re.compile(r"\s+")

# Facts each example states; every format must carry them through.
FACTS = {
    "qzbf-2026-3.txt": ["衢政办发〔2026〕3号", "1500亿元以上", "10月底前", "牵头市领导：王明远、李晓峰",
                        "责任单位：市经信局、市通信发展办，柯城区政府、衢江区政府"],
    "qzf-2026-5.txt": ["衢政发〔2026〕5号", "（由市发改委牵头实施）", "（责任单位：市发改委、市经信局）",
                       "（三）实施技改提升行动。", "1．对列入省级重点技术改造项目的企业", "自2026年4月1日起施行",
                       "（衢政发〔2022〕9号）同时废止"],
    "qzbf-2026-8.txt": ["衢政办发〔2026〕8号", "12月底前", "新增普惠托育托位1200个以上", "市财政局 各县（市、区）政府"],
}

# Table rows of qzbf-2026-8 as every reader must give them: merged cells repeated in each row they cover.
MERGED_ROWS = [
    "2\t医疗健康\t推广家庭医生签约服务\t重点人群签约率达到80%以上\t市卫健委\t市医保局",
    "4\t养老托育\t新增普惠托育托位\t新增普惠托育托位1200个以上\t市民政局\t市教育局",
    "7\t教育助学\t资助困难家庭学生\t资助困难家庭学生1.2万人次\t市教育局\t/",
]


def squeeze(text: str) -> str:
    """Text without white space: PDF lines wrap at the margin and tables print with spaces."""
    return _WHITE_RE.sub("", text)


# --- PDF -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_keeps_every_line_and_fact(name, cjk_font):
    lines = example_lines(name)
    data, _ = make_pdf(lines, cjk_font)
    document = read_document(data, f"{name}.pdf")
    assert document.media_type == PDF
    assert document.warnings == []
    text = squeeze(document.text)
    for line in lines:
        assert squeeze(line) in text
    for fact in FACTS[name]:
        assert squeeze(fact) in text


def test_pdf_gives_the_page_of_every_line(cjk_font):
    lines = [line for name in EXAMPLES for line in example_lines(name) if line.strip() and "\t" not in line]
    data, expected_pages = make_pdf(lines, cjk_font, font_size=14)
    document = read_document(data)
    read_lines = document.text.split("\n")
    assert document.line_pages is not None and len(document.line_pages) == len(read_lines)
    assert expected_pages[-1] >= 3
    cursor = 0
    for line, page in zip(lines, expected_pages):
        head = line[:6]
        while not read_lines[cursor].startswith(head):
            cursor += 1
        assert document.line_pages[cursor] == page, line
    assert document.line_pages == sorted(document.line_pages)


def test_pdf_with_more_pages_than_allowed_is_refused(cjk_font):
    data, pages = make_pdf(example_lines("qzf-2026-5.txt") * 3, cjk_font)
    assert pages[-1] == 3
    assert read_document(data, max_pages=3).line_pages[-1] == 3
    with pytest.raises(UnreadableDocument, match="has 3 pages, above the limit of 2"):
        read_document(data, max_pages=2)


def test_encrypted_pdf_is_refused(cjk_font):
    data, _ = make_pdf(example_lines("qzf-2026-5.txt"), cjk_font, user_password="secret")
    with pytest.raises(UnreadableDocument, match="encrypted"):
        read_document(data)


def test_truncated_pdf_is_refused(cjk_font):
    data, _ = make_pdf(example_lines("qzf-2026-5.txt"), cjk_font)
    with pytest.raises(UnreadableDocument, match="broken or truncated PDF"):
        read_document(data[: len(data) // 2])


def test_pdf_without_text_layer_is_refused():
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for _ in range(2):  # what a scanner makes: pictures, no text
        pdf.rect(50, 50, 400, 600, fill=1)
        pdf.showPage()
    pdf.save()
    with pytest.raises(UnreadableDocument, match="no text layer on any of its 2 pages"):
        read_document(buffer.getvalue())


def test_pdf_page_without_text_is_a_warning(cjk_font):
    from pypdfium2 import PdfDocument
    data, _ = make_pdf(example_lines("qzf-2026-5.txt"), cjk_font)
    pdf = PdfDocument(data)
    pdf.new_page(595, 842)  # a blank last page, as a scan of a signature page reads
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    document = read_document(buffer.getvalue())
    assert document.warnings == ["no text on page(s) 2 (scanned images or blank pages)"]
    assert set(document.line_pages) == {1}


# --- DOCX ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", EXAMPLES)
def test_docx_keeps_paragraphs_and_facts(name):
    lines = example_lines(name)
    document = read_document(make_docx(lines), f"{name}.docx")
    assert document.media_type == DOCX
    assert document.line_pages is None
    read_lines = document.text.split("\n")
    for line in lines:
        if "\t" not in line:
            assert line in read_lines
    for fact in FACTS[name]:
        assert fact in document.text


def test_docx_table_repeats_vertical_merges_and_aligns_horizontal_ones():
    lines = example_lines("qzbf-2026-8.txt")
    document = read_document(make_docx(lines, note_row="注：各项目由牵头单位负责组织实施"))
    read_lines = document.text.split("\n")
    assert lines[13] in read_lines  # the header row
    for row in MERGED_ROWS:
        assert row in read_lines
    assert "注：各项目由牵头单位负责组织实施\t\t\t\t\t" in read_lines
    assert all(line.count("\t") == 5 for line in read_lines if "\t" in line)


def test_broken_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document")
    with pytest.raises(UnreadableDocument, match="DOCX"):
        read_document(buffer.getvalue())


# --- HTML ------------------------------------------------------------------------------------------------------

PORTAL_CHROME = ["首页", "当前位置", "请输入关键词", "市政府办公室文件", "打印本页", "网站标识码", "浙ICP备",
                 "访问统计", "window.siteId"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_html_keeps_the_article_and_drops_the_portal(name):
    lines = example_lines(name)
    document = read_document(make_portal_html(lines), f"{name}.html")
    assert document.media_type == HTML
    assert document.warnings == []
    read_lines = document.text.split("\n")
    assert read_lines[0] == lines[0]  # the title, printed outside the article body
    for line in lines:
        if line.strip() and "\t" not in line:
            assert line in read_lines
    for fact in FACTS[name]:
        assert fact in document.text
    for chrome in PORTAL_CHROME:
        assert chrome not in document.text


@pytest.mark.parametrize("charset", ["utf-8", "gbk", "gb18030", "gb2312"])
def test_html_in_a_declared_chinese_charset(charset):
    lines = example_lines("qzf-2026-5.txt")
    page = make_portal_html(lines, charset="gb18030" if charset == "gb2312" else charset)
    if charset == "gb2312":  # portals often declare gb2312 and use characters only GBK/GB18030 hold
        page = page.replace(b'charset="gb18030"', b'charset="gb2312"')
    document = read_document(page)
    for fact in FACTS["qzf-2026-5.txt"]:
        assert fact in document.text


def test_html_table_spans_become_a_grid():
    lines = example_lines("qzbf-2026-8.txt")
    page = make_portal_html(lines).replace(
        b"</table>", '<tr><td colspan="6">注：各项目由牵头单位负责组织实施</td></tr></table>'.encode())
    read_lines = read_document(page).text.split("\n")
    assert "\t".join(lines[13].split("\t")) in read_lines
    for row in MERGED_ROWS:
        assert row in read_lines
    assert "注：各项目由牵头单位负责组织实施\t\t\t\t\t" in read_lines


# --- text ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-be-bom"])
def test_text_encodings(encoding):
    text = "\n".join(example_lines("qzbf-2026-3.txt"))
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)  # Python's utf-16 writes a BOM
    document = read_document(data, "notice.txt")
    assert document == ReadDocument(text=text, media_type=TEXT, line_pages=None, warnings=[])


def test_text_line_breaks_become_line_feeds():
    assert read_document("一、总体要求\r\n（一）目标\r二、保障\n".encode()).text == "一、总体要求\n（一）目标\n二、保障\n"


@pytest.mark.corpus
def test_corpus_files_read_the_same_in_utf8_and_gb18030(corpus_dir):
    path = corpus_dir / "002_c219690aee66b248.txt"
    original = path.read_bytes()
    expected = original.decode("utf-8").replace("\r\n", "\n")
    assert read_document(original, path.name).text == expected
    assert read_document(expected.encode("gb18030"), path.name).text == expected


# --- refusals --------------------------------------------------------------------------------------------------

REFUSALS = [
    # (what, bytes, words the reason must hold)
    ("empty", b"", "empty file"),
    ("white space only", "\n \u3000\n".encode(), "no text"),
    ("junk bytes", random.Random(7).randbytes(4096), "binary data"),
    ("NUL bytes", b"\x00" * 512, "control characters"),
    ("PNG image", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png is not a document format"),
    ("legacy .doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "legacy Office file"),
    ("PDF header then junk", b"%PDF-1.7\n" + random.Random(8).randbytes(2000), "broken or truncated PDF"),
]


@pytest.mark.parametrize("what, data, reason", REFUSALS, ids=[row[0] for row in REFUSALS])
def test_unreadable_inputs_are_refused_with_a_reason(what, data, reason):
    with pytest.raises(UnreadableDocument) as refused:
        read_document(data)
    assert reason in refused.value.reason


def test_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", "x")
    with pytest.raises(UnreadableDocument, match="ZIP archive that is not a Word document"):
        read_document(buffer.getvalue())


def test_file_above_the_size_limit_is_refused():
    data = "\n".join(example_lines("qzf-2026-5.txt")).encode()
    assert read_document(data, max_bytes=len(data)).text
    with pytest.raises(UnreadableDocument, match=f"{len(data) + 1} bytes, above the limit of {len(data)} bytes"):
        read_document(data + b"\n", max_bytes=len(data))


def test_docx_that_expands_too_far_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * 3_000_000)
    with pytest.raises(UnreadableDocument, match="expands to 3000000 bytes"):
        read_document(buffer.getvalue(), max_bytes=100_000)


# --- media type and file name ----------------------------------------------------------------------------------

SNIFFED = [
    (b"%PDF-1.4\n", PDF),
    (b"\r\n\r\n%PDF-1.7\n", PDF),  # junk before the header is allowed
    (b"<!DOCTYPE html><html><body>", HTML),
    (b'\n<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', HTML),
    ("<html><body>通知</body></html>".encode("utf-16"), HTML),
    ("关于印发<实施方案>的通知".encode(), TEXT),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE2),
]


@pytest.mark.parametrize("data, media_type", SNIFFED)
def test_media_type_comes_from_the_content(data, media_type):
    assert sniff_media_type(data) == media_type


def test_file_name_that_disagrees_with_the_content_is_a_warning():
    document = read_document("衢政办发〔2026〕3号".encode(), "notice.pdf")
    assert document.media_type == TEXT
    assert document.warnings == ["the file name 'notice.pdf' suggests application/pdf, but the content is text/plain"]


def test_xhtml_with_an_xml_encoding_declaration():
    page = ('<?xml version="1.0" encoding="gb2312"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
            '<title>关于做好汛期安全工作的通知</title></head><body><div class="content">'
            '<p>一、各县（市、区）政府要于5月底前完成隐患排查。（责任单位：市应急管理局）</p></div></body></html>')
    document = read_document(page.encode("gb18030"), "notice.xhtml")
    assert document.text == ("关于做好汛期安全工作的通知\n"
                             "一、各县（市、区）政府要于5月底前完成隐患排查。（责任单位：市应急管理局）")


def test_utf8_damaged_in_one_place_is_read_with_a_warning():
    data = "\n".join(example_lines("qzf-2026-5.txt")).encode()
    cut = data.index("（责任单位".encode()) + 1  # a stray byte inside a character: four bad bytes
    document = read_document(data[:cut] + b"\xff" + data[cut:])
    assert "自2026年4月1日起施行" in document.text
    assert document.warnings == ["4 invalid UTF-8 sequence(s) replaced by \ufffd"]
