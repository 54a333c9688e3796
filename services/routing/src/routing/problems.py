"""The problems found when a tenant administrator saves directory entries or routing rules.

Every problem is collected (field path + message) and reported at once in one 422, each
message rendered in the administrator's language (`Accept-Language`).
"""

from __future__ import annotations

from typing import Any

from guichet_kit.i18n import Message
from routing.errors import InvalidDirectoryChange


class FieldProblems:
    def __init__(self) -> None:
        self.items: list[dict[str, str | Message]] = []

    def add(self, field: str, key: str, /, **params: Any) -> None:
        self.items.append({"field": field, "message": Message(key, params)})

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidDirectoryChange(count=len(self.items), extra={"errors": self.items})
