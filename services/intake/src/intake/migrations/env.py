from guichet_kit.db.migrations import run_migrations
from intake.models import Base

run_migrations(Base.metadata, schema="intake")
