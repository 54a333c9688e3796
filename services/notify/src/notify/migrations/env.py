from guichet_kit.db.migrations import run_migrations
from notify.models import Base

run_migrations(Base.metadata, schema="notify")
