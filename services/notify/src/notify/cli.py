"""`python -m notify.cli migrate`."""

from pathlib import Path

from guichet_kit.cli import run_service_cli
from notify.settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

if __name__ == "__main__":
    run_service_cli(Settings(), MIGRATIONS_DIR)
