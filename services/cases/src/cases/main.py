"""Cases: case handling by municipal staff: workflow, assignment, notes, history."""

from fastapi import FastAPI

from cases import __version__
from cases.settings import Settings
from guichet_kit.app import build_app
from guichet_kit.db import DatabaseComponent


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_app(
        settings=settings,
        title="Guichet cases",
        version=__version__,
        components=[DatabaseComponent(settings)],
    )
