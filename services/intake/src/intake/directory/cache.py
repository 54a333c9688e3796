"""Each town's categories, read once per directory revision.

Validating a report needs its town's categories (codes, subcategories, questions). They change
only with a new directory revision, and the municipality row read to place the report carries
its revision: while it is unchanged, the categories come from memory instead of a query. The
cache is per process (every replica keeps its own) and holds frozen copies, never ORM rows
(a rolled-back session would expire those under the next request's feet).
"""

from __future__ import annotations

import asyncpg

from intake.directory.repository import CategoryRules, MunicipalityRef, category_rules


class CategoryCache:
    def __init__(self) -> None:
        self._by_town: dict[str, tuple[int, tuple[CategoryRules, ...]]] = {}

    async def categories(
        self, connection: asyncpg.Connection, town: MunicipalityRef
    ) -> tuple[CategoryRules, ...]:
        """`town`'s categories as of `town.revision`, read when not in memory on `connection`:
        on the connection the request already holds, since a second one from the pool could
        wait for ever when every pooled connection is held by a request waiting for its town's
        categories."""
        cached = self._by_town.get(town.nis)
        if cached is not None and cached[0] == town.revision:
            return cached[1]
        fresh = await category_rules(connection, town.nis)
        self._by_town[town.nis] = (town.revision, fresh)
        return fresh
