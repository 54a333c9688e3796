"""Tables of the `cases` schema."""

from sqlalchemy.orm import DeclarativeBase

from guichet_kit.bus.inbox import inbox_table
from guichet_kit.bus.outbox import outbox_table
from guichet_kit.db import create_metadata


class Base(DeclarativeBase):
    metadata = create_metadata("cases")


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)

# Imported for their side effect on Base.metadata (Alembic, the migrations test).
from cases.models import (  # noqa: E402
    canned_response,
    case,
    case_attachment,
    case_counter,
    case_history,
    case_locator,
    case_note,
    case_settings,
    case_supporter,
    directory,
)

__all__ = [
    "Base",
    "canned_response",
    "case",
    "case_attachment",
    "case_counter",
    "case_history",
    "case_locator",
    "case_note",
    "case_settings",
    "case_supporter",
    "directory",
    "inbox",
    "outbox",
]
