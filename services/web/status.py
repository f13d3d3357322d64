"""The traffic light of a deadline, the same on every page and in every count."""
from __future__ import annotations

from datetime import date

YELLOW_DAYS = 7
RED_DAYS = 3
SOON_DAYS = 30  # "due soon" in the counts

LIGHTS = ("overdue", "red", "yellow", "green")
LIGHT_LABELS = {"overdue": "已逾期", "red": "3天内到期", "yellow": "7天内到期", "green": "正常", "none": "无期限"}


def traffic_light(due: date, today: date) -> str:
    """`overdue` after the due day, `red` within 3 days, `yellow` within 7, else `green` (the due day counts as 0)."""
    days = (due - today).days
    if days < 0:
        return "overdue"
    if days <= RED_DAYS:
        return "red"
    if days <= YELLOW_DAYS:
        return "yellow"
    return "green"


def light_of(due: date | None, today: date) -> str:
    """The light, or `none` for a task without a dated deadline."""
    return "none" if due is None else traffic_light(due, today)


def due_soon(due: date | None, today: date) -> bool:
    return due is not None and 0 <= (due - today).days <= SOON_DAYS
