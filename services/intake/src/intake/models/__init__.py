"""Tables of the `intake` schema."""

from sqlalchemy.orm import DeclarativeBase

from guichet_kit.bus.inbox import inbox_table
from guichet_kit.bus.outbox import outbox_table
from guichet_kit.db import create_metadata


class Base(DeclarativeBase):
    metadata = create_metadata("intake")


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)

# The table modules import `Base` from here: import them last so `Base.metadata` is complete
# for whoever imports `intake.models` (Alembic's env.py, the application).
from intake.models.case_report import CaseReport  # noqa: E402
from intake.models.case_view import CaseView  # noqa: E402
from intake.models.category import Category  # noqa: E402
from intake.models.idempotency import IdempotencyRecord  # noqa: E402
from intake.models.locator import ReportLocator  # noqa: E402
from intake.models.municipality import Municipality  # noqa: E402
from intake.models.photo import Photo  # noqa: E402
from intake.models.report import Report  # noqa: E402

__all__ = [
    "Base",
    "CaseReport",
    "CaseView",
    "Category",
    "IdempotencyRecord",
    "Municipality",
    "Photo",
    "Report",
    "ReportLocator",
    "inbox",
    "outbox",
]
