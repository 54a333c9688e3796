"""intake.place_report() goes: reports are written by one plain statement (ADR 0020).

Nothing calls the function, and no release ever shipped with it: no replica of an older
version needs it during an upgrade.

Revision ID: d2a4c6e8f0b1
Revises: c5e7a9b1d3f4
Create Date: 2026-12-06 22:30:00.000000
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "d2a4c6e8f0b1"
down_revision: str | None = "c5e7a9b1d3f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CREATED_BY = "20261129_b7d2e4f6a8c0_place_report_function.py"


def _creating_revision() -> ModuleType:
    """The revision that created the function: its definition is written once, there."""
    path = Path(__file__).with_name(_CREATED_BY)
    spec = importlib.util.spec_from_file_location("intake_place_report_function", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    op.execute(f"DROP FUNCTION {_creating_revision().SIGNATURE}")


def downgrade() -> None:
    _creating_revision().upgrade()
