"""Changing a municipality's directory: departments and categories (with their settings,
subcategories and questions). Validated against the rest of the directory and the routing
rules; each change publishes a new snapshot in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from routing.directory import repository
from routing.directory.publication import publish_directory
from routing.directory.repository import (
    CategoryRow,
    DepartmentRow,
    QuestionRow,
    SubcategoryRow,
)
from routing.directory.schemas import CategoryBody, DepartmentBody, QuestionBody
from routing.models import Question, Subcategory
from routing.problems import FieldProblems
from routing.rules import repository as rules


async def put_department(session: AsyncSession, nis: str, code: str, body: DepartmentBody) -> None:
    problems = FieldProblems()
    if body.kind == "police_partner":
        other = await repository.police_partner(session, other_than=code)
        if other is not None:
            problems.add("kind", "routing.problem.police_partner_taken", other=other)
    problems.raise_if_any()
    row = DepartmentRow(code, body.labels.model_dump(), body.kind)
    if await repository.upsert_departments(session, nis, [row]):
        await publish_directory(session, nis)


async def delete_department(session: AsyncSession, nis: str, code: str) -> bool:
    """False when there is no such department."""
    department_id = (await repository.department_ids(session)).get(code)
    if department_id is None:
        return False
    problems = FieldProblems()
    for category in await repository.categories_defaulting_to(session, department_id):
        problems.add("code", "routing.problem.default_department_of", category=category, code=code)
    for rule in await rules.rules_naming_department(session, code):
        problems.add("code", "routing.problem.informed_by_rule", rule=rule, code=code)
    problems.raise_if_any()
    await repository.delete_department(session, department_id)
    await publish_directory(session, nis)
    return True


async def put_category(session: AsyncSession, nis: str, code: str, body: CategoryBody) -> None:
    departments = await repository.department_ids(session)
    problems = FieldProblems()
    if body.default_department not in departments:
        problems.add(
            "default_department",
            "routing.problem.unknown_department",
            code=body.default_department,
        )
    _check_unique([s.code for s in body.subcategories], "subcategories", problems)
    _check_unique([q.code for q in body.questions], "questions", problems)
    for index, question in enumerate(body.questions):
        _check_question(question, f"questions.{index}", problems)
    problems.raise_if_any()
    row = _category_row(code, body, departments[body.default_department])
    changed = await repository.upsert_categories(session, nis, [row])
    category_id = (await repository.category_ids(session))[code]
    changed += await _replace_subcategories(session, nis, category_id, body)
    changed += await _replace_questions(session, nis, category_id, body)
    if changed:
        await publish_directory(session, nis)


async def delete_category(session: AsyncSession, nis: str, code: str) -> bool:
    """False when there is no such category. Refused while a rule names it."""
    category_id = (await repository.category_ids(session)).get(code)
    if category_id is None:
        return False
    problems = FieldProblems()
    for rule in await rules.rules_naming_category(session, code):
        problems.add("code", "routing.problem.category_in_rule", rule=rule, code=code)
    problems.raise_if_any()
    await repository.delete_category(session, category_id)
    await publish_directory(session, nis)
    return True


def _category_row(code: str, body: CategoryBody, department_id: UUID) -> CategoryRow:
    return CategoryRow(
        code=code,
        labels=body.labels.model_dump(),
        notice=body.notice.model_dump() if body.notice else None,
        duplicate_radius_m=body.duplicate_radius_m,
        sla_business_days=body.sla_business_days,
        default_priority=body.default_priority.value,
        confidentiality=body.confidentiality.value,
        default_department_id=department_id,
        position=body.position,
    )


async def _replace_subcategories(
    session: AsyncSession, nis: str, category_id: UUID, body: CategoryBody
) -> int:
    codes = [s.code for s in body.subcategories]
    removed = await repository.delete_entries_except(session, Subcategory, category_id, codes)
    rows = [
        SubcategoryRow(category_id, s.code, s.labels.model_dump(), position)
        for position, s in enumerate(body.subcategories)
    ]
    return removed + await repository.upsert_subcategories(session, nis, rows)


async def _replace_questions(
    session: AsyncSession, nis: str, category_id: UUID, body: CategoryBody
) -> int:
    codes = [q.code for q in body.questions]
    removed = await repository.delete_entries_except(session, Question, category_id, codes)
    rows = [
        QuestionRow(
            category_id=category_id,
            code=q.code,
            labels=q.labels.model_dump(),
            datatype=q.datatype,
            required=q.required,
            options=[{"key": o.key, "labels": o.labels.model_dump()} for o in q.options],
            position=position,
        )
        for position, q in enumerate(body.questions)
    ]
    return removed + await repository.upsert_questions(session, nis, rows)


def _check_question(question: QuestionBody, where: str, problems: FieldProblems) -> None:
    is_list = question.datatype.endswith("valuelist")
    if is_list and not question.options:
        problems.add(
            f"{where}.options", "routing.problem.options_needed", datatype=question.datatype
        )
    if not is_list and question.options:
        problems.add(
            f"{where}.options", "routing.problem.options_refused", datatype=question.datatype
        )
    _check_unique([o.key for o in question.options], f"{where}.options", problems)


def _check_unique(codes: list[str], where: str, problems: FieldProblems) -> None:
    for code, count in Counter(codes).items():
        if count > 1:
            problems.add(where, "routing.problem.repeated", code=code, count=count)
