"""What staff do to a case: change its status (merging it into another), assign it.

Every operation works on a case the caller has row-locked (``SELECT ... FOR UPDATE``), writes
one history entry per change and queues one event per change, in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

from cases import clock, events
from cases.directory import repository as directory
from cases.errors import (
    DepartmentUnknown,
    DuplicateTargetInvalid,
    TransitionIncomplete,
    TransitionNotAllowed,
)
from cases.history import repository as history
from cases.models.case import Case
from cases.models.case_supporter import CaseSupporter
from cases.workflow import repository
from cases.workflow.table import CLOSED_STATUSES, Move, Requirement, allowed_targets
from guichet_contracts.events.case import CaseAssigned, CaseMerged, CaseStatusChanged
from guichet_contracts.ids import uuid7
from guichet_contracts.values import Actor, CaseStatus
from guichet_kit.i18n import translate


@dataclass(frozen=True)
class TransitionRequest:
    to: CaseStatus
    public_message: str | None = None
    reason: str | None = None
    planned_for: date | None = None


def check_move(case: Case, request: TransitionRequest, target: Case | None) -> Move:
    """Raise unless the table allows the move and the request carries what it needs."""
    move = Move(CaseStatus(case.status), request.to)
    if not move.allowed:
        raise TransitionNotAllowed(move.source, move.target, allowed_targets(move.source))
    given = {
        Requirement.PLANNED_FOR: request.planned_for is not None,
        Requirement.REASON: bool(request.reason and request.reason.strip()),
        Requirement.DUPLICATE_OF: target is not None,
    }
    missing = [need for need in move.requirements if not given[need]]
    if missing:
        raise TransitionIncomplete(move.target, missing)
    return move


def planned_message(planned_for: date, language: str) -> str:
    """The reporter's message for a move to planned, its date written out as in Belgium
    (in English: "Planned for 7 December 2026.")."""
    text = format_date(planned_for, format="long", locale=f"{language}_BE")
    return translate("case.public.planned", language, date=text)


async def transition(
    session: AsyncSession,
    case: Case,
    request: TransitionRequest,
    actor: Actor,
    *,
    duplicate_of: Case | None = None,
) -> None:
    """`duplicate_of` (row-locked too) is only used when the target status is `duplicate`."""
    move = check_move(case, request, duplicate_of)
    at = clock.now()
    public_message = request.public_message
    if move.target == CaseStatus.PLANNED and request.planned_for is not None:
        public_message = public_message or planned_message(
            request.planned_for, case.reporter_language
        )
        case.planned_for = request.planned_for
    case.status = move.target.value
    case.updated_at = at
    details: dict[str, str] = {}
    for key, value in (
        ("public_message", public_message),
        ("reason", request.reason),
        ("planned_for", request.planned_for.isoformat() if request.planned_for else None),
        ("duplicate_of", duplicate_of.number if duplicate_of else None),
    ):
        if value:
            details[key] = value
    await history.record(
        session,
        case,
        history.Change(
            at=at,
            action="reopened" if move.is_reopen else "status_changed",
            actor=actor,
            from_status=move.source,
            to_status=move.target,
            details=details,
        ),
    )
    payload = CaseStatusChanged(
        case_id=case.id,
        case_number=case.number,
        from_status=move.source,
        to_status=move.target,
        public_message=public_message,
        actor=actor,
        changed_at=at,
    )
    await events.publish(session, case.tenant_id, payload)
    if move.target == CaseStatus.DUPLICATE and duplicate_of is not None:
        await merge_into(session, case, duplicate_of, actor, at)


async def merge_into(
    session: AsyncSession, source: Case, target: Case, actor: Actor, at: datetime
) -> None:
    """`source` became a duplicate of `target`: its report and supporters now back `target`."""
    if target.id == source.id or CaseStatus(target.status) in CLOSED_STATUSES:
        raise DuplicateTargetInvalid(number=target.number)
    await repository.move_supporters(session, source.id, target.id)
    supporter = CaseSupporter(
        id=uuid7(),
        tenant_id=source.tenant_id,
        case_id=target.id,
        report_id=source.report_id,
        tracking_number=source.tracking_number,
        reporter_language=source.reporter_language,
        reporter_contactable=source.reporter_contactable,
        reporter_subject=source.reporter_subject,
        tracking_token_hash=source.tracking_token_hash,
        merged_from_case_id=source.id,
        supported_at=at,
    )
    target.supporters += source.supporters
    target.updated_at = at
    source.duplicate_of_case_id = target.id
    await repository.add_supporter(session, supporter)
    await history.record(
        session,
        target,
        history.Change(
            at=at,
            action="merged",
            actor=actor,
            details={"merged_case": source.number, "supporters": target.supporters},
        ),
    )
    payload = CaseMerged(
        case_id=target.id,
        case_number=target.number,
        merged_case_id=source.id,
        supporters=target.supporters,
        merged_at=at,
    )
    await events.publish(session, target.tenant_id, payload)


@dataclass(frozen=True)
class Assignment:
    department: str
    team: str | None = None
    assignee_subject: str | None = None
    assignee_name: str | None = None


async def assign(session: AsyncSession, case: Case, assignment: Assignment, actor: Actor) -> None:
    departments = await directory.department_codes(session)
    if assignment.department not in departments:
        raise DepartmentUnknown(
            code=assignment.department,
            allowed=", ".join(departments) or "—",
            extra={"allowed": departments},
        )
    at = clock.now()
    previous = {
        "department": case.lead_department,
        "team": case.team,
        "assignee": case.assignee_subject,
    }
    case.lead_department = assignment.department
    case.departments = [
        assignment.department,
        *(code for code in case.departments if code != assignment.department),
    ]
    case.team = assignment.team
    case.assignee_subject = assignment.assignee_subject
    case.assignee_name = assignment.assignee_name
    case.updated_at = at
    await history.record(
        session,
        case,
        history.Change(
            at=at,
            action="assigned",
            actor=actor,
            details={
                "previous": previous,
                "department": assignment.department,
                "team": assignment.team,
                "assignee": assignment.assignee_subject,
            },
        ),
    )
    payload = CaseAssigned(
        case_id=case.id,
        case_number=case.number,
        department_code=assignment.department,
        team=assignment.team,
        assignee_subject=assignment.assignee_subject,
        actor=actor,
        assigned_at=at,
    )
    await events.publish(session, case.tenant_id, payload)
