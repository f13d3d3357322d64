"""The calendar documents are written in: dates in Chinese government documents are days in China (UTC+8, no
daylight saving), whatever the servers' time zone."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))


def local_day(now: datetime | None = None) -> date:
    """The day it is in China at `now` (default: this moment)."""
    return (now or datetime.now(timezone.utc)).astimezone(CHINA).date()
