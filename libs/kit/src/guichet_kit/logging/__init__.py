"""Structured JSON logging with request context (correlation id, tenant)."""

from guichet_kit.logging.context import (
    correlation_id_var,
    event_correlation_id,
    is_valid_correlation_id,
    new_correlation_id,
    tenant_id_var,
)
from guichet_kit.logging.formatter import JsonFormatter
from guichet_kit.logging.middleware import CORRELATION_HEADER, RequestContextMiddleware
from guichet_kit.logging.setup import ACCESS_LOGGER, configure_logging

__all__ = [
    "ACCESS_LOGGER",
    "CORRELATION_HEADER",
    "JsonFormatter",
    "RequestContextMiddleware",
    "configure_logging",
    "correlation_id_var",
    "event_correlation_id",
    "is_valid_correlation_id",
    "new_correlation_id",
    "tenant_id_var",
]
