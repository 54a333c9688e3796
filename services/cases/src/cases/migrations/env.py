from cases.models import Base
from guichet_kit.db.migrations import run_migrations

run_migrations(Base.metadata, schema="cases")
