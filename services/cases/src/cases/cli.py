"""`python -m cases.cli migrate`."""

from pathlib import Path

from cases.settings import Settings
from guichet_kit.cli import run_service_cli

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

if __name__ == "__main__":
    run_service_cli(Settings(), MIGRATIONS_DIR)
