from guichet_kit.db.migrations import run_migrations
from portal.models import Base

run_migrations(Base.metadata, schema="portal")
