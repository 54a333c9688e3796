"""`jurisdiction_id` → a hosted municipality, the transaction bound to it, and the language
Open311 content is given in."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.tenancy import is_tenant_id
from guichet_contracts.values import Language
from guichet_kit.db import set_tenant
from guichet_kit.i18n import negotiate_language
from intake.directory.repository import MunicipalityRef, municipality
from intake.open311.errors import MissingParameter, UnknownJurisdiction


async def enter_jurisdiction(session: AsyncSession, raw: str | None) -> MunicipalityRef:
    """The hosted municipality `raw` names; the session's transaction is bound to it (RLS)."""
    if raw is None or not raw.strip():
        raise MissingParameter(parameter="jurisdiction_id")
    nis = raw.strip()
    town = await municipality(session, nis) if is_tenant_id(nis) else None
    if town is None:
        raise UnknownJurisdiction(jurisdiction_id=nis[:20])
    await set_tenant(session, town.nis)
    return town


def content_language(request: Request, town: MunicipalityRef) -> Language:
    """Accept-Language if it names one of fr/nl/de/en, else the town's first language; errors
    from here on answer in it too."""
    default = town.languages[0] if town.languages else "fr"
    chosen = negotiate_language(request.headers.get("accept-language"), default=default)
    request.state.language = chosen
    return chosen  # type: ignore[return-value]
