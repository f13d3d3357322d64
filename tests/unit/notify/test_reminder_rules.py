"""Which reminder is due on a day, and the traffic light it carries."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from services.notify.reminders import deadline_key, due_offset, local_day
from services.notify.subscriptions import DEFAULT_REMINDER_OFFSETS
from services.web.status import traffic_light

DUE = date(2026, 6, 30)


@pytest.mark.parametrize("today, expected", [
    (date(2026, 5, 30), None),   # 31 days before: nothing yet
    (date(2026, 5, 31), 30),     # 30 days before
    (date(2026, 6, 10), 30),     # still the 30-day one (sent once: the key stops a second)
    (date(2026, 6, 23), 7),
    (date(2026, 6, 27), 3),
    (date(2026, 6, 29), 1),
    (date(2026, 6, 30), 0),      # the day itself
    (date(2026, 7, 1), -1),      # overdue
    (date(2026, 7, 20), -1),
    (date(2026, 9, 30), None),   # missed by more than 60 days: no longer sent
])
def test_due_offset_default(today: date, expected: int | None) -> None:
    assert due_offset(DUE, today, DEFAULT_REMINDER_OFFSETS) == expected


def test_deadline_first_seen_late_gets_only_the_latest_reminder() -> None:
    assert due_offset(DUE, date(2026, 6, 28), DEFAULT_REMINDER_OFFSETS) == 3


def test_custom_offsets() -> None:
    assert due_offset(DUE, date(2026, 6, 16), (14,)) == 14
    assert due_offset(DUE, date(2026, 7, 5), (14,)) == 14
    assert due_offset(DUE, date(2026, 6, 15), (14,)) is None


@pytest.mark.parametrize("today, light", [
    (date(2026, 6, 1), "green"), (date(2026, 6, 22), "green"), (date(2026, 6, 23), "yellow"),
    (date(2026, 6, 27), "red"), (date(2026, 6, 30), "red"), (date(2026, 7, 1), "overdue"),
])
def test_traffic_light(today: date, light: str) -> None:
    assert traffic_light(DUE, today) == light


def test_day_is_chinas() -> None:
    assert local_day(datetime(2026, 6, 29, 16, 30, tzinfo=timezone.utc)) == date(2026, 6, 30)


def test_deadline_key_changes_with_the_date_only() -> None:
    key = deadline_key("d1", "2.3", "6月底前", DUE)
    assert key == deadline_key("d1", "2.3", "6月底前", DUE)
    assert key != deadline_key("d1", "2.3", "6月底前", date(2026, 7, 31))
