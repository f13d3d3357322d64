"""Registry events (services/registry/events.py payloads) as one line of Chinese each, for the overview. Pure."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SUBJECT_LABELS = {
    "duban.registry.responsibility.assigned": "新增任务",
    "duban.registry.responsibility.removed": "撤销任务",
    "duban.registry.deadline.added": "新增时限",
    "duban.registry.deadline.changed": "时限变更",
    "duban.registry.document.repealed": "文件废止",
    "duban.registry.document.expired": "文件失效",
}
RELATION_LABELS = {"repeals": "废止", "expires": "终止", "amends": "修改"}


@dataclass(frozen=True)
class ChangeLine:
    label: str  # what happened
    doc_number: str  # the document it happened in (文号, or its title when it has none)
    document_id: str
    clause_path: str | None
    detail: str


def describe_event(subject: str, payload: dict[str, Any]) -> ChangeLine:
    document = payload.get("document") or {}
    doc_label = document.get("doc_number") or document.get("title") or "（无文号）"
    label = SUBJECT_LABELS.get(subject, subject)
    path, detail = None, ""
    if responsibility := payload.get("responsibility"):
        path = responsibility.get("clause_path")
        detail = f"{responsibility.get('unit', '')}：{responsibility.get('clause_text', '')}"
    elif deadline := payload.get("deadline"):
        path = deadline.get("clause_path")
        previous = payload.get("previous") or {}
        was = f"（原 {previous.get('date') or previous.get('status')}）" if previous else ""
        detail = f"{deadline.get('text', '')} → {deadline.get('date') or '无日期'}{was}"
    elif by := payload.get("repealed_by"):
        verb = RELATION_LABELS.get(payload.get("relation", ""), "废止")
        detail = f"被 {by.get('doc_number') or by.get('title') or ''} {verb}"
    elif expiry := payload.get("expiry_date"):
        detail = f"有效期至 {expiry}"
    return ChangeLine(label, doc_label, document.get("id", ""), path, detail)
