"""`/v1/municipalities/{nis}/directory|departments|categories`: the municipality's directory,
read by its members and changed by its administrator. Every change publishes a new directory
snapshot."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.events.directory import DirectoryPublished
from guichet_kit.auth import NisPath
from routing.access import DirectoryReader, DirectoryWriter
from routing.directory import admin, repository
from routing.directory.publication import build_snapshot, publish_directory
from routing.directory.schemas import (
    CATEGORY_CODE_PATTERN,
    DEPARTMENT_CODE_PATTERN,
    CategoryBody,
    DepartmentBody,
)
from routing.errors import DirectoryEntryNotFound

router = APIRouter(prefix="/v1/municipalities/{nis}", tags=["directory"])

DepartmentPath = Annotated[str, Path(pattern=DEPARTMENT_CODE_PATTERN)]
CategoryPath = Annotated[str, Path(pattern=CATEGORY_CODE_PATTERN)]
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "validation failed; `errors` lists each problem"}
}


@router.get("/directory", summary="The municipality's directory, as last published")
async def get_directory(nis: NisPath, session: DirectoryReader) -> DirectoryPublished:
    return await _current(session, nis)


@router.put("/departments/{code}", summary="Create or update a department", responses=INVALID)
async def put_department(
    nis: NisPath, code: DepartmentPath, body: DepartmentBody, session: DirectoryWriter
) -> DirectoryPublished:
    await admin.put_department(session, nis, code, body)
    return await _current(session, nis)


@router.delete(
    "/departments/{code}",
    status_code=204,
    summary="Delete a department no category or rule uses",
    responses=INVALID,
)
async def delete_department(
    nis: NisPath, code: DepartmentPath, session: DirectoryWriter
) -> Response:
    if not await admin.delete_department(session, nis, code):
        raise DirectoryEntryNotFound(code=code)
    return Response(status_code=204)


@router.put(
    "/categories/{code}",
    summary="Create or update a category with its settings, subcategories and questions",
    responses=INVALID,
)
async def put_category(
    nis: NisPath, code: CategoryPath, body: CategoryBody, session: DirectoryWriter
) -> DirectoryPublished:
    await admin.put_category(session, nis, code, body)
    return await _current(session, nis)


@router.delete(
    "/categories/{code}",
    status_code=204,
    summary="Delete a category no rule uses",
    responses=INVALID,
)
async def delete_category(nis: NisPath, code: CategoryPath, session: DirectoryWriter) -> Response:
    if not await admin.delete_category(session, nis, code):
        raise DirectoryEntryNotFound(code=code)
    return Response(status_code=204)


async def _current(session: AsyncSession, nis: str) -> DirectoryPublished:
    revision = await repository.published_revision(session, nis)
    if revision is None:
        revision = (await publish_directory(session, nis)).revision
    return await build_snapshot(session, nis, revision)
