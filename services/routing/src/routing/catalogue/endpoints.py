"""`GET /v1/municipalities/{nis}/categories`: what a citizen may report in a municipality, in
their language, without a token."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Header, Query, Response

from guichet_contracts.values import Language
from guichet_kit.auth import MunicipalityNotFound, NisPath
from guichet_kit.db import SessionDep, bind_tenant
from guichet_kit.i18n import negotiate_language
from routing.catalogue.schemas import CatalogueView
from routing.catalogue.service import catalogue
from routing.directory import repository

router = APIRouter(prefix="/v1/municipalities/{nis}", tags=["citizens"])

# Shared caches may keep it a minute: a directory change shows within that.
CACHE_CONTROL = "public, max-age=60"


@router.get(
    "/categories",
    summary="The municipality's categories, subcategories and questions in one language (public)",
    response_model=CatalogueView,
    responses={304: {"description": "not changed since the ETag sent"}},
)
async def get_categories(
    nis: NisPath,
    session: SessionDep,
    response: Response,
    lang: Annotated[Language | None, Query(description="overrides Accept-Language")] = None,
    accept_language: Annotated[str | None, Header()] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> CatalogueView | Response:
    town = await repository.municipality(session, nis)
    if town is None:
        raise MunicipalityNotFound(nis=nis)
    # No preference the platform speaks: the town's (first) official language.
    language = lang or _language(accept_language, town.languages[0])
    await bind_tenant(session, nis)
    revision = await repository.published_revision(session, nis) or 0
    headers = {
        "ETag": f'"{revision}-{language}"',
        "Cache-Control": CACHE_CONTROL,
        "Vary": "Accept-Language",
        "Content-Language": language,
    }
    if if_none_match == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return await catalogue(session, town, revision, language)


def _language(accept_language: str | None, default: str) -> Language:
    return cast(Language, negotiate_language(accept_language, default=default))
