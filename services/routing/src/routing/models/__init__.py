"""Tables of the `routing` schema."""

from sqlalchemy.orm import DeclarativeBase

from guichet_kit.bus.inbox import inbox_table
from guichet_kit.bus.outbox import outbox_table
from guichet_kit.db import create_metadata


class Base(DeclarativeBase):
    metadata = create_metadata("routing")


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)

# The table modules import `Base` from here: import them last so `Base.metadata` is complete
# for whoever imports `routing.models` (Alembic's env.py, the application).
from routing.models.category import Category  # noqa: E402
from routing.models.decision import Decision  # noqa: E402
from routing.models.department import Department  # noqa: E402
from routing.models.directory_revision import DirectoryRevision  # noqa: E402
from routing.models.municipality import Municipality  # noqa: E402
from routing.models.open_case import OpenCase  # noqa: E402
from routing.models.question import Question  # noqa: E402
from routing.models.routing_rule import RoutingRule  # noqa: E402
from routing.models.subcategory import Subcategory  # noqa: E402

__all__ = [
    "Base",
    "Category",
    "Decision",
    "Department",
    "DirectoryRevision",
    "Municipality",
    "OpenCase",
    "Question",
    "RoutingRule",
    "Subcategory",
    "inbox",
    "outbox",
]
