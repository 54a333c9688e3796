"""Process-wide logging setup: JSON lines on stdout, uvicorn's loggers routed through it."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from guichet_kit.logging.formatter import JsonFormatter

ACCESS_LOGGER = "guichet.access"
_HANDLER_MARK = "_guichet_handler"


def configure_logging(
    service_name: str, level: str | int = "INFO", *, stream: TextIO | None = None
) -> logging.Handler:
    """Install (or replace) the JSON handler on the root logger.

    Only the handler installed by a previous call is replaced, so handlers added by others
    (pytest's caplog, an APM agent) keep working. Returns the installed handler.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter(service_name))
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    _route_uvicorn_logs()
    return handler


def _route_uvicorn_logs() -> None:
    # uvicorn installs its own text handlers before importing the app: send its error log
    # through ours, and silence its access log (RequestContextMiddleware writes one line per
    # request, with the correlation id).
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True
