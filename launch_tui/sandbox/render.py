"""A Render API look-alike (`/render/v1`): services, env vars, deploys, env groups and
Render Postgres, answering as Render's published API does (state in render_state.py).

Pagination as Render documents it: `limit` from 1 to 100, 20 by default; list items are
`{<object>, cursor}` and the next page starts after `cursor`; the end is an empty page.
(The env-group list is the exception: Render's schema gives its items no cursor.)
Errors are `{id, message}`; every reply carries a `Render-Request-Id` (middleware.py).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from launch_tui.sandbox.auth import bearer_token
from launch_tui.sandbox.render_state import (
    ELSEWHERE_API_URL,
    EnvGroup,
    EnvVar,
    Postgres,
    RenderService,
    RenderState,
    build_render,
)
from launch_tui.sandbox.replies import ApiError
from launch_tui.sandbox.store import iso

__all__ = ["ELSEWHERE_API_URL", "EnvVar", "RenderService", "RenderState", "build_render", "routes"]

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# The deploy statuses Render's schema lists (`deployStatus`); the `status` filter takes only these.
DEPLOY_STATUSES = frozenset(
    {
        "created",
        "queued",
        "build_in_progress",
        "update_in_progress",
        "live",
        "deactivated",
        "build_failed",
        "update_failed",
        "canceled",
        "pre_deploy_in_progress",
        "pre_deploy_failed",
    }
)


def _cursor(*parts: str) -> str:
    return hashlib.sha256(":".join(parts).encode()).hexdigest()[:16]


def _limit(request: Request) -> int:
    raw = request.query_params.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(400, "invalid_limit", f"limit must be a whole number from 1 to {MAX_LIMIT}")
    cap = request.app.state.world.faults.render_page_cap
    return min(int(raw), cap) if cap else int(raw)


def _page(request: Request, items: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Render's cursor pagination: the items after `cursor`, at most `limit` of them."""
    start = 0
    cursor = request.query_params.get("cursor")
    if cursor:
        cursors = [item_cursor for item_cursor, _ in items]
        if cursor not in cursors:
            raise ApiError(400, "invalid_cursor", "cursor is not one this API returned")
        start = cursors.index(cursor) + 1
    size = _limit(request)
    return [{**payload, "cursor": item_cursor} for item_cursor, payload in items[start : start + size]]


def _authorize(request: Request) -> RenderState:
    world = request.app.state.world
    if not secrets.compare_digest(bearer_token(request.headers) or "", world.credentials.render_api_key):
        raise ApiError(401, "unauthorized", "unauthorized")
    state: RenderState = world.render
    return state


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


Found = TypeVar("Found", bound=_HasId)


def _by_id(request: Request, param: str, objects: Iterable[Found]) -> Found:
    """The object a path parameter names, or Render's 404 (`not found: <id>`)."""
    wanted = request.path_params[param]
    found = next((o for o in objects if o.id == wanted), None)
    if found is None:
        raise ApiError(404, "not_found", f"not found: {wanted}")
    return found


def _service(request: Request) -> RenderService:
    return _by_id(request, "service_id", _authorize(request).services.values())


def _owner_filter(request: Request) -> set[str] | None:
    owners = request.query_params.getlist("ownerId")
    return set(owners) if owners else None


async def list_services(request: Request) -> JSONResponse:
    state = _authorize(request)
    return JSONResponse(_page(request, [(_cursor(s.id), {"service": s.to_json()}) for s in state.services.values()]))


async def get_service(request: Request) -> JSONResponse:
    return JSONResponse(_service(request).to_json())


async def list_env_vars(request: Request) -> JSONResponse:
    service = _service(request)
    items = [(_cursor(service.id, var.key), {"envVar": {"key": var.key, "value": var.value}}) for var in service.env]
    return JSONResponse(_page(request, items))


async def list_deploys(request: Request) -> JSONResponse:
    service = _service(request)
    wanted = request.query_params.getlist("status")
    unknown = sorted(set(wanted) - DEPLOY_STATUSES)
    if unknown:
        raise ApiError(400, "invalid_status", f"invalid deploy status: {unknown[0]}")
    now = request.app.state.world.store.now()
    items = [
        (_cursor(d.id), {"deploy": d.to_json(now, iso)}) for d in service.deploys if not wanted or d.status in wanted
    ]
    return JSONResponse(_page(request, items))


def _group(request: Request) -> EnvGroup:
    return _by_id(request, "group_id", _authorize(request).env_groups)


async def list_env_groups(request: Request) -> JSONResponse:
    """`envGroupMeta[]`: no values, no cursor per item (as the schema has it); `limit` applies."""
    state = _authorize(request)
    owners = _owner_filter(request)
    environments = request.query_params.getlist("environmentId")
    groups = [
        g.meta()
        for g in state.env_groups
        if (owners is None or g.meta()["ownerId"] in owners)
        and (not environments or g.meta()["environmentId"] in environments)
    ]
    return JSONResponse(groups[: _limit(request)])


async def get_env_group(request: Request) -> JSONResponse:
    return JSONResponse(_group(request).to_json())


def _database(request: Request) -> Postgres:
    return _by_id(request, "postgres_id", _authorize(request).databases)


async def list_postgres(request: Request) -> JSONResponse:
    state = _authorize(request)
    owners = _owner_filter(request)
    items = [
        (_cursor(d.id), {"postgres": d.to_json()})
        for d in state.databases
        if owners is None or d.to_json()["owner"]["id"] in owners
    ]
    return JSONResponse(_page(request, items))


async def get_postgres(request: Request) -> JSONResponse:
    return JSONResponse(_database(request).to_json())


routes = [
    Route("/services", list_services),
    Route("/services/{service_id}", get_service),
    Route("/services/{service_id}/env-vars", list_env_vars),
    Route("/services/{service_id}/deploys", list_deploys),
    Route("/env-groups", list_env_groups),
    Route("/env-groups/{group_id}", get_env_group),
    Route("/postgres", list_postgres),
    Route("/postgres/{postgres_id}", get_postgres),
]
