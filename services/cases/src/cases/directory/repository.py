"""SQL of the directory projection."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models.directory import DirectoryCategory, DirectoryDepartment, DirectoryMunicipality
from guichet_contracts.events.directory import DirectoryPublished


async def municipality(session: AsyncSession, nis: str) -> DirectoryMunicipality | None:
    return await session.get(DirectoryMunicipality, nis)


async def lock_revision(session: AsyncSession, nis: str) -> int | None:
    """The stored revision, row-locked so two snapshots of one town apply one at a time."""
    statement = (
        select(DirectoryMunicipality.revision)
        .where(DirectoryMunicipality.nis == nis)
        .with_for_update()
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def replace_snapshot(session: AsyncSession, tenant_id: str, snap: DirectoryPublished) -> None:
    """Replace everything known of the tenant by `snap` (RLS limits the deletes to it)."""
    town = snap.municipality
    values = {
        "case_prefix": town.case_prefix,
        "names": town.names.model_dump(),
        "languages": list(town.languages),
        "revision": snap.revision,
    }
    upsert = pg_insert(DirectoryMunicipality).values(nis=town.nis, **values)
    await session.execute(upsert.on_conflict_do_update(index_elements=["nis"], set_=values))
    await session.execute(delete(DirectoryDepartment))
    await session.execute(delete(DirectoryCategory))
    if snap.departments:
        rows = [
            {
                "tenant_id": tenant_id,
                "code": d.code,
                "labels": d.labels.model_dump(),
                "kind": d.kind,
            }
            for d in snap.departments
        ]
        await session.execute(insert(DirectoryDepartment), rows)
    if snap.categories:
        rows = [
            {
                "tenant_id": tenant_id,
                "code": c.code,
                "labels": c.labels.model_dump(),
                "confidentiality": c.confidentiality.value,
            }
            for c in snap.categories
        ]
        await session.execute(insert(DirectoryCategory), rows)


async def department_codes(session: AsyncSession) -> list[str]:
    """The codes of the bound tenant's departments, in order."""
    statement = select(DirectoryDepartment.code).order_by(DirectoryDepartment.code)
    return list((await session.execute(statement)).scalars())


async def department_labels(session: AsyncSession, code: str) -> dict[str, str]:
    statement = select(DirectoryDepartment.labels).where(DirectoryDepartment.code == code)
    return dict((await session.execute(statement)).scalar_one_or_none() or {})


async def category_labels(session: AsyncSession, code: str) -> dict[str, str]:
    statement = select(DirectoryCategory.labels).where(DirectoryCategory.code == code)
    return dict((await session.execute(statement)).scalar_one_or_none() or {})
