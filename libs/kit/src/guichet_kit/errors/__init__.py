"""Errors rendered as RFC 9457 problem documents, with translated messages."""

from guichet_kit.errors.exceptions import (
    BadRequest,
    Conflict,
    Forbidden,
    GuichetError,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    Unauthorized,
    Unprocessable,
    UnsupportedMediaType,
)
from guichet_kit.errors.handlers import install_error_handlers
from guichet_kit.errors.problem import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPE_BASE,
    ProblemResponse,
    internal_error_response,
    problem_response,
)
from guichet_kit.errors.unavailable import (
    DependencyUnavailable,
    log_outage,
    outage_error,
    unavailable_dependency,
)

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPE_BASE",
    "BadRequest",
    "Conflict",
    "DependencyUnavailable",
    "Forbidden",
    "GuichetError",
    "NotFound",
    "PayloadTooLarge",
    "ProblemResponse",
    "ServiceUnavailable",
    "Unauthorized",
    "Unprocessable",
    "UnsupportedMediaType",
    "install_error_handlers",
    "internal_error_response",
    "log_outage",
    "outage_error",
    "problem_response",
    "unavailable_dependency",
]
