"""Loading the demo directory (``routing.demo``) into the database: idempotent.

Each municipality is written in its own transaction bound to that tenant, so the seed runs as
the application role with row-level security enforced, like every other write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from guichet_kit.db import tenant_transaction
from routing.demo import DemoDirectory, Labels, load_boundary, load_demo_directory
from routing.demo import Municipality as DemoMunicipality
from routing.directory import repository
from routing.directory.publication import publish_directory
from routing.directory.repository import (
    CategoryRow,
    DepartmentRow,
    MunicipalityRow,
    QuestionRow,
    SubcategoryRow,
)
from routing.rules import repository as rules
from routing.rules.schemas import RuleSetBody
from routing.rules.validation import validate_rule_set


@dataclass(frozen=True)
class SeedReport:
    municipalities: int
    rows_changed: int  # inserted or updated; 0 when the database already held the demo data


async def seed_demo(
    session_factory: async_sessionmaker[AsyncSession], directory: DemoDirectory | None = None
) -> SeedReport:
    """Upsert every demo municipality with its departments, categories and subcategories."""
    directory = directory or load_demo_directory()
    changed = 0
    for town in directory.municipalities:
        async with tenant_transaction(session_factory, town.nis) as session:
            changed += await seed_municipality(session, town)
    return SeedReport(municipalities=len(directory.municipalities), rows_changed=changed)


async def seed_municipality(session: AsyncSession, town: DemoMunicipality) -> int:
    """Upsert one town's directory in the caller's transaction (bound to ``town.nis``), and
    publish a new directory snapshot when anything changed (or none was ever published)."""
    changed = await repository.upsert_municipality(session, _municipality_row(town))
    departments = [DepartmentRow(d.code, _labels(d.name), d.kind) for d in town.departments]
    changed += await repository.upsert_departments(session, town.nis, departments)
    department_ids = await repository.department_ids(session)
    categories = [
        CategoryRow(
            code=c.code,
            labels=_labels(c.label),
            notice=_labels(c.notice) if c.notice else None,
            duplicate_radius_m=c.duplicate_radius_m,
            sla_business_days=c.sla_business_days,
            default_priority=c.default_priority.value,
            confidentiality=c.confidentiality.value,
            default_department_id=department_ids[c.default_department],
            position=position,
        )
        for position, c in enumerate(town.categories)
    ]
    changed += await repository.upsert_categories(session, town.nis, categories)
    category_ids = await repository.category_ids(session)
    subcategories = [
        SubcategoryRow(category_ids[c.code], s.code, _labels(s.label), position)
        for c in town.categories
        for position, s in enumerate(c.subcategories)
    ]
    changed += await repository.upsert_subcategories(session, town.nis, subcategories)
    questions = [
        QuestionRow(
            category_id=category_ids[c.code],
            code=q.code,
            labels=_labels(q.label),
            datatype=q.datatype,
            required=q.required,
            options=[{"key": o.key, "labels": _labels(o.label)} for o in q.options],
            position=position,
        )
        for c in town.categories
        for position, q in enumerate(c.questions)
    ]
    changed += await repository.upsert_questions(session, town.nis, questions)
    changed += await _seed_rules_once(session, town)
    if changed or await repository.published_revision(session, town.nis) is None:
        await publish_directory(session, town.nis)
    return changed


async def _seed_rules_once(session: AsyncSession, town: DemoMunicipality) -> int:
    """The demo rules go in only while the town has none: an administrator's edits stay."""
    if not town.rules or await rules.stored_rules(session):
        return 0
    body = RuleSetBody(rules=list(town.rules))
    valid = await validate_rule_set(session, body, await rules.directory(session))
    await rules.replace_rules(session, town.nis, valid)
    return len(valid)


def _municipality_row(town: DemoMunicipality) -> MunicipalityRow:
    return MunicipalityRow(
        nis=town.nis,
        names=_labels(town.names),
        languages=list(town.languages),
        case_prefix=town.case_prefix,
        boundary_geojson=json.dumps(load_boundary(town.nis)["geometry"]),
    )


def _labels(labels: Labels) -> dict[str, str]:
    return labels.model_dump()
