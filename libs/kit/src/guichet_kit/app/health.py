"""/healthz (the process answers) and /readyz (its dependencies answer)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from guichet_kit.app.components import Component, ReadinessCheck
from guichet_kit.errors.problem import problem_response
from guichet_kit.i18n import request_language, translate

logger = logging.getLogger("guichet.health")
_MAX_ERROR_LENGTH = 200

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is alive (liveness probe)")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Every dependency answers (readiness probe)",
    responses={
        200: {"description": "`{status: ok, checks: {name: {status, duration_ms}}}`"},
        503: {
            "description": "Problem document naming the `failing` dependencies",
            "content": {"application/problem+json": {}},
        },
    },
)
async def readyz(request: Request) -> Response:
    if getattr(request.app.state, "shutting_down", False):
        return _not_ready(request, {"lifecycle": {"status": "fail", "error": "shutting down"}})
    components: Sequence[Component] = getattr(request.app.state, "components", ())
    timeout: float = getattr(request.app.state, "readiness_timeout", 2.0)
    checks = [c for c in (component.readiness_check() for component in components) if c]
    results = await asyncio.gather(*(run_check(check, timeout_s=timeout) for check in checks))
    report = dict(zip((check.name for check in checks), results, strict=True))
    if any(result["status"] != "ok" for result in report.values()):
        return _not_ready(request, report)
    return JSONResponse({"status": "ok", "checks": report})


async def run_check(check: ReadinessCheck, *, timeout_s: float) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            await check.probe()
    except TimeoutError:
        error = f"no answer within {timeout_s:g}s"
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_LENGTH]
    else:
        return {"status": "ok", "duration_ms": _elapsed_ms(started)}
    logger.warning("readiness check %s failed: %s", check.name, error)
    return {"status": "fail", "error": error, "duration_ms": _elapsed_ms(started)}


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _not_ready(request: Request, report: dict[str, dict[str, Any]]) -> Response:
    failing = sorted(name for name, result in report.items() if result["status"] != "ok")
    lang = request_language(request)
    return problem_response(
        request,
        status=503,
        code="service.not_ready",
        detail=translate("error.not_ready", lang, dependencies=", ".join(failing)),
        extra={"failing": failing, "checks": report},
        headers={"Cache-Control": "no-store"},
        lang=lang,
    )
