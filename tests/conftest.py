"""Session-wide fixtures. Server fixtures (real nats-server and PostgreSQL) live in tests/servers.py."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
CORPUS_DIR = SHARED_DIR / "corpus"
GOLD_DIR = SHARED_DIR / "gold" / "dev"


def _require(path: Path) -> Path:
    if path.is_dir():
        return path
    reason = f"{path} is absent: corpus tests need ../shared beside the repository"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true makes its absence a failure)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """../shared/corpus; skips (fails under CI=true) when it is absent."""
    return _require(CORPUS_DIR)


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    """../shared/gold/dev; skips (fails under CI=true) when it is absent."""
    return _require(GOLD_DIR)
