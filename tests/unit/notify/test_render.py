"""E-mail text of reminders and test messages (digests are in test_digest.py)."""
from __future__ import annotations

import pytest

from services.notify.render import render_email


def reminder(days_left: int, status: str, label: str) -> dict:
    return {"unit": "市数据局", "unit_url": "http://web/units/x",
            "document": {"id": "d1", "doc_number": "衢政办发〔2026〕99号", "title": "关于某某工作的通知",
                         "version": 1, "url": "http://web/documents/d1"},
            "clause_path": "2.3", "clause_text": "完成数据平台建设。",
            "deadline": {"text": "6月底前", "date": "2026-06-30", "kind": "due"},
            "days_left": days_left, "offset_days": max(days_left, -1), "status": status, "status_label": label,
            "responsibilities": [{"unit": "市数据局", "role": "lead", "role_label": "牵头单位"}],
            "url": "http://web/documents/d1#clause-2.3"}


@pytest.mark.parametrize("days_left, status, label, phrase", [
    (30, "green", "正常", "还有30天到期"),
    (7, "yellow", "7天内到期", "还有7天到期"),
    (0, "red", "3天内到期", "今天到期"),
    (-1, "overdue", "已逾期", "已逾期1天"),
])
def test_reminder_says_when_and_how_urgent(days_left, status, label, phrase) -> None:
    content = render_email("deadline.reminder", reminder(days_left, status, label))
    assert phrase in content.subject and f"提醒·{label}" in content.subject
    assert "第2.3条" in content.text and "市数据局（牵头单位）" in content.text
    assert 'href="http://web/documents/d1#clause-2.3"' in content.html


def test_test_message() -> None:
    content = render_email("notify.test", {"unit": "市数据局", "subscription_id": 1})
    assert "测试" in content.subject and "市数据局" in content.text
