"""Who may call what. One guard, in front of the router, so that every path under a
protected prefix answers 401 without the right token, unknown sub-paths included:
a 404 there would tell a prober which routes exist."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from launch_tui.sandbox.replies import send_error, under
from launch_tui.sandbox.rows import UPLOAD_PATHS
from launch_tui.sandbox.store import new_id
from launch_tui.sandbox.tokens import TokenError
from launch_tui.timefmt import now_iso

ADMIN_PREFIX = "/api/admin"
TENANT_PREFIXES = ("/api/sima", "/api/jobs", "/api/ship", "/api/orders", "/api/catalog")
TENANT_SCOPE_KEY = "sandbox.tenant_id"


def bearer_token(headers: Mapping[str, str], schemes: tuple[str, ...] = ("bearer",)) -> str | None:
    scheme, _, token = headers.get("authorization", "").strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() in schemes and token else None


def is_admin_path(path: str) -> bool:
    return under(path, ADMIN_PREFIX)


def is_tenant_path(path: str) -> bool:
    return path in UPLOAD_PATHS or any(under(path, prefix) for prefix in TENANT_PREFIXES)


def open_route_answer(method: str, path: str, query: str) -> JSONResponse:
    """What a platform whose auth layer lets everyone through answers (open-routes).

    A 2xx whatever the body, touching no state: a probe sends requests a working route
    would refuse for other reasons (no file, unknown job), and must still see the hole.
    """
    now = now_iso()
    if path.startswith("/api/jobs/"):
        job_id = path.rsplit("/", 1)[-1]
        return JSONResponse(
            {
                "id": job_id,
                "type": "TRADE",
                "status": "succeeded",
                "progress": 1.0,
                "createdAt": now,
                "updatedAt": now,
                "error": None,
            }
        )
    if method == "POST":
        return JSONResponse(
            {"jobId": new_id("job"), "type": UPLOAD_PATHS.get(path, "TRADE"), "status": "queued"}, status_code=202
        )
    job_id = parse_qs(query).get("jobId", [""])[0]
    return JSONResponse({"jobId": job_id, "items": [], "total": 0})


class AuthGuard:
    def __init__(self, app: ASGIApp, world) -> None:
        self.app = app
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and is_admin_path(path):
            refusal = self._admin_refusal(Headers(scope=scope))
            if refusal:
                await send_error(scope, receive, send, 401, *refusal)
                return
        elif scope["type"] == "http" and is_tenant_path(path):
            try:
                scope[TENANT_SCOPE_KEY] = self._tenant_id(Headers(scope=scope))
            except TokenError as exc:
                if self.world.faults.open_routes:
                    query = scope.get("query_string", b"").decode("latin-1")
                    await open_route_answer(scope["method"], path, query)(scope, receive, send)
                    return
                await send_error(
                    scope, receive, send, 401, exc.code, exc.message, headers={"WWW-Authenticate": "Bearer"}
                )
                return
        await self.app(scope, receive, send)

    def _admin_refusal(self, headers: Headers) -> tuple[str, str] | None:
        token = bearer_token(headers)
        if token is None:
            return "missing_token", "admin routes need Authorization: Bearer <admin token> (LAUNCH_ADMIN_TOKEN)"
        if not secrets.compare_digest(token.encode(), self.world.credentials.admin_token.encode()):
            return "invalid_token", "the admin token is not valid"
        return None

    def _tenant_id(self, headers: Headers) -> str:
        token = bearer_token(headers)
        if token is None:
            raise TokenError(
                "missing_token",
                "tenant routes need Authorization: Bearer <access token>; "
                "get one from POST /api/auth/token/integration",
            )
        claims = self.world.signer.verify(token)
        if claims["tid"] not in self.world.store.tenants:
            raise TokenError("invalid_token", "the access token's tenant does not exist")
        return claims["tid"]
