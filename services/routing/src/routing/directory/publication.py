"""Publishing a municipality's directory as a `directory.published` snapshot.

Every change to a municipality's directory (seed, admin API, boundary import) calls
`publish_directory` in the same transaction: the revision is bumped and the full snapshot is
queued in the outbox, so consumers never see a change without its snapshot or the reverse.
The DIRECTORY stream keeps only the last snapshot per municipality.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import TypeVar
from uuid import UUID

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
from guichet_kit.bus import MAX_EVENT_BYTES, EventTooLargeError
from routing.directory import repository
from routing.errors import DirectoryTooLarge
from routing.models import Question, Subcategory

_Item = TypeVar("_Item", Subcategory, Question)


async def publish_directory(
    session: AsyncSession, nis: str, *, correlation_id: UUID | None = None
) -> DirectoryPublished:
    """Bump the revision of `nis` and queue its snapshot (caller's transaction, bound to nis)."""
    revision = await repository.next_revision(session, nis)
    snapshot = await build_snapshot(session, nis, revision)
    envelope = Envelope.build(snapshot, tenant_id=nis, correlation_id=correlation_id or uuid7())
    try:
        await repository.queue_snapshot(session, envelope)
    except EventTooLargeError:
        size = len(envelope.to_bytes())
        raise DirectoryTooLarge(
            nis=nis, size_kib=size // 1024, limit_kib=MAX_EVENT_BYTES // 1024
        ) from None
    return snapshot


async def build_snapshot(session: AsyncSession, nis: str, revision: int) -> DirectoryPublished:
    return DirectoryPublished(
        revision=revision,
        municipality=await _municipality(session, nis),
        departments=[
            DepartmentInfo.model_validate({"code": d.code, "labels": d.labels, "kind": d.kind})
            for d in await repository.departments(session)
        ],
        categories=await categories(session),
    )


async def _municipality(session: AsyncSession, nis: str) -> MunicipalityInfo:
    found = await repository.municipality_with_boundary(session, nis)
    if found is None:
        raise MunicipalityNotFound(nis=nis)
    town, boundary = found
    return MunicipalityInfo.model_validate(
        {
            "nis": town.nis,
            "names": town.names,
            "languages": town.languages,
            "case_prefix": town.case_prefix,
            "boundary": json.loads(boundary),
        }
    )


async def categories(session: AsyncSession) -> list[CategoryInfo]:
    """The bound tenant's categories as published, with their subcategories and questions."""
    subcategories = _by_category(await repository.subcategories(session))
    questions = _by_category(await repository.questions(session))
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
        for category, department_code in await repository.categories(session)
    ]


def _by_category(rows: Sequence[_Item]) -> dict[UUID, list[_Item]]:
    grouped: dict[UUID, list[_Item]] = defaultdict(list)
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
