"""Who may call the staff API of a municipality: each endpoint takes the admission of the cell
of the roles matrix (`guichet_contracts.roles`, docs/roles.md) it serves.

A caller from another municipality (or with no municipality) gets 404 on every endpoint, as
if the municipality were not hosted: the API reveals nothing about other towns. A member of
the town without the role gets 403. Confidential cases are filtered further, per case
(`cases.visibility`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from guichet_contracts.roles import Action, Resource
from guichet_kit.auth import Admission, admission

CasesReader = Annotated[Admission, Depends(admission(Resource.CASES, Action.READ))]
WorkflowWriter = Annotated[Admission, Depends(admission(Resource.CASE_WORKFLOW, Action.WRITE))]
NotesWriter = Annotated[Admission, Depends(admission(Resource.CASE_NOTES, Action.WRITE))]
AttachmentsReader = Annotated[Admission, Depends(admission(Resource.ATTACHMENTS, Action.READ))]
AttachmentsWriter = Annotated[Admission, Depends(admission(Resource.ATTACHMENTS, Action.WRITE))]
CannedReader = Annotated[Admission, Depends(admission(Resource.CANNED_RESPONSES, Action.READ))]
CannedWriter = Annotated[Admission, Depends(admission(Resource.CANNED_RESPONSES, Action.WRITE))]
SettingsReader = Annotated[Admission, Depends(admission(Resource.CASE_SETTINGS, Action.READ))]
SettingsWriter = Annotated[Admission, Depends(admission(Resource.CASE_SETTINGS, Action.WRITE))]
