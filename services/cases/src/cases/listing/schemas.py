"""A page of the case list."""

from __future__ import annotations

from pydantic import BaseModel

from cases.workflow.schemas import CaseSummary


class CasePage(BaseModel):
    items: list[CaseSummary]
    page: int
    limit: int
    total: int
