"""Settings from the environment: defaults, and a clear ConfigError for a value that cannot work."""
from __future__ import annotations

import pytest

from services.runtime.config import ConfigError, Settings

BASE = {"DUBAN_NATS_URL": "nats://127.0.0.1:4222", "DUBAN_DATABASE_URL": "postgresql://duban@127.0.0.1/duban"}


def test_defaults():
    settings = Settings.from_env(BASE)
    assert (settings.grpc_port, settings.max_deliver, settings.db_pool_size, settings.extract_processes) == (
        50051, 5, 20, 1)


@pytest.mark.parametrize(("name", "raw", "expected"), [
    ("DUBAN_DB_POOL_SIZE", "40", 40),
    ("DUBAN_MAX_DELIVER", "3", 3),
    ("DUBAN_GRPC_PORT", "6000", 6000),
    ("DUBAN_EXTRACT_PROCESSES", "0", 0),
])
def test_values_are_read(name, raw, expected):
    field = {"DUBAN_DB_POOL_SIZE": "db_pool_size", "DUBAN_MAX_DELIVER": "max_deliver",
             "DUBAN_GRPC_PORT": "grpc_port", "DUBAN_EXTRACT_PROCESSES": "extract_processes"}[name]
    assert getattr(Settings.from_env({**BASE, name: raw}), field) == expected


@pytest.mark.parametrize(("env", "message"), [
    ({"DUBAN_DB_POOL_SIZE": "0"}, "DUBAN_DB_POOL_SIZE=0 must be at least 1"),
    ({"DUBAN_DB_POOL_SIZE": "many"}, "is not an integer"),
    ({"DUBAN_GRPC_PORT": "70000"}, "is not a port number"),
    ({"DUBAN_EXTRACT_PROCESSES": "-1"}, "DUBAN_EXTRACT_PROCESSES=-1 must not be negative"),
    ({"DUBAN_DATABASE_URL": "mysql://x"}, "must be a PostgreSQL URL"),
    ({"DUBAN_NATS_URL": ""}, "DUBAN_NATS_URL is required"),
])
def test_bad_values_fail_fast_with_the_variable_named(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({**BASE, **env})
