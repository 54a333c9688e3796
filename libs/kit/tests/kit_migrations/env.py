"""Alembic env of the kit's test migrations: the same three lines a service writes."""

import importlib
import sys
from pathlib import Path

from guichet_kit.db.migrations import run_migrations

sys.path.insert(0, str(Path(__file__).resolve().parent))
models = importlib.import_module("kit_test_models")

run_migrations(models.Base.metadata, schema=models.SCHEMA, app_role="kit_app")
