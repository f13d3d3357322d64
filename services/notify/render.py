"""E-mail text for each event type, in Chinese, plain and HTML, from the same `data` the webhook carries."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str


def _doc_name(document: dict) -> str:
    title = document.get("title") or "（无标题）"
    return f"{title}（{document['doc_number']}）" if document.get("doc_number") else title


def _deadline_text(deadline: dict) -> str:
    return f"{deadline['text']}（{deadline['date']}）" if deadline.get("date") else deadline["text"]


def _html(title: str, paragraphs: list[str], items: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    listing = "<ol>" + "".join(f"<li>{i}</li>" for i in items) + "</ol>" if items else ""
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body>{body}{listing}<p>——督办系统自动发送</p></body></html>")


def digest_email(data: dict) -> EmailContent:
    doc = data["document"]
    name = _doc_name(doc)
    subject = f"【督办】{data['unit']}：《{name}》新增{data['count']}项任务"
    lines = [f"{data['unit']}：", f"《{name}》中有{data['count']}项任务涉及贵单位：", ""]
    items_html = []
    for n, item in enumerate(data["responsibilities"], 1):
        lines.append(f"{n}. 第{item['clause_path']}条（{item['role_label']}：{item['unit']}）")
        lines.append(f"   {item['text']}")
        details = []
        if item["deadlines"]:
            details.append("时限：" + "；".join(_deadline_text(d) for d in item["deadlines"]))
        if item["targets"]:
            details.append("目标：" + "；".join(t["text"] for t in item["targets"]))
        lines += [f"   {d}" for d in details]
        lines.append(f"   {item['url']}")
        items_html.append(
            f'<p><a href="{escape(item["url"])}">第{escape(item["clause_path"])}条</a>'
            f"（{escape(item['role_label'])}：{escape(item['unit'])}）</p><p>{escape(item['text'])}</p>"
            + "".join(f"<p>{escape(d)}</p>" for d in details))
    lines += ["", f"全文：{doc['url']}", f"本单位全部任务：{data['unit_url']}"]
    paragraphs = [f"{escape(data['unit'])}：",
                  f'<a href="{escape(doc["url"])}">《{escape(name)}》</a>中有{data["count"]}项任务涉及贵单位：']
    return EmailContent(subject, "\n".join(lines) + "\n", _html(subject, paragraphs, items_html))


def reminder_email(data: dict) -> EmailContent:
    doc = data["document"]
    deadline = _deadline_text(data["deadline"])
    days = data["days_left"]
    when = f"已逾期{-days}天" if days < 0 else ("今天到期" if days == 0 else f"还有{days}天到期")
    subject = f"【督办提醒·{data['status_label']}】{data['unit']}：{deadline}，{when}"
    roles = "、".join(f"{r['unit']}（{r['role_label']}）" for r in data["responsibilities"])
    lines = [f"{data['unit']}：", f"《{_doc_name(doc)}》第{data['clause_path']}条的时限{deadline}，{when}。",
             f"状态：{data['status_label']}", f"责任：{roles}", f"任务：{data['clause_text']}", f"详情：{data['url']}"]
    paragraphs = [escape(line) for line in lines[:-1]] + [f'<a href="{escape(data["url"])}">查看条款</a>']
    return EmailContent(subject, "\n".join(lines) + "\n", _html(subject, paragraphs, []))


def deadline_changed_email(data: dict) -> EmailContent:
    deadline, previous = data["deadline"], data["previous"]
    was = previous.get("date") or "无日期"
    if deadline.get("status") == "removed":
        change = "已取消"
    elif previous.get("status") == "added":
        change = f"新增，{deadline.get('date') or '无具体日期'}"
    else:
        change = f"由{was}调整为{deadline.get('date') or '无日期'}"
    subject = f"【督办】{data['unit']}：时限{change}（{deadline['text']}）"
    where = f"《{_doc_name(data['document'])}》第{data['clause_path']}条"
    lines = [f"{data['unit']}：", f"{where}的时限“{deadline['text']}”{change}。",
             f"任务：{data['clause_text']}", f"详情：{data['url']}"]
    return EmailContent(subject, "\n".join(lines) + "\n", _html(subject, [escape(line) for line in lines], []))


def responsibility_removed_email(data: dict) -> EmailContent:
    where = f"《{_doc_name(data['document'])}》第{data['clause_path']}条"
    subject = f"【督办】{data['unit']}：{where}的任务已撤销"
    lines = [f"{data['unit']}：", f"{where}的新版本不再列贵单位为{data['role_label']}，该项任务不再督办。",
             f"原任务：{data['clause_text']}", f"详情：{data['url']}"]
    return EmailContent(subject, "\n".join(lines) + "\n", _html(subject, [escape(line) for line in lines], []))


def document_repealed_email(data: dict) -> EmailContent:
    verb = "废止" if data.get("relation") == "repeals" else "宣布失效"
    name, by = _doc_name(data["document"]), _doc_name(data["repealed_by"])
    subject = f"【督办】{data['unit']}：《{name}》已被{verb}"
    when = f"，自{data['effective_date']}起" if data.get("effective_date") else ""
    lines = [f"{data['unit']}：", f"《{name}》已被《{by}》{verb}{when}。",
             f"贵单位在该文件中的{data['tasks']}项任务不再督办，相关时限提醒已停止。", f"详情：{data['document']['url']}"]
    return EmailContent(subject, "\n".join(lines) + "\n", _html(subject, [escape(line) for line in lines], []))


def sendtest_email(data: dict) -> EmailContent:
    subject = f"【督办】订阅测试：{data['unit']}"
    text = f"{data['unit']}：这是一封测试邮件，说明督办系统能把通知送到这个地址。\n"
    return EmailContent(subject, text, _html(subject, [escape(text.strip())], []))


RENDERERS = {"responsibility.assigned": digest_email, "deadline.reminder": reminder_email,
             "deadline.changed": deadline_changed_email, "document.repealed": document_repealed_email,
             "responsibility.removed": responsibility_removed_email,
             "notify.test": sendtest_email}


def render_email(event_type: str, data: dict) -> EmailContent:
    return RENDERERS[event_type](data)
