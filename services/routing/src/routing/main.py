"""Routing: the tenant directory and the routing of each report to the competent department."""

from datetime import timedelta

from fastapi import FastAPI

from guichet_kit.app import build_app
from guichet_kit.auth import AuthComponent
from guichet_kit.bus import (
    CASES_STREAM,
    DIRECTORY_STREAM,
    INTAKE_STREAM,
    ROUTING_STREAM,
    BusComponent,
    ConsumerSpec,
    event_filter,
)
from guichet_kit.db import DatabaseComponent
from routing import __version__
from routing.boundaries.endpoints import router as boundaries_router
from routing.catalogue.endpoints import router as catalogue_router
from routing.decisions.endpoints import router as decisions_router
from routing.directory.endpoints import router as directory_router
from routing.models import inbox, outbox
from routing.open_cases.handlers import CASE_EVENTS, handle_case_events
from routing.router.service import RouterConfig, reports_handler
from routing.rules.endpoints import router as rules_router
from routing.settings import Settings

REPORTS_DURABLE = "routing-reports"
CASES_DURABLE = "routing-cases"


def consumers(config: RouterConfig) -> list[ConsumerSpec]:
    return [
        ConsumerSpec(
            durable=REPORTS_DURABLE,
            stream=INTAKE_STREAM,
            filter_subjects=(event_filter("report.submitted", 1),),
            batch_handler=reports_handler(config),
            batch=100,
            shared_transaction=True,
        ),
        ConsumerSpec(
            durable=CASES_DURABLE,
            stream=CASES_STREAM,
            filter_subjects=tuple(event_filter(e.event_type, e.event_version) for e in CASE_EVENTS),
            batch_handler=handle_case_events,
            batch=100,
            shared_transaction=True,
        ),
    ]


def create_app(
    settings: Settings | None = None, router_config: RouterConfig | None = None
) -> FastAPI:
    settings = settings or Settings()
    config = router_config or RouterConfig(
        duplicate_window=timedelta(days=settings.duplicate_window_days)
    )
    return build_app(
        settings=settings,
        title="Guichet routing",
        version=__version__,
        catalogue="routing",
        routers=[
            directory_router,
            catalogue_router,
            rules_router,
            decisions_router,
            boundaries_router,
        ],
        components=[
            DatabaseComponent(settings),
            BusComponent(
                settings,
                streams=[DIRECTORY_STREAM, ROUTING_STREAM],
                outbox=outbox,
                inbox=inbox,
                consumers=consumers(config),
            ),
            AuthComponent(settings),
        ],
    )
