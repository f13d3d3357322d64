"""Real PDF, DOCX and HTML files made at test time from our example documents (examples/*.txt).

The example texts are plain lines; a line holding tabs is a table row, and a blank cell in a table row means
"merged with the cell above" (the convention of the clean gazette texts). Each generator returns bytes.
"""
from __future__ import annotations

import html
import io
import shutil
import subprocess
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "examples"

# Debian's CJK fonts with TrueType outlines (reportlab cannot embed CFF-outline OpenType such as Noto CJK).
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


def find_cjk_font() -> Path | None:
    """A CJK TrueType font installed by scripts/install-system-deps.sh (or one like it), or None."""
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-list"):
        listed = subprocess.run(["fc-list", ":lang=zh:fontformat=TrueType", "file"],
                                capture_output=True, text=True, check=False).stdout
        for line in listed.splitlines():
            path = Path(line.split(":", 1)[0].strip())
            if path.suffix.lower() in (".ttf", ".ttc") and path.is_file():
                return path
    return None


def example_lines(name: str) -> list[str]:
    return (EXAMPLES_DIR / name).read_text(encoding="utf-8").splitlines()


def _table_rows(lines: list[str]) -> list[list[str]]:
    return [line.split("\t") for line in lines if "\t" in line]


# --- PDF -------------------------------------------------------------------------------------------------------

def make_pdf(lines: list[str], font: Path, *, user_password: str | None = None,
             font_size: float = 10.5) -> tuple[bytes, list[int]]:
    """A text-layer PDF of `lines` on A4 pages, long lines wrapped at the margin as a printer would.

    Returns the PDF and, for each input line, the 1-based page its first character is printed on.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font_name = "CJK"
    if font_name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(font_name, str(font), subfontIndex=0))
    encrypt = None
    if user_password is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption
        encrypt = StandardEncryption(user_password, ownerPassword=user_password + "-owner")
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt)
    width, height = A4
    margin = 25 * mm
    leading = font_size * 1.6
    text_width = width - 2 * margin
    y = height - margin
    page = 1
    line_pages: list[int] = []
    pdf.setFont(font_name, font_size)
    for line in lines:
        printed = line.replace("\t", "  ")
        pieces = _wrap(printed, lambda s: pdfmetrics.stringWidth(s, font_name, font_size), text_width)
        for index, piece in enumerate(pieces):
            if y < margin:
                pdf.showPage()
                pdf.setFont(font_name, font_size)
                page += 1
                y = height - margin
            if index == 0:
                line_pages.append(page)
            pdf.drawString(margin, y, piece)
            y -= leading
    pdf.showPage()
    pdf.save()
    return buffer.getvalue(), line_pages


def _wrap(line: str, width_of, max_width: float) -> list[str]:
    """Character wrap (CJK has no spaces to break at); an empty line stays one empty line."""
    pieces: list[str] = []
    current = ""
    current_width = 0.0
    for char in line:
        char_width = width_of(char)
        if current and current_width + char_width > max_width:
            pieces.append(current)
            current, current_width = "", 0.0
        current += char
        current_width += char_width
    pieces.append(current)
    return pieces


# --- DOCX ------------------------------------------------------------------------------------------------------

def make_docx(lines: list[str], *, note_row: str | None = None) -> bytes:
    """A Word document: paragraphs, and the tab-separated rows as one real table whose blank cells are merged
    with the cell above; `note_row` adds a last row merged across all columns."""
    from docx import Document

    document = Document()
    rows = _table_rows(lines)
    table_done = False
    for line in lines:
        if "\t" not in line:
            document.add_paragraph(line)
        elif not table_done:
            _add_table(document, rows, note_row)
            table_done = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_table(document, rows: list[list[str]], note_row: str | None) -> None:
    columns = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows) + (1 if note_row else 0), cols=columns)
    for r, row in enumerate(rows):
        for c in range(columns):
            value = row[c] if c < len(row) else ""
            if value == "" and r > 0:
                top = table.cell(r - 1, c)
                top.merge(table.cell(r, c))  # the merged cell keeps the text of the top cell
            else:
                table.cell(r, c).text = value
    if note_row:
        last = len(rows)
        merged = table.cell(last, 0).merge(table.cell(last, columns - 1))
        merged.text = note_row


# --- HTML ------------------------------------------------------------------------------------------------------

_PORTAL_HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}"><title>{title}_衢州市人民政府</title>
<script>var _hmt = _hmt || []; window.siteId = "3308000001";</script>
<style>.nav li{{float:left}}</style></head>
<body>
<div class="header"><div class="logo">衢州市人民政府</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/zwfw">政务服务</a></li>
<li><a href="/hdjl">互动交流</a></li><li><a href="/zjqz">走进衢州</a></li></ul>
<form class="search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/zfwj">政府文件</a></div>
<div class="main"><div class="sidebar"><h3>政府文件</h3><ul><li><a href="/a">市政府文件</a></li>
<li><a href="/b">市政府办公室文件</a></li><li><a href="/c">部门文件</a></li></ul></div>
<div class="article">
<h1 class="title">{title}</h1>
<div class="info">发布日期：2026-03-02 来源：市政府办公室 浏览次数：1024 字号：[大 中 小]</div>
<div class="article-content">
"""

_PORTAL_FOOT = """</div>
<div class="share">分享到：微信 微博 <a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div></div>
<div class="footer"><p>主办：衢州市人民政府办公室 承办：衢州市大数据中心</p>
<p>网站标识码：3308000001 浙ICP备00000000号 浙公网安备 33080202000001号</p>
<p>版权所有：衢州市人民政府 联系我们 网站地图</p></div>
<script>document.write('<span>访问统计</span>');</script>
</body></html>
"""


def make_portal_html(lines: list[str], *, charset: str = "utf-8") -> bytes:
    """A government-portal article page: header, navigation, breadcrumb, sidebar, footer and scripts around the
    article, whose body is `lines` as paragraphs and the tab-separated rows as a <table>."""
    title = html.escape(lines[0])
    body: list[str] = []
    rows = _table_rows(lines)
    table_done = False
    for line in lines[1:]:
        if "\t" in line:
            if not table_done:
                body.append(_html_table(rows))
                table_done = True
        elif line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
    page = _PORTAL_HEAD.format(title=title, charset=charset) + "\n".join(body) + "\n" + _PORTAL_FOOT
    return page.encode(charset)


def _html_table(rows: list[list[str]]) -> str:
    """Blank cells become rowspans of the cell above, as portals print merged cells."""
    spans: dict[tuple[int, int], int] = {}
    for c in range(max(len(row) for row in rows)):
        top = None
        for r, row in enumerate(rows):
            value = row[c] if c < len(row) else ""
            if value == "" and top is not None:
                spans[top] = spans.get(top, 1) + 1
                spans[(r, c)] = 0
            else:
                top = (r, c)
    out = ['<table border="1">']
    for r, row in enumerate(rows):
        tag = "th" if r == 0 else "td"
        cells = []
        for c, value in enumerate(row):
            span = spans.get((r, c), 1)
            if span == 0:
                continue
            rowspan = f' rowspan="{span}"' if span > 1 else ""
            cells.append(f"<{tag}{rowspan}>{html.escape(value)}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)
