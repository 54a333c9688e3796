"""Publishing a municipality's directory as a `directory.published` snapshot.

Every change to a municipality's directory (seed, admin API, boundary import) calls
`publish_directory` in the same transaction: the revision is bumped and the full snapshot is
queued in the outbox, so consumers never see a change without its snapshot or the reverse.
The DIRECTORY stream keeps only the last snapshot per municipality.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.directory import (
    CategoryInfo,
    DepartmentInfo,
    DirectoryPublished,
    MunicipalityInfo,
    QuestionInfo,
    SubcategoryInfo,
)
from guichet_contracts.ids import uuid7
from guichet_kit.auth import MunicipalityNotFound
from guichet_kit.bus import MAX_EVENT_BYTES, EventTooLargeError, add_to_outbox
from routing.errors import DirectoryTooLarge
from routing.models import (
    Category,
    Department,
    DirectoryRevision,
    Municipality,
    Question,
    Subcategory,
    outbox,
)


async def published_revision(session: AsyncSession, nis: str) -> int | None:
    """Revision of the last snapshot published for `nis` (session bound to that tenant)."""
    revision: int | None = await session.scalar(
        select(DirectoryRevision.revision).where(DirectoryRevision.tenant_id == nis)
    )
    return revision


async def publish_directory(
    session: AsyncSession, nis: str, *, correlation_id: UUID | None = None
) -> DirectoryPublished:
    """Bump the revision of `nis` and queue its snapshot (caller's transaction, bound to nis)."""
    revision = await _next_revision(session, nis)
    snapshot = await build_snapshot(session, nis, revision)
    envelope = Envelope.build(snapshot, tenant_id=nis, correlation_id=correlation_id or uuid7())
    try:
        await add_to_outbox(session, outbox, envelope)
    except EventTooLargeError:
        size = len(envelope.to_bytes())
        raise DirectoryTooLarge(
            nis=nis, size_kib=size // 1024, limit_kib=MAX_EVENT_BYTES // 1024
        ) from None
    return snapshot


async def _next_revision(session: AsyncSession, nis: str) -> int:
    statement = (
        insert(DirectoryRevision)
        .values(tenant_id=nis, revision=1)
        .on_conflict_do_update(
            index_elements=["tenant_id"],
            set_={"revision": DirectoryRevision.revision + 1, "published_at": func.now()},
        )
        .returning(DirectoryRevision.revision)
    )
    revision: int = (await session.execute(statement)).scalar_one()
    return revision


async def build_snapshot(session: AsyncSession, nis: str, revision: int) -> DirectoryPublished:
    return DirectoryPublished(
        revision=revision,
        municipality=await _municipality(session, nis),
        departments=await _departments(session),
        categories=await _categories(session),
    )


async def _municipality(session: AsyncSession, nis: str) -> MunicipalityInfo:
    statement = select(Municipality, func.ST_AsGeoJSON(Municipality.boundary, 7)).where(
        Municipality.nis == nis
    )
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        raise MunicipalityNotFound(nis=nis)
    town, boundary = row
    return MunicipalityInfo.model_validate(
        {
            "nis": town.nis,
            "names": town.names,
            "languages": town.languages,
            "case_prefix": town.case_prefix,
            "boundary": json.loads(boundary),
        }
    )


async def _departments(session: AsyncSession) -> list[DepartmentInfo]:
    rows = await session.scalars(select(Department).order_by(Department.code))
    return [
        DepartmentInfo.model_validate({"code": d.code, "labels": d.labels, "kind": d.kind})
        for d in rows
    ]


async def _categories(session: AsyncSession) -> list[CategoryInfo]:
    statement = (
        select(Category, Department.code)
        .join(Department, Department.id == Category.default_department_id)
        .order_by(Category.position, Category.code)
    )
    categories = (await session.execute(statement)).all()
    subcategories = await _by_category(session, Subcategory)
    questions = await _by_category(session, Question)
    return [
        CategoryInfo.model_validate(
            {
                "code": category.code,
                "labels": category.labels,
                "subcategories": [
                    SubcategoryInfo.model_validate({"code": s.code, "labels": s.labels})
                    for s in subcategories[category.id]
                ],
                "default_department_code": department_code,
                "default_priority": category.default_priority,
                "confidentiality": category.confidentiality,
                "sla_business_days": category.sla_business_days,
                "duplicate_radius_m": category.duplicate_radius_m,
                "notice": category.notice,
                "questions": [_question(q) for q in questions[category.id]],
            }
        )
        for category, department_code in categories
    ]


async def _by_category(
    session: AsyncSession, model: type[Subcategory] | type[Question]
) -> dict[UUID, list[Any]]:
    grouped: dict[UUID, list[Any]] = defaultdict(list)
    rows: list[Subcategory | Question] = list(
        await session.scalars(select(model).order_by(model.position, model.code))
    )
    for row in rows:
        grouped[row.category_id].append(row)
    return grouped


def _question(question: Question) -> QuestionInfo:
    return QuestionInfo.model_validate(
        {
            "code": question.code,
            "labels": question.labels,
            "datatype": question.datatype,
            "required": question.required,
            "options": question.options,
        }
    )
