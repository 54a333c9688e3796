"""`/v1/municipalities/{nis}/rules`: the municipality's ordered routing rules."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from guichet_contracts.values import Confidentiality, Priority
from guichet_kit.auth import NisPath
from routing.access import RulesReader, RulesWriter
from routing.errors import RuleNotFound
from routing.models import RoutingRule
from routing.rules import repository
from routing.rules.schemas import RuleSetBody, RuleSetView, RuleView, TimeWindowBody
from routing.rules.validation import validate_rule_set

router = APIRouter(prefix="/v1/municipalities/{nis}/rules", tags=["routing rules"])


@router.get("", summary="The routing rules, in evaluation order")
async def list_rules(nis: NisPath, session: RulesReader) -> RuleSetView:
    return RuleSetView(rules=[_view(r, a) for r, a in await repository.stored_rules(session)])


@router.put(
    "",
    summary="Replace the routing rules (validated as a whole; the first match wins)",
    responses={422: {"description": "unknown department or category, invalid area, ..."}},
)
async def replace_rules(nis: NisPath, body: RuleSetBody, session: RulesWriter) -> RuleSetView:
    directory = await repository.directory(session)
    valid = await validate_rule_set(session, body, directory)
    await repository.replace_rules(session, nis, valid)
    return RuleSetView(rules=[_view(r, a) for r, a in await repository.stored_rules(session)])


@router.get("/{rule_id}", summary="One routing rule")
async def get_rule(nis: NisPath, rule_id: UUID, session: RulesReader) -> RuleView:
    for rule, area in await repository.stored_rules(session):
        if rule.id == rule_id:
            return _view(rule, area)
    raise RuleNotFound(rule_id=str(rule_id))


def _view(rule: RoutingRule, area: dict[str, Any] | None) -> RuleView:
    window = None
    if rule.weekdays or rule.start_time is not None:
        window = TimeWindowBody(weekdays=rule.weekdays, start=rule.start_time, end=rule.end_time)
    return RuleView(
        id=rule.id,
        position=rule.position,
        name=rule.name,
        categories=rule.category_codes,
        area=area,
        time_window=window,
        keywords=rule.keywords,
        departments=rule.department_codes,
        priority=Priority(rule.priority),
        sla_business_days=rule.sla_business_days,
        confidentiality=Confidentiality(rule.confidentiality) if rule.confidentiality else None,
    )
