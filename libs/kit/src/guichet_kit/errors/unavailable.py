"""A dependency that is away (PostgreSQL restarting, NATS reconnecting), told apart from a bug.

`unavailable_dependency` names the dependency an exception says is unreachable: a request
failing that way is answered 503 with ``Retry-After`` (`DependencyUnavailable`) and logged in
one line without a traceback; a consumer retries the event instead of dead-lettering it.
"""

from __future__ import annotations

import errno
import logging
import socket
from collections.abc import Iterator
from types import TracebackType

import asyncpg
import nats.errors
from sqlalchemy.exc import DBAPIError

from guichet_kit.errors.exceptions import ServiceUnavailable
from guichet_kit.i18n import N_

logger = logging.getLogger("guichet.errors")

DATABASE = "database"
NATS = "nats"
NETWORK = "network"
RETRY_AFTER_SECONDS = 5

_DATABASE_ERRORS = (
    asyncpg.PostgresConnectionError,  # lost or never made
    asyncpg.CannotConnectNowError,  # starting up
    asyncpg.AdminShutdownError,  # restarting, or the backend terminated
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
)
_NATS_ERRORS = (
    nats.errors.ConnectionClosedError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.NoServersError,
    nats.errors.OutboundBufferLimitError,
    nats.errors.StaleConnectionError,
    nats.errors.NoRespondersError,
    nats.errors.TimeoutError,
)
_NETWORK_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EPIPE,
        errno.ENETDOWN,
        errno.ENETUNREACH,
        errno.EHOSTDOWN,
        errno.EHOSTUNREACH,
        errno.ETIMEDOUT,
        errno.EADDRNOTAVAIL,
    }
)
# Whose code was running when a socket failed: the innermost frame of one of these.
_CLIENT_LIBRARIES = {"asyncpg": DATABASE, "sqlalchemy": DATABASE, "nats": NATS}
_CHAIN_DEPTH = 5  # SQLAlchemy wraps the driver's error, which may wrap the socket's


class DependencyUnavailable(ServiceUnavailable):
    """503 with ``Retry-After``: a dependency is away; the same request may succeed soon.
    Rendered without a traceback in the log: `log_outage` writes its one line."""

    code = "service.dependency_unavailable"
    message_key = N_("error.dependency_unavailable")

    def __init__(self, dependency: str, cause: str = "") -> None:
        super().__init__(
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)}, seconds=RETRY_AFTER_SECONDS
        )
        self.dependency = dependency
        self.cause = cause

    @property
    def reason(self) -> str:
        """What said the dependency is away: the cause given, else the exception raised from."""
        if self.cause or self.__cause__ is None:
            return self.cause
        return _one_line(self.__cause__)


def unavailable_dependency(exc: BaseException) -> str | None:
    """`DATABASE`, `NATS` or `NETWORK` when `exc` (or what it wraps) says a dependency cannot
    be reached or went away mid-request; None for anything else (a bug, a refused input, an
    error PostgreSQL reported about the statement)."""
    found = _outage(exc)
    return found[0] if found else None


def outage_error(exc: BaseException) -> DependencyUnavailable | None:
    """The 503 to answer instead of `exc` when it is an outage; None otherwise."""
    found = _outage(exc)
    if found is None:
        return None
    if isinstance(exc, DependencyUnavailable):
        return exc
    dependency, cause = found
    return DependencyUnavailable(dependency, _one_line(cause))


def log_outage(error: DependencyUnavailable) -> None:
    """One warning line naming the dependency and what said it is away; no traceback."""
    logger.warning(
        "%s unavailable: %s", error.dependency, error.reason, extra={"dependency": error.dependency}
    )


def _one_line(exc: BaseException) -> str:
    message = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {message}"[:200]


def _outage(exc: BaseException) -> tuple[str, BaseException] | None:
    for seen in _chain(exc):
        if isinstance(seen, DependencyUnavailable):
            return seen.dependency, seen
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return DATABASE, seen.orig or seen
        if isinstance(seen, _DATABASE_ERRORS):
            return DATABASE, seen
        if isinstance(seen, _NATS_ERRORS):
            return NATS, seen
        if isinstance(seen, OSError) and _is_network(seen):
            return _client_of(seen.__traceback__) or NETWORK, seen
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = exc
    for _ in range(_CHAIN_DEPTH):
        if seen is None:
            return
        yield seen
        seen = seen.orig if isinstance(seen, DBAPIError) else seen.__cause__ or seen.__context__


def _is_network(exc: OSError) -> bool:
    """A socket's failure, not a file's (a FileNotFoundError is a bug, not an outage).
    asyncio reports several failed addresses as one OSError without errno."""
    if isinstance(exc, ConnectionError | TimeoutError | socket.gaierror):
        return True
    if exc.errno is None:
        return _client_of(exc.__traceback__) is not None
    return exc.errno in _NETWORK_ERRNOS


def _client_of(traceback: TracebackType | None) -> str | None:
    found = None
    while traceback is not None:
        module = str(traceback.tb_frame.f_globals.get("__name__", ""))
        found = _CLIENT_LIBRARIES.get(module.partition(".")[0], found)
        traceback = traceback.tb_next
    return found
