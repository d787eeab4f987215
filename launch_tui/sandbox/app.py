"""The app factory: the platform, the Render and GitHub look-alikes and the web page
in one ASGI app, wrapped in the middleware every response passes through."""

from __future__ import annotations

from http import HTTPStatus

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount
from starlette.types import ASGIApp

from launch_tui.sandbox import admin_routes, github, render, tenant_routes, web
from launch_tui.sandbox.auth import AuthGuard
from launch_tui.sandbox.idempotency import Idempotency
from launch_tui.sandbox.middleware import Flaky, Latency, RateLimits, RequestId, WholeBodies
from launch_tui.sandbox.replies import GITHUB_PREFIX, RENDER_PREFIX, ApiError, api_error_response, error_response
from launch_tui.sandbox.world import World

MAX_BODY_BYTES = 2 * 1024 * 1024
HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}


async def on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return api_error_response(request.url.path, exc)


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own refusals (no route, wrong method, body too large), in JSON."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code = HTTP_CODES.get(status) or HTTPStatus(status).phrase.lower().replace(" ", "_")
    message = {
        404: f"no route {request.method} {request.url.path}",
        405: f"{request.method} is not allowed on {request.url.path}",
    }.get(status, str(exc.detail))
    return error_response(request.url.path, status, code, message, headers=exc.headers)


async def on_crash(request: Request, exc: Exception) -> JSONResponse:
    return error_response(request.url.path, 500, "internal_error", "the sandbox failed on this request (a bug)")


def create_app(world: World, latency_ms: int = 0) -> ASGIApp:
    app = Starlette(
        routes=[
            *web.routes,
            *tenant_routes.routes,
            *admin_routes.routes,
            Mount(RENDER_PREFIX, routes=render.routes),
            Mount(GITHUB_PREFIX, routes=github.routes),
        ],
        middleware=[
            Middleware(WholeBodies, world=world),
            Middleware(AuthGuard, world=world),
            Middleware(Idempotency, world=world),
        ],
        exception_handlers={ApiError: on_api_error, HTTPException: on_http_error, Exception: on_crash},
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.world = world
    outer: ASGIApp = Flaky(app) if world.faults.flaky else app
    outer = RateLimits(outer, world)
    outer = Latency(outer, latency_ms / 1000)
    return RequestId(outer)
