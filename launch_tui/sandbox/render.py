"""A Render API look-alike (`/render/v1`): the sandbox's two services, their env vars
and deploys, in the shapes Render publishes. Pages are kept tiny so that clients which
forget to follow cursors miss env vars and fail visibly."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from launch_tui.sandbox.auth import bearer_token
from launch_tui.sandbox.replies import ApiError
from launch_tui.sandbox.scenarios import Faults
from launch_tui.sandbox.store import iso

PAGE_SIZE = 3
ELSEWHERE_API_URL = "https://api.elsewhere.invalid"
DEPLOY_AGES_HOURS = (2.0, 26.0, 50.0)


@dataclass
class EnvVar:
    key: str
    value: str
    secret: bool  # a generated value that must never appear in any output


@dataclass
class RenderService:
    id: str
    role: str  # "api" or "web"
    name: str
    url: str
    build_command: str
    start_command: str
    predeploy_command: str
    env: list[EnvVar]
    # Newest first, one (deploy id, commit sha) per entry of DEPLOY_AGES_HOURS.
    deploys: list[tuple[str, str]] = field(
        default_factory=lambda: [(f"dep-{secrets.token_hex(10)}", secrets.token_hex(20)) for _ in DEPLOY_AGES_HOURS]
    )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": "web_service",
            "ownerId": "tea-sandbox",
            "repo": "https://github.com/acme/platform",
            "branch": "main",
            "autoDeploy": "yes",
            "suspended": "not_suspended",
            "suspenders": [],
            "rootDir": "",
            "serviceDetails": {
                "url": self.url,
                "region": "oregon",
                "plan": "standard",
                "env": "node",
                "runtime": "node",
                "numInstances": 1,
                "healthCheckPath": "/health" if self.role == "api" else "",
                "envSpecificDetails": {
                    "buildCommand": self.build_command,
                    "startCommand": self.start_command,
                    "preDeployCommand": self.predeploy_command,
                },
            },
        }


def build_services(base_url: str, web_url: str, faults: Faults, key_hash_secret: str) -> dict[str, RenderService]:
    api_env = [
        EnvVar("DATABASE_URL", f"postgresql://launch_api:{secrets.token_hex(12)}@db.sandbox.invalid:5432/launch", True),
        EnvVar("NODE_ENV", "production", False),
        EnvVar("JWT_PRIVATE_KEY", f"sbx-jwt-private-{secrets.token_hex(24)}", True),
        EnvVar("JWT_PUBLIC_KEY", f"sbx-jwt-public-{secrets.token_hex(24)}", True),
        EnvVar("CLERK_SECRET_KEY", f"sk_test_sbx{secrets.token_hex(20)}", True),
        EnvVar("KEY_HASH_SECRET", key_hash_secret, True),
        EnvVar("ALLOW_API_KEY_FALLBACK", "true" if faults.missing_env else "false", False),
        EnvVar("LOG_LEVEL", "info", False),
        EnvVar("SENTRY_DSN", f"https://{secrets.token_hex(16)}@errors.sandbox.invalid/42", True),
        EnvVar("TRADE_DETECTOR_MODE", "current", False),
    ]
    if faults.missing_env:
        api_env = [var for var in api_env if var.key != "CLERK_SECRET_KEY"]
    web_env = [
        EnvVar("API_URL", ELSEWHERE_API_URL if faults.web_points_elsewhere else base_url, False),
        EnvVar("NODE_ENV", "production", False),
        EnvVar("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", f"pk_test_sbx{secrets.token_hex(16)}", True),
        EnvVar("SESSION_SECRET", f"sbx-session-{secrets.token_hex(24)}", True),
    ]
    api = RenderService(
        id="srv-sandboxapi", role="api", name="acme-api", url=base_url,
        build_command="npm ci && npm run build --workspace apps/api",
        start_command="cd apps/api && npm start",
        predeploy_command=faults.predeploy_command, env=api_env,
    )
    web = RenderService(
        # Render service URLs carry no trailing slash; the target file's web_url neither.
        id="srv-sandboxweb", role="web", name="acme-web", url=web_url.rstrip("/"),
        build_command="npm ci && npm run build --workspace apps/web",
        start_command="cd apps/web && npm start",
        predeploy_command="", env=web_env,
    )
    return {api.id: api, web.id: web}


def _cursor(*parts: str) -> str:
    return hashlib.sha256(":".join(parts).encode()).hexdigest()[:16]


def _page(request: Request, items: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Render's cursor pagination: items after `cursor`, at most min(limit, PAGE_SIZE)."""
    raw_limit = request.query_params.get("limit", "20")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 100:
        raise ApiError(400, "invalid_limit", "limit must be a whole number from 1 to 100")
    start = 0
    cursor = request.query_params.get("cursor")
    if cursor:
        cursors = [item_cursor for item_cursor, _ in items]
        if cursor not in cursors:
            raise ApiError(400, "invalid_cursor", "cursor is not one this API returned")
        start = cursors.index(cursor) + 1
    size = min(int(raw_limit), PAGE_SIZE)
    return [{**payload, "cursor": item_cursor} for item_cursor, payload in items[start:start + size]]


def _authorize(request: Request) -> None:
    expected = request.app.state.world.credentials.render_api_key
    if not secrets.compare_digest(bearer_token(request.headers) or "", expected):
        raise ApiError(401, "unauthorized", "unauthorized: set RENDER_API_KEY to a valid Render API key")


def _service(request: Request) -> RenderService:
    _authorize(request)
    service_id = request.path_params["service_id"]
    service = request.app.state.world.services.get(service_id)
    if service is None:
        raise ApiError(404, "not_found", f"service {service_id} not found")
    return service


async def list_services(request: Request) -> JSONResponse:
    _authorize(request)
    services = request.app.state.world.services.values()
    return JSONResponse(_page(request, [(_cursor(s.id), {"service": s.to_json()}) for s in services]))


async def get_service(request: Request) -> JSONResponse:
    return JSONResponse(_service(request).to_json())


async def list_env_vars(request: Request) -> JSONResponse:
    service = _service(request)
    items = [(_cursor(service.id, var.key), {"envVar": {"key": var.key, "value": var.value}}) for var in service.env]
    return JSONResponse(_page(request, items))


async def list_deploys(request: Request) -> JSONResponse:
    service = _service(request)
    now = request.app.state.world.store.now()
    items = []
    for index, ((deploy_id, commit), age) in enumerate(zip(service.deploys, DEPLOY_AGES_HOURS)):
        finished = now - age * 3600
        deploy = {
            "id": deploy_id,
            "commit": {"id": commit, "message": "Release", "createdAt": iso(finished - 900)},
            "status": "live" if index == 0 else "deactivated",
            "trigger": "new_commit",
            "createdAt": iso(finished - 600),
            "updatedAt": iso(finished),
            "finishedAt": iso(finished),
        }
        items.append((_cursor(deploy_id), {"deploy": deploy}))
    return JSONResponse(_page(request, items))


routes = [
    Route("/services", list_services),
    Route("/services/{service_id}", get_service),
    Route("/services/{service_id}/env-vars", list_env_vars),
    Route("/services/{service_id}/deploys", list_deploys),
]
