"""Reading JSON that a caller sent, with its nesting bounded.

Python's parser recurses once per level: a document nested a few hundred levels deep raises
RecursionError inside the request's already deep stack (a 500), and anything that walks the
result recurses again. `load_json` refuses such documents before parsing them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from guichet_kit.errors.exceptions import BadRequest
from guichet_kit.i18n import N_

DEFAULT_MAX_DEPTH = 32
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


class JsonMalformed(BadRequest):
    code = "request.malformed_json"
    message_key = N_("error.malformed_json")


class JsonTooDeep(BadRequest):
    code = "request.json_too_deep"
    message_key = N_("error.json_too_deep")


def load_json(raw: str | bytes, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """The parsed document; JsonMalformed (400) if it is not JSON, JsonTooDeep (400) if
    arrays and objects nest more than `max_depth` levels."""
    try:
        text = raw.decode() if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise JsonMalformed(position=exc.start) from None
    if nesting_exceeds(text, max_depth):
        raise JsonTooDeep(max_depth=max_depth, extra={"max_depth": max_depth})
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonMalformed(position=exc.pos) from None


def nesting_exceeds(text: str, max_depth: int) -> bool:
    """Whether brackets outside strings nest deeper than `max_depth` (malformed documents
    are left to the parser)."""
    if text.count("[") + text.count("{") <= max_depth:
        return False
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif token in "]}":
            depth -= 1
    return False
