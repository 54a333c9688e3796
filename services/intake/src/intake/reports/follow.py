"""A reporter following their own report: by tracking number plus the secret token, or by
being the account that submitted it. Anything else is the same 404 as an unknown number."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from guichet_contracts.tracking import normalize_tracking_number, token_matches
from guichet_contracts.values import Channel
from guichet_kit.auth import Principal
from guichet_kit.db import set_tenant
from intake.directory.repository import municipality
from intake.reports import repository
from intake.reports.errors import ReportNotFound
from intake.reports.schemas import Location, MunicipalityOut, PhotoSummary, ReportSummary


async def follow_report(
    sessions: async_sessionmaker[AsyncSession],
    raw_number: str,
    token: str | None,
    principal: Principal | None,
    language: str,
) -> ReportSummary:
    number = normalize_tracking_number(raw_number)
    if number is None:
        raise ReportNotFound()
    async with sessions() as session, session.begin():
        locator = await repository.find_locator(session, number)
        # Compare even when the number is unknown, so timing tells nothing about it.
        token_ok = token_matches(token, locator.token_hash if locator else None)
        if locator is None or (token is None and principal is None):
            raise ReportNotFound()
        await set_tenant(session, locator.tenant_id)
        found = await repository.get_report(session, locator.report_id)
        if found is None:
            raise ReportNotFound()
        report, lat, lon = found
        own_account = principal is not None and report.account_subject == principal.subject
        if not (token_ok or own_account):
            raise ReportNotFound()
        photos = await repository.get_photos(session, report.id)
        town = await municipality(session, report.tenant_id)
    names = town.names if town else {}
    return ReportSummary(
        tracking_number=report.tracking_number,
        municipality=MunicipalityOut(
            nis=report.tenant_id, name=names.get(language) or report.tenant_id
        ),
        submitted_at=report.submitted_at,
        channel=Channel(report.channel),
        category=report.category_code,
        subcategory=report.subcategory_code,
        description=report.description,
        location=Location(lat=lat, lon=lon),
        address=report.address,
        photos=[PhotoSummary(photo_id=p.id, width=p.width, height=p.height) for p in photos],
    )
