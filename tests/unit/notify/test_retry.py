"""The retry schedule (Standard Webhooks): 0 s, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, with jitter."""
from __future__ import annotations

import random

import pytest

from services.notify.deliveries import JITTER, RETRY_SCHEDULE, body_bytes, envelope, retry_delay


def test_schedule_is_the_specs() -> None:
    assert RETRY_SCHEDULE == (0, 5, 300, 1800, 7200, 18000, 36000, 36000)


@pytest.mark.parametrize("attempts_made, base", list(enumerate(RETRY_SCHEDULE)))
def test_delay_stays_within_jitter_of_the_schedule(attempts_made: int, base: float) -> None:
    rng = random.Random(attempts_made)
    delays = [retry_delay(attempts_made, rng=rng) for _ in range(200)]
    assert all(base * (1 - JITTER) <= d <= base * (1 + JITTER) for d in delays)
    if base:
        assert len(set(delays)) > 100  # jittered, not fixed


def test_no_attempt_after_the_last() -> None:
    assert retry_delay(len(RETRY_SCHEDULE)) is None
    assert retry_delay(2, schedule=(0, 0.01)) is None


def test_body_is_identical_however_the_payload_was_stored() -> None:
    from datetime import datetime, timezone
    payload = envelope("notify.test", datetime(2026, 3, 1, tzinfo=timezone.utc), {"unit": "市数据局", "b": 1})
    reordered = {"data": {"b": 1, "unit": "市数据局"}, "timestamp": payload["timestamp"], "type": "notify.test"}
    assert body_bytes(payload) == body_bytes(reordered)
    assert "市数据局".encode() in body_bytes(payload)
