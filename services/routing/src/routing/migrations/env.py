from guichet_kit.db.migrations import run_migrations
from routing.models import Base

run_migrations(Base.metadata, schema="routing")
