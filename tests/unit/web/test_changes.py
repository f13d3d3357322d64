from services.web.changes import describe_event

DOC = {"id": "abc", "doc_number": "衢政发〔2026〕5号", "title": "关于某事的通知", "version": 2}


def test_assigned_responsibility() -> None:
    line = describe_event("duban.registry.responsibility.assigned", {
        "document": DOC, "responsibility": {"clause_path": "1.2", "clause_text": "加强要素保障。", "unit": "市数据局"}})
    assert (line.label, line.doc_number, line.document_id, line.clause_path) == ("新增任务", "衢政发〔2026〕5号",
                                                                                  "abc", "1.2")
    assert line.detail == "市数据局：加强要素保障。"


def test_changed_deadline_shows_the_previous_date() -> None:
    line = describe_event("duban.registry.deadline.changed", {
        "document": DOC, "deadline": {"clause_path": "3", "text": "9月底前", "date": "2026-09-30"},
        "previous": {"date": "2026-06-30", "status": "open"}})
    assert line.label == "时限变更" and line.detail == "9月底前 → 2026-09-30（原 2026-06-30）"


def test_repealed_document() -> None:
    line = describe_event("duban.registry.document.repealed", {
        "document": {"id": "old", "doc_number": "衢政发〔2022〕9号"}, "relation": "repeals",
        "repealed_by": {"doc_number": "衢政发〔2026〕5号"}})
    assert (line.label, line.clause_path, line.detail) == ("文件废止", None, "被 衢政发〔2026〕5号 废止")


def test_expired_document() -> None:
    line = describe_event("duban.registry.document.expired", {
        "document": {"id": "d2", "doc_number": "衢政发〔2023〕8号"}, "expiry_date": "2025-12-31",
        "cancelled_deadlines": 2})
    assert (line.label, line.doc_number, line.detail) == ("文件失效", "衢政发〔2023〕8号", "有效期至 2025-12-31")


def test_unknown_subject_and_document_without_number() -> None:
    line = describe_event("duban.registry.other", {"document": {"id": "x", "doc_number": None, "title": "某方案"}})
    assert (line.label, line.doc_number, line.detail) == ("duban.registry.other", "某方案", "")
