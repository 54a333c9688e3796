"""Tables of the `notify` schema."""

from sqlalchemy.orm import DeclarativeBase

from guichet_kit.bus.inbox import inbox_table
from guichet_kit.db import create_metadata


class Base(DeclarativeBase):
    metadata = create_metadata("notify")


inbox = inbox_table(Base.metadata)
