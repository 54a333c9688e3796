"""Who may follow a case as its reporter: the holder of the tracking token, or the account that
submitted the report (OIDC subject). Unknown number, wrong token, another account and staff
tokens all get the same 404, after the same work (the token is hashed and compared in constant
time even when the number is unknown).

A report that supports a case (a duplicate, or a case merged into another) follows the case it
joined: the locator gives the report, the report gives its case, and merged cases are followed
to the one that took them in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession

from cases.errors import TrackingNotFound
from cases.models.case import Case
from cases.reporter import repository
from cases.workflow import repository as cases
from guichet_contracts.tracking import normalize_tracking_number, token_matches
from guichet_contracts.values import Actor, ActorKind, CaseStatus
from guichet_kit.auth import OptionalPrincipalDep, Principal, profile_language
from guichet_kit.db import SessionDep, bind_tenant

MAX_MERGE_HOPS = 5

TrackingToken = Annotated[
    str | None,
    Header(
        alias="X-Tracking-Token",
        max_length=200,
        description="the secret token the reporter received with the tracking number",
    ),
]
TrackingPath = Annotated[str, Path(max_length=40, description="e.g. 7KQ2-M9XD-4TRA")]


@dataclass(frozen=True)
class ReporterContext:
    session: AsyncSession
    case: Case
    tracking_number: str
    report_id: uuid.UUID
    actor: Actor
    language: str


async def joined_case(session: AsyncSession, case_id: uuid.UUID, *, lock: bool) -> Case | None:
    """The case, or the case it was merged into (followed up to MAX_MERGE_HOPS). With `lock`,
    only the final case is row-locked (re-read under the lock, in case it was merged in the
    meantime), so a reporter never holds a lock that a staff merge takes in another order."""
    for _ in range(MAX_MERGE_HOPS):
        case = await cases.by_id(session, case_id)
        if case is not None and lock and not _merged(case):
            case = await cases.by_id(session, case_id, lock=True)
        if case is None:
            return None
        if not _merged(case):
            return case
        case_id = case.duplicate_of_case_id or case.id
    return None


def _merged(case: Case) -> bool:
    return case.status == CaseStatus.DUPLICATE and case.duplicate_of_case_id is not None


def _language(request: Request, principal: Principal | None, case: Case) -> str:
    """Accept-Language if sent, else the account's locale, else the report's language."""
    return profile_language(request, principal, case.reporter_language)


async def locate(
    session: AsyncSession,
    request: Request,
    raw_number: str,
    token: str | None,
    principal: Principal | None,
    *,
    lock: bool,
) -> ReporterContext:
    number = normalize_tracking_number(raw_number)
    locator = await repository.find_locator(session, number) if number else None
    token_ok = token_matches(token, locator.token_hash if locator else None)
    if locator is None or number is None or not (token_ok or principal is not None):
        # Unknown number and wrong token cost the same: one lookup and one comparison.
        raise TrackingNotFound()
    await bind_tenant(session, locator.tenant_id)
    owner = await repository.owner_of(session, locator.report_id)
    if owner is None:
        raise TrackingNotFound()
    own_account = (
        principal is not None and owner.subject is not None and principal.subject == owner.subject
    )
    if not (token_ok or own_account):
        raise TrackingNotFound()
    case = await joined_case(session, owner.case_id, lock=lock)
    if case is None:
        raise TrackingNotFound()
    actor = Actor(
        kind=ActorKind.REPORTER, subject=principal.subject if own_account and principal else None
    )
    language = _language(request, principal, case)
    return ReporterContext(session, case, number, locator.report_id, actor, language)


async def reading_context(
    tracking_number: TrackingPath,
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipalDep,
    token: TrackingToken = None,
) -> ReporterContext:
    return await locate(session, request, tracking_number, token, principal, lock=False)


async def locked_case(ctx: ReporterContext) -> Case:
    """The reporter's case row-locked, taken only once the request body has been read and
    checked, so a slow upload never holds the lock."""
    case = await joined_case(ctx.session, ctx.case.id, lock=True)
    if case is None:
        raise TrackingNotFound()
    return case


ReaderDep = Annotated[ReporterContext, Depends(reading_context)]
