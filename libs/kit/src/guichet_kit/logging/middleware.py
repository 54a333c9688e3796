"""Pure ASGI middleware giving every HTTP request its logging context.

- correlation id: taken from ``X-Correlation-ID`` when it is safe (bounded length, safe
  charset), otherwise generated; stored in `correlation_id_var` and echoed in the response;
- one access log line per request (method, path, status, duration_ms), probes at DEBUG;
- an unexpected exception becomes a problem document here, inside the request's context, so
  the error log line and the response both carry the correlation id: a 500 logged with its
  traceback, or a 503 with ``Retry-After`` logged in one line when a dependency is away
  (`guichet_kit.errors.unavailable`).

Pure ASGI rather than BaseHTTPMiddleware: no extra task per request, and context variables set
by dependencies (e.g. the tenant) stay visible here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from guichet_kit.logging.context import (
    correlation_id_var,
    is_valid_correlation_id,
    new_correlation_id,
    tenant_id_var,
)
from guichet_kit.logging.setup import ACCESS_LOGGER

CORRELATION_HEADER = "X-Correlation-ID"
DEFAULT_QUIET_PATHS = ("/healthz", "/readyz")

_access_logger = logging.getLogger(ACCESS_LOGGER)


class RequestContextMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        header_name: str = CORRELATION_HEADER,
        access_log_level: int = logging.INFO,
        quiet_paths: Iterable[str] = DEFAULT_QUIET_PATHS,
    ) -> None:
        self.app = app
        self.header_name = header_name
        self.access_log_level = access_log_level
        self.quiet_paths = frozenset(quiet_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation_id = self._incoming_id(scope) or new_correlation_id()
        correlation_token = correlation_id_var.set(correlation_id)
        tenant_token = tenant_id_var.set(None)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                MutableHeaders(scope=message)[self.header_name] = correlation_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if _is_body_limit_signal(exc):
                raise
            # Imported here: guichet_kit.errors imports this package for the context variables.
            from guichet_kit.errors.handlers import unexpected_error_response

            response = unexpected_error_response(Request(scope), exc)
            if response_started:
                raise  # too late for a clean answer: let the server abort the connection
            await response(scope, receive, send_with_id)
        finally:
            self._log_access(scope, status, started)
            tenant_id_var.reset(tenant_token)
            correlation_id_var.reset(correlation_token)

    def _incoming_id(self, scope: Scope) -> str | None:
        value = Headers(scope=scope).get(self.header_name)
        return value if value and is_valid_correlation_id(value) else None

    def _log_access(self, scope: Scope, status: int, started: float) -> None:
        path: str = scope["path"]
        level = logging.DEBUG if path in self.quiet_paths else self.access_log_level
        if not _access_logger.isEnabledFor(level):
            return
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        _access_logger.log(
            level,
            "%s %s %d",
            scope["method"],
            path,
            status,
            extra={
                "method": scope["method"],
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
            },
        )


def _is_body_limit_signal(exc: Exception) -> bool:
    """Starlette's request body limiter (outside this middleware) uses exceptions as control
    flow: once it has answered 413 itself it raises to unwind the app. Not an error."""
    return type(exc).__module__ == "starlette.middleware.body_limit"
