"""JSON a client sent, read with its nesting bounded.

Python's parser recurses once per level and gives up near the interpreter's recursion limit
(a RecursionError, a 500), and so would anything walking the value afterwards. `load_json`
refuses deep documents with a 400 instead. It stays cheap for the usual small document: the
brackets are counted at C speed first, and only a document holding more of them than
`max_depth` has its depth measured.
"""

from __future__ import annotations

import json
from typing import Any

from guichet_kit.errors import BadRequest
from guichet_kit.i18n import N_, Message


class MalformedJson(BadRequest):
    code = "request.malformed_json"
    message_key = N_("error.malformed_json")


class JsonTooDeep(BadRequest):
    code = "request.json_too_deep"
    message_key = N_("error.json_too_deep")


def load_json(raw: str | bytes, *, max_depth: int = 32) -> Any:
    """The value of `raw`; `MalformedJson` when it is not JSON, `JsonTooDeep` when arrays
    and objects nest more than `max_depth` levels."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise JsonTooDeep(max_depth=max_depth) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        position = exc.pos if isinstance(exc, json.JSONDecodeError) else exc.start
        detail = Message("error.malformed_json", {"position": position})
        raise MalformedJson(
            position=position, extra={"errors": [{"field": "body", "message": detail}]}
        ) from None
    if _openings(raw) > max_depth and _deeper_than(value, max_depth):
        raise JsonTooDeep(max_depth=max_depth)
    return value


def _openings(raw: str | bytes) -> int:
    """An upper bound of the depth (brackets inside strings count too)."""
    if isinstance(raw, str):
        return raw.count("[") + raw.count("{")
    return raw.count(b"[") + raw.count(b"{")


def _deeper_than(value: Any, max_depth: int) -> bool:
    """Whether containers nest deeper than `max_depth` (iteratively: no recursion)."""
    level: list[Any] = [value]
    depth = 0
    while level:
        containers = [item for item in level if isinstance(item, dict | list)]
        if not containers:
            return False
        depth += 1
        if depth > max_depth:
            return True
        level = [
            child
            for container in containers
            for child in (container.values() if isinstance(container, dict) else container)
        ]
    return False
