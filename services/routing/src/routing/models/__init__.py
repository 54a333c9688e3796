"""Tables of the `routing` schema."""

from sqlalchemy.orm import DeclarativeBase

from guichet_kit.bus.inbox import inbox_table
from guichet_kit.bus.outbox import outbox_table
from guichet_kit.db import create_metadata


class Base(DeclarativeBase):
    metadata = create_metadata("routing")


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
