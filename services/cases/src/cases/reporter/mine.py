"""A logged-in citizen's own cases: every report their account submitted (the locator keeps the
reporter's OIDC subject), each followed to the case it joined, across municipalities. Each
tenant's rows are read with the transaction bound to that tenant (RLS), one after another."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cases.directory import repository as directory
from cases.messages import status_label
from cases.models.case import Case
from cases.reporter import repository
from cases.reporter.access import joined_case
from cases.reporter.schemas import MyCase, Named
from guichet_contracts.values import CaseStatus, Confidentiality, pick_label
from guichet_kit.db import bind_tenant

MAX_CASES = 100


async def _item(session: AsyncSession, case: Case, tracking_number: str, language: str) -> MyCase:
    town = await directory.municipality(session, case.tenant_id)
    category = await directory.category_labels(session, case.category_code)
    status = CaseStatus(case.status)
    return MyCase(
        tracking_number=tracking_number,
        case_number=case.number,
        status=status,
        status_label=status_label(status, language),
        category=Named(
            code=case.category_code, name=pick_label(category, language, case.category_code)
        ),
        municipality=Named(
            code=case.tenant_id,
            name=pick_label(town.names if town else {}, language, case.tenant_id),
        ),
        reported_at=case.reported_at,
        updated_at=case.updated_at,
        restricted=case.confidentiality == Confidentiality.CONFIDENTIAL.value,
    )


async def my_cases(session: AsyncSession, subject: str, language: str) -> list[MyCase]:
    items: list[MyCase] = []
    for row in await repository.locators_of(session, subject, MAX_CASES):
        await bind_tenant(session, row.tenant_id)
        owner = await repository.owner_of(session, row.report_id)
        if owner is None or owner.subject != subject:
            continue
        case = await joined_case(session, owner.case_id, lock=False)
        if case is not None:
            items.append(await _item(session, case, row.tracking_number, language))
    items.sort(key=lambda item: item.reported_at, reverse=True)
    return items
