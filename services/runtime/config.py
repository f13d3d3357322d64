"""Configuration from DUBAN_* environment variables, read once and validated up front (fail fast)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field


class ConfigError(SystemExit):
    """A missing or malformed setting: the process exits with a message naming the variable."""

    def __init__(self, message: str) -> None:
        super().__init__(f"duban: configuration error: {message}")


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    if not 0 <= value <= 65535 and name.endswith("_PORT"):
        raise ConfigError(f"{name}={value} is not a port number")
    return value


def _positive(env: dict[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 1:
        raise ConfigError(f"{name}={value} must be at least 1")
    return value


def _non_negative(env: dict[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 0:
        raise ConfigError(f"{name}={value} must not be negative")
    return value


def parse_api_tokens(raw: str) -> dict[str, frozenset[str]]:
    """`tok1=read,ingest;tok2=admin` → {token: scopes}. Empty → no tokens (open access)."""
    tokens: dict[str, frozenset[str]] = {}
    for entry in filter(None, (part.strip() for part in raw.split(";"))):
        token, sep, scopes = entry.partition("=")
        scope_set = frozenset(s.strip() for s in scopes.split(",") if s.strip())
        if not sep or not token.strip() or not scope_set:
            raise ConfigError("DUBAN_API_TOKENS entries must look like token=scope[,scope]")
        unknown = scope_set - {"read", "ingest", "admin"}
        if unknown:
            raise ConfigError(f"DUBAN_API_TOKENS has unknown scopes {sorted(unknown)}")
        tokens[token.strip()] = scope_set
    return tokens


@dataclass(frozen=True)
class Settings:
    nats_url: str
    database_url: str
    grpc_port: int = 50051
    metrics_port: int = 9464
    web_port: int = 8080
    log_level: str = "INFO"
    api_tokens: dict[str, frozenset[str]] = field(default_factory=dict)
    webhook_allow: tuple[str, ...] = ()
    smtp_url: str | None = None
    max_document_bytes: int = 50 * 1024 * 1024
    max_deliver: int = 5
    nats_replicas: int = 1
    db_pool_size: int = 20
    extract_processes: int = 1  # 0: extract in a thread of the service's own process

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, require_nats: bool = True,
                 require_database: bool = True) -> "Settings":
        env = dict(os.environ if env is None else env)
        nats_url = env.get("DUBAN_NATS_URL", "")
        database_url = env.get("DUBAN_DATABASE_URL", "")
        if require_nats and not nats_url:
            raise ConfigError("DUBAN_NATS_URL is required (e.g. nats://127.0.0.1:4222)")
        if require_database and not database_url:
            raise ConfigError("DUBAN_DATABASE_URL is required (e.g. postgresql+asyncpg://user@host/db)")
        if database_url and not database_url.startswith(("postgresql", "postgres")):
            raise ConfigError("DUBAN_DATABASE_URL must be a PostgreSQL URL")
        level = env.get("DUBAN_LOG_LEVEL", "INFO").upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ConfigError(f"DUBAN_LOG_LEVEL={level!r} is not one of DEBUG, INFO, WARNING, ERROR")
        allow = tuple(h.strip() for h in env.get("DUBAN_WEBHOOK_ALLOW", "").split(",") if h.strip())
        return cls(
            nats_url=nats_url,
            database_url=database_url,
            grpc_port=_int(env, "DUBAN_GRPC_PORT", 50051),
            metrics_port=_int(env, "DUBAN_METRICS_PORT", 9464),
            web_port=_int(env, "DUBAN_WEB_PORT", 8080),
            log_level=level,
            api_tokens=parse_api_tokens(env.get("DUBAN_API_TOKENS", "")),
            webhook_allow=allow,
            smtp_url=env.get("DUBAN_SMTP_URL") or None,
            max_document_bytes=_int(env, "DUBAN_MAX_DOCUMENT_BYTES", 50 * 1024 * 1024),
            max_deliver=_int(env, "DUBAN_MAX_DELIVER", 5),
            nats_replicas=_int(env, "DUBAN_NATS_REPLICAS", 1),
            db_pool_size=_positive(env, "DUBAN_DB_POOL_SIZE", 20),
            extract_processes=_non_negative(env, "DUBAN_EXTRACT_PROCESSES", 1),
        )
