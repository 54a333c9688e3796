from analytics.models import Base
from guichet_kit.db.migrations import run_migrations

run_migrations(Base.metadata, schema="analytics")
