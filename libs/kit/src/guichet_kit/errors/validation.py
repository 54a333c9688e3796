"""Pydantic validation errors as `{field, message}` pairs in the request's language."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from guichet_kit.errors.messages import validation_key
from guichet_kit.i18n import has_message, translate


def field_path(loc: Sequence[int | str]) -> str:
    """``("body", "location", "lat")`` → ``"body.location.lat"``; list indexes stay numbers."""
    return ".".join(str(part) for part in loc)


def field_errors(errors: Iterable[Mapping[str, Any]], lang: str) -> list[dict[str, str]]:
    return [
        {"field": field_path(error.get("loc", ())), "message": error_message(error, lang)}
        for error in errors
    ]


def error_message(error: Mapping[str, Any], lang: str) -> str:
    """Translated message for pydantic error `type`, else pydantic's own (English) message."""
    key = validation_key(str(error.get("type", "")))
    if not has_message(key):
        return str(error.get("msg", ""))
    ctx = error.get("ctx") or {}
    params = {name: _readable(value, lang) for name, value in ctx.items()}
    return translate(key, lang, **params)


def _readable(value: Any, lang: str) -> str:
    if isinstance(value, float | Decimal) and math.isfinite(value):
        if value == int(value):
            text = str(int(value))  # "90", not "90.0"
        else:
            text = str(value.normalize()) if isinstance(value, Decimal) else repr(value)
        return text if lang == "en" else text.replace(".", ",")  # 4,5 in fr/nl/de
    # pydantic renders enum/literal choices as "'a', 'b' or 'c'": drop the English "or".
    return str(value).replace(" or ", ", ")


def is_unparsed_body(error: Mapping[str, Any]) -> bool:
    """True when FastAPI handed the raw bytes to validation: the body was not sent as JSON."""
    return tuple(error.get("loc", ())) == ("body",) and isinstance(
        error.get("input"), bytes | bytearray
    )
