from datetime import date

import pytest

from services.web.status import due_soon, light_of, traffic_light

TODAY = date(2026, 7, 1)


@pytest.mark.parametrize("due, light", [
    (date(2026, 6, 30), "overdue"),   # yesterday
    (date(2025, 12, 31), "overdue"),
    (date(2026, 7, 1), "red"),        # due today: not yet overdue
    (date(2026, 7, 4), "red"),        # 3 days left
    (date(2026, 7, 5), "yellow"),     # 4 days left
    (date(2026, 7, 8), "yellow"),     # 7 days left
    (date(2026, 7, 9), "green"),      # 8 days left
    (date(2027, 3, 1), "green"),
])
def test_traffic_light(due: date, light: str) -> None:
    assert traffic_light(due, TODAY) == light


def test_a_task_without_a_dated_deadline_has_no_light() -> None:
    assert light_of(None, TODAY) == "none"
    assert light_of(date(2026, 7, 2), TODAY) == "red"


@pytest.mark.parametrize("due, soon", [(None, False), (date(2026, 6, 30), False), (date(2026, 7, 1), True),
                                       (date(2026, 7, 31), True), (date(2026, 8, 1), False)])
def test_due_soon_means_within_30_days(due, soon) -> None:
    assert due_soon(due, TODAY) is soon
