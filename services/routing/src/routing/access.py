"""Who may call routing's endpoints: each takes the admission of the cell of the roles matrix
(`guichet_contracts.roles`, docs/roles.md) it serves, as the request's transaction bound to
the path's municipality. A municipality's data is for its own members, by role (anyone else:
404, as if the town were not hosted); the operator hosts municipalities and provisions their
boundaries and directories, platform-wide."""

# No `from __future__ import annotations`: FastAPI resolves the closure's annotations.
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.roles import Action, Resource
from guichet_kit.auth import Admission, admission


def _session(resource: Resource, action: Action) -> Any:
    """`Depends` on the admission to (resource, action), giving its session."""
    admit = admission(resource, action)

    async def session(admitted: Annotated[Admission, Depends(admit)]) -> AsyncSession:
        return admitted.session

    return Depends(session)


DirectoryReader = Annotated[AsyncSession, _session(Resource.DIRECTORY, Action.READ)]
DirectoryWriter = Annotated[AsyncSession, _session(Resource.DIRECTORY, Action.WRITE)]
RulesReader = Annotated[AsyncSession, _session(Resource.ROUTING_RULES, Action.READ)]
RulesWriter = Annotated[AsyncSession, _session(Resource.ROUTING_RULES, Action.WRITE)]
# The decision's reader is the whole admission: a confidential decision is hidden from whoever
# may not read confidential facts, which depends on the principal.
DecisionsReader = Annotated[Admission, Depends(admission(Resource.ROUTING_DECISIONS, Action.READ))]
MunicipalitiesWriter = Annotated[AsyncSession, _session(Resource.MUNICIPALITIES, Action.WRITE)]
BoundariesWriter = Annotated[AsyncSession, _session(Resource.BOUNDARIES, Action.WRITE)]
