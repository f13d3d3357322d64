"""A unit's open tasks as the unit page shows them: counts, filters and grouping by document. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.web.status import due_soon, light_of

ROLE_LABELS = {1: "牵头", 2: "配合", 3: "责任"}


@dataclass(frozen=True)
class Task:
    """One clause a unit must act on (its roles merged when the unit is named more than once)."""
    document_id: str
    doc_number: str | None
    title: str | None
    clause_ord: int
    clause_path: str
    clause_text: str
    units: tuple[str, ...]  # as printed, e.g. 市经信局 or 各县（市、区）政府
    roles: tuple[str, ...]  # 牵头 / 配合 / 责任
    officials: tuple[str, ...]
    due: date | None
    deadlines: tuple[str, ...] = ()  # as printed, with their dates
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Counts:
    tasks: int
    due_soon: int  # due within 30 days
    overdue: int


@dataclass
class DocumentGroup:
    document_id: str
    doc_number: str | None
    title: str | None
    tasks: list[Task] = field(default_factory=list)


def count_tasks(tasks: list[Task], today: date) -> Counts:
    return Counts(len(tasks), sum(due_soon(t.due, today) for t in tasks),
                  sum(t.due is not None and t.due < today for t in tasks))


def filter_tasks(tasks: list[Task], today: date, *, light: str | None = None,
                 document_id: str | None = None) -> list[Task]:
    """Tasks with the given traffic light (`none` = no deadline) and/or in the given document."""
    return [t for t in tasks if (not light or light_of(t.due, today) == light)
            and (not document_id or t.document_id == document_id)]


def group_by_document(tasks: list[Task]) -> list[DocumentGroup]:
    """Groups in order of each document's most urgent task (undated last), tasks by due date then clause."""
    groups: dict[str, DocumentGroup] = {}
    for task in sorted(tasks, key=_urgency):
        groups.setdefault(task.document_id, DocumentGroup(task.document_id, task.doc_number, task.title)
                          ).tasks.append(task)
    return list(groups.values())


def _urgency(task: Task) -> tuple:
    return (task.due is None, task.due or date.max, task.document_id, task.clause_ord)
