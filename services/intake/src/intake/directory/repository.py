"""SQL of the directory projection: municipalities (public) and categories (tenant RLS)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import Row, delete, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.events.directory import CategoryInfo, MunicipalityInfo
from guichet_kit.db.tenancy import set_driver_tenant
from intake.models import Category, Municipality


@dataclass(frozen=True)
class MunicipalityRef:
    nis: str
    names: dict[str, str]
    languages: list[str]
    revision: int


@dataclass(frozen=True)
class CategoryRules:
    """What checking a report needs of one of its town's categories."""

    code: str
    subcategories: tuple[Mapping[str, Any], ...]
    questions: tuple[Mapping[str, Any], ...]


async def upsert_municipality_if_newer(
    session: AsyncSession, info: MunicipalityInfo, revision: int
) -> bool:
    """Insert or replace the municipality unless we already hold this revision or a later one.
    One statement, so concurrent snapshots of a town serialise on its row."""
    boundary = func.ST_Multi(
        func.ST_SetSRID(func.ST_GeomFromGeoJSON(json.dumps(info.boundary)), 4326)
    )
    values: dict[str, Any] = {
        "nis": info.nis,
        "names": info.names.model_dump(),
        "languages": list(info.languages),
        "case_prefix": info.case_prefix,
        "boundary": boundary,
        "revision": revision,
    }
    upsert = pg_insert(Municipality).values(values)
    excluded = upsert.excluded
    statement = upsert.on_conflict_do_update(
        index_elements=[Municipality.nis],
        set_={
            "names": excluded.names,
            "languages": excluded.languages,
            "case_prefix": excluded.case_prefix,
            "boundary": excluded.boundary,
            "revision": excluded.revision,
            "updated_at": func.now(),
        },
        where=Municipality.revision < excluded.revision,
    ).returning(Municipality.nis)
    result = await session.execute(statement)
    return result.scalar_one_or_none() is not None


async def replace_categories(
    session: AsyncSession, tenant_id: str, categories: list[CategoryInfo]
) -> None:
    """The tenant's categories become exactly `categories` (session bound to `tenant_id`)."""
    await session.execute(delete(Category).where(Category.tenant_id == tenant_id))
    if not categories:
        return
    rows = [
        {
            "tenant_id": tenant_id,
            "code": category.code,
            "position": position,
            "labels": category.labels.model_dump(),
            "subcategories": [s.model_dump(mode="json") for s in category.subcategories],
            "questions": [q.model_dump(mode="json") for q in category.questions],
            "confidentiality": category.confidentiality.value,
        }
        for position, category in enumerate(categories)
    ]
    await session.execute(insert(Category), rows)


_BY_NIS = text("SELECT nis, names, languages, revision FROM intake.municipality WHERE nis = :nis")


async def municipality(session: AsyncSession, nis: str) -> MunicipalityRef | None:
    row = (await session.execute(_BY_NIS, {"nis": nis})).first()
    return None if row is None else _ref(row)


def _ref(row: Row[Any]) -> MunicipalityRef:
    return MunicipalityRef(
        nis=row.nis, names=dict(row.names), languages=list(row.languages), revision=row.revision
    )


async def categories(session: AsyncSession, tenant_id: str) -> list[Category]:
    """The tenant's categories in display order (session bound to `tenant_id`)."""
    result = await session.execute(
        select(Category).where(Category.tenant_id == tenant_id).order_by(Category.position)
    )
    return list(result.scalars())


_CATEGORY_RULES = (
    "SELECT code, subcategories::text, questions::text FROM intake.category "
    "WHERE tenant_id = $1 ORDER BY position"
)


async def category_rules(
    connection: asyncpg.Connection, tenant_id: str
) -> tuple[CategoryRules, ...]:
    """The tenant's categories in display order, read on the driver `connection` in a
    transaction of its own bound to `tenant_id`."""
    async with connection.transaction():
        await set_driver_tenant(connection, tenant_id)
        rows = await connection.fetch(_CATEGORY_RULES, tenant_id)
    return tuple(
        CategoryRules(code, tuple(json.loads(subs)), tuple(json.loads(questions)))
        for code, subs, questions in rows
    )
