"""`build_app`: every service's FastAPI application, wired the same way."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp

from guichet_contracts.values import LANGUAGES
from guichet_kit.app.body_limit import BodyLimitProblem
from guichet_kit.app.components import Component
from guichet_kit.app.docs_login import offer_realm_login, swagger_ui_oauth
from guichet_kit.app.health import router as health_router
from guichet_kit.app.lifespan import run_components
from guichet_kit.errors import install_error_handlers
from guichet_kit.i18n import FALLBACK_LANGUAGE, KIT_CATALOGUE, load_catalogue
from guichet_kit.logging import RequestContextMiddleware, configure_logging
from guichet_kit.settings import KitSettings

DEFAULT_MAX_BODY_SIZE = 1024 * 1024


class _App(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        """Outermost, around Starlette's body limiter: its 413 becomes a problem."""
        return BodyLimitProblem(super().build_middleware_stack())


def build_app(
    *,
    settings: KitSettings,
    title: str,
    version: str,
    routers: Sequence[APIRouter] = (),
    components: Sequence[Component] = (),
    default_language: str = FALLBACK_LANGUAGE,
    catalogue: str | None = None,
    readiness_timeout: float = 2.0,
    max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
    access_log_level: int = logging.INFO,
) -> FastAPI:
    """A FastAPI app with JSON logging, correlation ids, problem+json errors, /healthz,
    /readyz, OpenAPI at /openapi.json and /docs (whose *Authorize* logs in at the realm:
    `guichet_kit.app.docs_login`), and `components` started in its lifespan.

    `catalogue` names the service's message catalogue (its package: ``"cases"``), loaded
    with the kit's; a catalogue that was not compiled stops the app here, not at its first
    error. `max_body_size` is the app-wide request body limit (1 MiB); routes taking uploads
    raise it for themselves (FastAPI's per-route/per-router ``max_body_size``).
    """
    if default_language not in LANGUAGES:
        raise ValueError(f"default_language must be one of {LANGUAGES}")
    configure_logging(settings.service_name, settings.log_level)
    for domain in (KIT_CATALOGUE, catalogue):
        if domain is not None:
            load_catalogue(domain)
    component_list = list(components)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with run_components(app, component_list):
            yield

    app = _App(
        title=title,
        version=version,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        swagger_ui_init_oauth=swagger_ui_oauth(settings),
        max_body_size=max_body_size,
        # Guichet exports no OpenTelemetry (logs carry correlation ids): off, FastAPI would
        # look up three global providers in the environment on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.components = component_list
    app.state.default_language = default_language
    app.state.readiness_timeout = readiness_timeout
    app.state.shutting_down = False
    offer_realm_login(app, settings)
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, access_log_level=access_log_level)
    app.include_router(health_router)
    for router in routers:
        app.include_router(router)
    return app
