from datetime import date

from services.web.tasks import Counts, Task, count_tasks, filter_tasks, group_by_document

TODAY = date(2026, 7, 1)


def _task(doc: str, ord_: int, due: date | None) -> Task:
    return Task(doc, f"衢政发〔2026〕{doc}号", None, ord_, str(ord_), "条文", ("市数据局",), ("责任",), (), due)


TASKS = [_task("5", 1, None), _task("5", 2, date(2026, 6, 30)), _task("3", 4, date(2026, 7, 20)),
         _task("3", 1, date(2026, 12, 31)), _task("8", 9, date(2026, 7, 3))]


def test_counts() -> None:
    assert count_tasks(TASKS, TODAY) == Counts(tasks=5, due_soon=2, overdue=1)


def test_filters_by_light_and_document() -> None:
    assert [t.clause_ord for t in filter_tasks(TASKS, TODAY, light="overdue")] == [2]
    assert [t.clause_ord for t in filter_tasks(TASKS, TODAY, light="none")] == [1]
    assert [t.clause_ord for t in filter_tasks(TASKS, TODAY, document_id="3")] == [4, 1]
    assert filter_tasks(TASKS, TODAY, light="red", document_id="3") == []
    assert filter_tasks(TASKS, TODAY) == TASKS


def test_groups_by_document_most_urgent_first() -> None:
    groups = group_by_document(TASKS)
    assert [g.document_id for g in groups] == ["5", "8", "3"]
    assert [t.clause_ord for t in groups[0].tasks] == [2, 1]  # dated before undated
    assert [t.clause_ord for t in groups[2].tasks] == [4, 1]
