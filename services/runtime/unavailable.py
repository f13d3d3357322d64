"""Tell "a dependency is unreachable right now" from "this message is bad": the first must not use up a
message's delivery attempts (a PostgreSQL restart would otherwise dead-letter every document in flight).
Plain timeouts are not on the list: a slow query can be the message's own fault, and must not block a consumer."""
from __future__ import annotations

import asyncpg
import nats.errors
from sqlalchemy import exc as sa_exc

_UNAVAILABLE = (
    ConnectionError,  # refused, reset, aborted
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.CannotConnectNowError,  # "the database system is starting up"
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.AdminShutdownError, asyncpg.exceptions.CrashShutdownError,
    nats.errors.ConnectionClosedError, nats.errors.ConnectionReconnectingError, nats.errors.TimeoutError,
    nats.errors.NoRespondersError, nats.errors.StaleConnectionError, nats.errors.OutboundBufferLimitError,
)

_NOT_NETWORK = (TimeoutError, FileNotFoundError, PermissionError)  # OSErrors that say nothing about a server


def is_unavailable(exc: BaseException) -> bool:
    """True when `exc`, or an exception it was raised from, says a server could not be reached."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _UNAVAILABLE):
            return True
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True  # SQLAlchemy recognised a lost connection ("connection is closed", …)
        if isinstance(current, OSError) and not isinstance(current, _NOT_NETWORK):
            return True  # socket-level failures (EHOSTUNREACH, ENETUNREACH, …)
        current = current.__cause__ or current.__context__
    return False
