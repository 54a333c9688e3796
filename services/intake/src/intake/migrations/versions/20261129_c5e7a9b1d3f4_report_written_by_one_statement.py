"""A report is written by one plain statement (`intake.reports.repository.place`), not by
`intake.place_report()`; the unused spatial index on report locations goes.

The function's interpreter, its SPI statements and its JSON arguments cost ~0.17 ms of
PostgreSQL's time per report (ADR 0018). Under row-level security the GiST index on
`report.location` can serve no query of the app role (ADR 0017) and none reads reports by
place: it only cost every insert.

Revision ID: c5e7a9b1d3f4
Revises: b7d2e4f6a8c0
Create Date: 2026-11-29 03:20:00.000000
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "c5e7a9b1d3f4"
down_revision: str | None = "b7d2e4f6a8c0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = "intake.place_report(text, jsonb, jsonb, bytea, jsonb, uuid, text, bytea, jsonb)"
_PREVIOUS = "20261129_b7d2e4f6a8c0_place_report_function.py"


def upgrade() -> None:
    op.execute(f"DROP FUNCTION {_FUNCTION}")
    op.drop_index("ix_report_location", table_name="report", schema="intake")


def downgrade() -> None:
    op.create_index(
        "ix_report_location", "report", ["location"], schema="intake", postgresql_using="gist"
    )
    op.execute(_previous_function())


def _previous_function() -> str:
    """The function as the previous revision created it (its own text, not a copy)."""
    spec = importlib.util.spec_from_file_location("previous", Path(__file__).with_name(_PREVIOUS))
    assert spec is not None
    assert spec.loader is not None
    previous = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(previous)
    create: str = previous.CREATE
    return create
