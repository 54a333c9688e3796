"""Each town's categories, read once per directory revision.

Validating a report needs its town's categories (codes, subcategories, questions). They change
only with a new directory revision, and the municipality row read to place the report carries
its revision: while it is unchanged, the categories come from memory instead of a query. The
cache is per process (every replica keeps its own) and holds frozen copies, never ORM rows
(a rolled-back session would expire those under the next request's feet).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg

from guichet_kit.db.tenancy import set_driver_tenant
from intake.directory.repository import MunicipalityRef

# On the connection the request already holds: a second one from the pool could wait for ever
# when every pooled connection is held by a request waiting for its town's categories.
_CATEGORIES = (
    "SELECT code, subcategories::text, questions::text FROM intake.category "
    "WHERE tenant_id = $1 ORDER BY position"
)


@dataclass(frozen=True)
class CategoryRules:
    """What checking a report needs of one of its town's categories."""

    code: str
    subcategories: tuple[Mapping[str, Any], ...]
    questions: tuple[Mapping[str, Any], ...]


class CategoryCache:
    def __init__(self) -> None:
        self._by_town: dict[str, tuple[int, tuple[CategoryRules, ...]]] = {}

    async def categories(
        self, connection: asyncpg.Connection, town: MunicipalityRef
    ) -> tuple[CategoryRules, ...]:
        """`town`'s categories as of `town.revision` (read on `connection` in a transaction of
        its own, bound to the town, when not in memory)."""
        cached = self._by_town.get(town.nis)
        if cached is not None and cached[0] == town.revision:
            return cached[1]
        async with connection.transaction():
            await set_driver_tenant(connection, town.nis)
            fresh = tuple(
                CategoryRules(code, tuple(json.loads(subs)), tuple(json.loads(questions)))
                for code, subs, questions in await connection.fetch(_CATEGORIES, town.nis)
            )
        self._by_town[town.nis] = (town.revision, fresh)
        return fresh
