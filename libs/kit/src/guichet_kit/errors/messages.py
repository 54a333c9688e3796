"""The kit's message keys chosen from data: problem titles and default details per HTTP
status, and the message of each pydantic error type. Their texts are in the kit's catalogue
(``guichet_kit/locale``).

`validation_key` also finds ``validation.<type>`` keys a service defines for its own
pydantic error types (e.g. a `PydanticCustomError("report.outside_tenant", ...)`).
"""

from __future__ import annotations

from guichet_kit.i18n import N_

DEFAULT_TITLE_KEY = N_("problem.title.default")

STATUS_TITLE_KEYS: dict[int, str] = {
    400: N_("problem.title.400"),
    401: N_("problem.title.401"),
    403: N_("problem.title.403"),
    404: N_("problem.title.404"),
    405: N_("problem.title.405"),
    406: N_("problem.title.406"),
    408: N_("problem.title.408"),
    409: N_("problem.title.409"),
    410: N_("problem.title.410"),
    412: N_("problem.title.412"),
    413: N_("problem.title.413"),
    415: N_("problem.title.415"),
    422: N_("problem.title.422"),
    428: N_("problem.title.428"),
    429: N_("problem.title.429"),
    500: N_("problem.title.500"),
    502: N_("problem.title.502"),
    503: N_("problem.title.503"),
    504: N_("problem.title.504"),
}

# Default detail message per HTTP status (used when an error carries no specific message).
STATUS_DETAIL_KEYS: dict[int, str] = {
    400: N_("error.bad_request"),
    401: N_("error.unauthorized"),
    403: N_("error.forbidden"),
    404: N_("error.not_found"),
    405: N_("error.method_not_allowed"),
    406: N_("error.not_acceptable"),
    409: N_("error.conflict"),
    413: N_("error.payload_too_large"),
    415: N_("error.unsupported_media_type"),
    422: N_("error.unprocessable"),
    429: N_("error.too_many_requests"),
    500: N_("error.internal"),
    503: N_("error.service_unavailable"),
}


def _same(key: str, *error_types: str) -> dict[str, str]:
    return dict.fromkeys(error_types, key)


# pydantic error type → message key (several types share one message).
VALIDATION_KEYS: dict[str, str] = {
    **_same(N_("validation.missing"), "missing"),
    **_same(N_("validation.extra_forbidden"), "extra_forbidden"),
    **_same(N_("validation.string_type"), "string_type"),
    **_same(N_("validation.string_too_short"), "string_too_short"),
    **_same(N_("validation.string_too_long"), "string_too_long"),
    **_same(N_("validation.string_pattern_mismatch"), "string_pattern_mismatch"),
    **_same(N_("validation.int_type"), "int_type", "int_parsing", "int_from_float"),
    **_same(
        N_("validation.float_type"),
        "float_type",
        "float_parsing",
        "decimal_type",
        "decimal_parsing",
    ),
    **_same(N_("validation.finite_number"), "finite_number"),
    **_same(N_("validation.bool_type"), "bool_type", "bool_parsing"),
    **_same(N_("validation.greater_than"), "greater_than"),
    **_same(N_("validation.greater_than_equal"), "greater_than_equal"),
    **_same(N_("validation.less_than"), "less_than"),
    **_same(N_("validation.less_than_equal"), "less_than_equal"),
    **_same(N_("validation.multiple_of"), "multiple_of"),
    **_same(N_("validation.enum"), "enum", "literal_error"),
    **_same(N_("validation.uuid_type"), "uuid_type", "uuid_parsing", "uuid_version"),
    **_same(
        N_("validation.datetime_type"),
        "datetime_type",
        "datetime_parsing",
        "datetime_from_date_parsing",
    ),
    **_same(N_("validation.timezone_aware"), "timezone_aware"),
    **_same(
        N_("validation.date_type"),
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
    ),
    **_same(N_("validation.model_type"), "model_type", "model_attributes_type", "dict_type"),
    **_same(N_("validation.list_type"), "list_type"),
    **_same(N_("validation.too_short"), "too_short"),
    **_same(N_("validation.too_long"), "too_long"),
    **_same(
        N_("validation.url_type"), "url_type", "url_parsing", "url_scheme", "url_syntax_violation"
    ),
}


def validation_key(error_type: str) -> str:
    return VALIDATION_KEYS.get(error_type) or f"validation.{error_type}"
