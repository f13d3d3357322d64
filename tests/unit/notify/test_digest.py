"""Digest grouping: one message per (unit, document) with every new responsibility in document order."""
from __future__ import annotations

from services.notify.digest import (DeadlineInfo, DigestItem, DocumentInfo, TargetInfo, build_digest,
                                    clause_order, digest_data)
from services.notify.render import render_email

DOC = DocumentInfo("abc123", "衢政办发〔2026〕99号", "关于印发某某工作方案的通知", 1)
BASE = "http://web.example"


def item(path: str, unit: str = "市数据局", role: str = "lead", **kw) -> DigestItem:
    return DigestItem(path, f"条款{path}：推进数据共享。", unit, role, **kw)


def test_items_in_document_order_each_once() -> None:
    items = [item("2.10"), item("2.9"), item("table1/row/2"), item("1"), item("2.9"), item("2.9", role="support")]
    digest = build_digest("市数据局", DOC, items)
    assert [(i.clause_path, i.role) for i in digest.items] == [
        ("1", "lead"), ("2.9", "lead"), ("2.9", "support"), ("2.10", "lead"), ("table1/row/2", "lead")]


def test_clause_order_is_numeric() -> None:
    assert sorted(["10", "9", "2.11", "2.2"], key=clause_order) == ["2.2", "2.11", "9", "10"]


def test_data_carries_path_text_role_deadlines_targets_and_links() -> None:
    rich = item("3.1", unit="各县（市、区）政府", role="responsible",
                deadlines=(DeadlineInfo("6月底前", "2026-06-30", "due"),),
                targets=(TargetInfo("覆盖率达到90%以上", 90.0, "%", ">="),))
    data = digest_data(build_digest("龙游县人民政府", DOC, [rich, item("1")]), BASE)
    assert data["count"] == 2 and data["unit"] == "龙游县人民政府"
    first, second = data["responsibilities"]
    assert first["clause_path"] == "1"
    assert second == {**second, "clause_path": "3.1", "unit": "各县（市、区）政府", "role": "responsible",
                      "role_label": "责任单位", "text": "条款3.1：推进数据共享。"}
    assert second["deadlines"] == [{"text": "6月底前", "date": "2026-06-30", "kind": "due"}]
    assert second["targets"][0]["value"] == 90.0
    assert second["url"].startswith(BASE + "/documents/") and second["url"].endswith("#clause-3.1")


def test_item_json_round_trip() -> None:
    rich = item("3.1", deadlines=(DeadlineInfo("年底前", "2026-12-31", "due"),),
                targets=(TargetInfo("新增10家", 10.0, "家", ">="),))
    assert DigestItem.from_json(rich.to_json()) == rich


def test_digest_email_is_one_chinese_message_listing_all_items() -> None:
    items = [item(str(n), deadlines=(DeadlineInfo("6月底前", "2026-06-30", "due"),)) for n in range(1, 31)]
    content = render_email("responsibility.assigned", digest_data(build_digest("市数据局", DOC, items), BASE))
    assert "新增30项任务" in content.subject and "衢政办发〔2026〕99号" in content.subject
    assert content.text.count("6月底前（2026-06-30）") == 30
    assert content.html.count("<li>") == 30 and 'lang="zh-CN"' in content.html


def test_html_escapes_clause_text() -> None:
    data = digest_data(build_digest("市数据局", DOC, [DigestItem("1", "<script>x</script>", "市数据局", "lead")]),
                       BASE)
    assert "<script>" not in render_email("responsibility.assigned", data).html
