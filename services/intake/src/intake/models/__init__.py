"""Tables of the `intake` schema."""

from sqlalchemy.orm import DeclarativeBase

from guichet_kit.bus.outbox import outbox_table
from guichet_kit.db import create_metadata


class Base(DeclarativeBase):
    metadata = create_metadata("intake")


outbox = outbox_table(Base.metadata)
