"""Tables of the `portal` schema."""

from sqlalchemy.orm import DeclarativeBase

from guichet_kit.bus.inbox import inbox_table
from guichet_kit.db import create_metadata


class Base(DeclarativeBase):
    metadata = create_metadata("portal")


inbox = inbox_table(Base.metadata)
