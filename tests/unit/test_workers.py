"""`duban up`'s worker processes: how many by default, and each one's own metrics port."""
from __future__ import annotations

import pytest

from services.workers import default_worker_count, worker_env


@pytest.mark.parametrize("cpus, expected", [(1, 0), (2, 1), (4, 3), (64, 3)])
def test_one_worker_per_further_core_at_most_three(cpus: int, expected: int) -> None:
    assert default_worker_count(cpus) == expected


def test_workers_serve_metrics_on_the_next_ports_or_not_at_all() -> None:
    env = {"DUBAN_METRICS_PORT": "9464", "DUBAN_NATS_URL": "nats://x:4222"}
    assert [worker_env(env, i)["DUBAN_METRICS_PORT"] for i in range(3)] == ["9465", "9466", "9467"]
    assert worker_env(env, 0)["DUBAN_NATS_URL"] == "nats://x:4222"
    assert worker_env({"DUBAN_METRICS_PORT": "0"}, 1)["DUBAN_METRICS_PORT"] == "0"
    assert env["DUBAN_METRICS_PORT"] == "9464"  # the main process's own setting is left alone


def test_up_takes_a_worker_count_of_zero_or_more() -> None:
    from services.cli import build_parser
    assert build_parser().parse_args(["up", "--workers", "0"]).workers == 0
    assert build_parser().parse_args(["up"]).workers is None  # one per further core
    with pytest.raises(SystemExit):
        build_parser().parse_args(["up", "--workers", "-1"])
