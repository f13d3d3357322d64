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


# --- real servers, one of each per test session -------------------------------------------------------------
@pytest.fixture(scope="session")
def server_data_dir():
    """Server state for this session. Under /tmp with mode 0755: as root, PostgreSQL runs as an unprivileged
    user who must be able to traverse to it (pytest's own tmp dirs are 0700)."""
    import shutil
    import tempfile
    path = Path(tempfile.mkdtemp(prefix="duban-test-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def nats_server(server_data_dir):
    """A real nats-server with JetStream; yields its URL."""
    from services.runtime.embedded import start_nats
    server = start_nats(server_data_dir / "nats")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def nats_url(nats_server) -> str:
    return nats_server.url


@pytest.fixture(scope="session")
def postgres_server(server_data_dir):
    from services.runtime.embedded import start_postgres
    server = start_postgres(server_data_dir / "pg")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_url(postgres_server) -> str:
    """URL of a real PostgreSQL database (postgresql+asyncpg://...), empty, not migrated."""
    return postgres_server.url


async def create_database(database_url: str, name: str) -> str:
    """Create a fresh, empty database on the test server (for tests that need isolation); returns its URL."""
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return database_url.rsplit("/", 1)[0] + "/" + name
