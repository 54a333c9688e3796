"""Each town's categories, read once per directory revision.

Validating a report needs its town's categories (codes, subcategories, questions). They change
only with a new directory revision, and the municipality row read to place the report carries
its revision: while it is unchanged, the categories come from memory instead of a query. The
cache is per process (every replica keeps its own) and holds frozen copies, never ORM rows
(a rolled-back session would expire those under the next request's feet).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from guichet_kit.db import tenant_transaction
from intake.directory.repository import MunicipalityRef, categories


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
        self, sessions: async_sessionmaker[AsyncSession], town: MunicipalityRef
    ) -> tuple[CategoryRules, ...]:
        """`town`'s categories as of `town.revision` (read in a transaction of its own, bound
        to the town, when not in memory)."""
        cached = self._by_town.get(town.nis)
        if cached is not None and cached[0] == town.revision:
            return cached[1]
        async with tenant_transaction(sessions, town.nis) as session:
            fresh = tuple(
                CategoryRules(row.code, tuple(row.subcategories), tuple(row.questions))
                for row in await categories(session, town.nis)
            )
        self._by_town[town.nis] = (town.revision, fresh)
        return fresh
