"""Starlette's body limiter answers a plain-text 413 itself when a request's Content-Length
announces more than the route accepts (`starlette.middleware.body_limit`: it replaces
whatever the app answered, outside every exception handler). This wrapper, around the whole
middleware stack, turns that answer into the problem document the limit gives when it is hit
while reading, in the caller's language, with the route's limit (`max_bytes`)."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from guichet_kit.errors.handlers import http_error_response
from guichet_kit.logging.context import correlation_id_var
from guichet_kit.logging.middleware import CORRELATION_HEADER

_STATUS = 413


class BodyLimitProblem:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_problem(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and _is_plain_too_large(message):
                replaced = True
                limit = scope.get(MAX_BODY_SIZE_SCOPE_KEY)
                extra = {"max_bytes": limit} if isinstance(limit, int) else {}
                request = Request(scope, receive)
                response = http_error_response(request, HTTPException(_STATUS), extra=extra)
                correlation_id = correlation_id_var.get()  # the request's, still set here
                if correlation_id:
                    response.headers[CORRELATION_HEADER] = correlation_id
                await response(scope, receive, send)
            elif not replaced:
                await send(message)

        await self.app(scope, receive, send_problem)


def _is_plain_too_large(message: Message) -> bool:
    content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
    return message["status"] == _STATUS and content_type.startswith("text/plain")
