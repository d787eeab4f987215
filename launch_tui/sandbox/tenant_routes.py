"""The platform's public and tenant routes: health, the integration token exchange,
uploads, jobs, results and findings. Tenant routes find the caller's tenant where the
auth guard put it; they never see a request without a valid access token."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from launch_tui.sandbox.auth import TENANT_SCOPE_KEY
from launch_tui.sandbox.replies import ApiError, json_object
from launch_tui.sandbox.rows import UPLOAD_PATHS, parse_csv, parse_records
from launch_tui.sandbox.world import INTERNAL_TENANT_SLUG, World

VERSION = "2026.11.3"
DEGRADED_LATENCY_MS = 500
UPLOAD_HELP = "send multipart/form-data with one field `file` holding a CSV file"


def _world(request: Request) -> World:
    return request.app.state.world


def health_report(world: World) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) from the store's database and migration state."""
    store = world.store
    if not store.database_reachable:
        checks: dict[str, dict[str, Any]] = {
            "database": {"status": "down", "latencyMs": None, "error": "connection refused"},
            "migrations": {"status": "unknown", "pending": None, "applied": None},
        }
        return 503, {"status": "down", "version": VERSION, "checks": checks}
    slow = store.database_latency_ms > DEGRADED_LATENCY_MS
    pending = store.pending_migrations
    checks = {
        "database": {"status": "degraded" if slow else "ok", "latencyMs": store.database_latency_ms},
        "migrations": {
            "status": "pending" if pending else "ok",
            "pending": pending,
            "applied": store.applied_migrations,
        },
    }
    return 200, {"status": "degraded" if slow or pending else "ok", "version": VERSION, "checks": checks}


async def health(request: Request) -> JSONResponse:
    status, body = health_report(_world(request))
    return JSONResponse(body, status_code=status)


def _token_reply(world: World, tenant_id: str, key_id: str) -> JSONResponse:
    token = world.signer.issue(tenant_id, key_id)
    return JSONResponse(
        {"accessToken": token, "tokenType": "Bearer", "expiresIn": world.signer.ttl, "tenantId": tenant_id}
    )


async def exchange_token(request: Request) -> JSONResponse:
    world = _world(request)
    # No body at all is a missing key (401), like {"key": ""}; only broken JSON is a 400.
    key = (await json_object(request, optional=True)).get("key")
    found = world.store.find_key(key) if isinstance(key, str) else None
    if found is None:
        if world.faults.accept_invalid_keys:
            internal = next(t for t in world.store.tenants.values() if t.slug == INTERNAL_TENANT_SLUG)
            return _token_reply(world, internal.id, "key_unverified")
        if key is None or (isinstance(key, str) and not key.strip()):
            raise ApiError(401, "missing_key", 'send {"key": "<integration key secret>"}')
        raise ApiError(401, "invalid_key", "the integration key is not valid")
    if found.revoked_at is not None and not world.faults.accept_revoked_keys:
        raise ApiError(401, "revoked_key", "the integration key was revoked; issue a new one")
    return _token_reply(world, found.tenant_id, found.id)


async def _uploaded_bytes(request: Request) -> bytes:
    try:
        async with request.form(max_files=1, max_fields=10) as form:
            value = form.get("file")
            if isinstance(value, UploadFile):
                return await value.read()
    except HTTPException as exc:  # a malformed multipart body or an oversized part
        raise ApiError(
            400, "invalid_file", f"the upload could not be read: {exc.detail}", details=[UPLOAD_HELP]
        ) from None
    if isinstance(value, str):  # `curl -F 'file=<x.csv'` sends the text as a plain field
        return value.encode()
    raise ApiError(400, "invalid_file", "no file in the upload", details=[UPLOAD_HELP])


def _enqueued(world: World, tenant_id: str, job_type: str, rows: list[dict[str, str]]) -> JSONResponse:
    job = world.store.create_job(tenant_id, job_type, rows)
    status = job.state_at(world.store.now())[0]
    return JSONResponse({"jobId": job.id, "type": job.type, "status": status}, status_code=202)


async def upload(request: Request) -> JSONResponse:
    job_type = UPLOAD_PATHS[request.url.path]
    rows = parse_csv(job_type, await _uploaded_bytes(request))
    return _enqueued(_world(request), request.scope[TENANT_SCOPE_KEY], job_type, rows)


async def batch(request: Request) -> JSONResponse:
    rows = parse_records((await json_object(request)).get("records"))
    return _enqueued(_world(request), request.scope[TENANT_SCOPE_KEY], "TRADE", rows)


async def get_job(request: Request) -> JSONResponse:
    store = _world(request).store
    job = store.tenant_job(request.scope[TENANT_SCOPE_KEY], request.path_params["job_id"])
    return JSONResponse(job.to_json(store.now()))


def _output(job_type: str):
    async def read(request: Request) -> JSONResponse:
        job_id = request.query_params.get("jobId", "").strip()
        if not job_id:
            raise ApiError(400, "invalid_query", "the jobId query parameter is required, like ?jobId=job_...")
        items = _world(request).store.job_output(request.scope[TENANT_SCOPE_KEY], job_id, job_type)
        return JSONResponse({"jobId": job_id, "items": items, "total": len(items)})

    read.__name__ = f"{job_type.lower()}_output"
    return read


routes = [
    Route("/health", health, methods=["GET"]),
    Route("/api/auth/token/integration", exchange_token, methods=["POST"]),
    *(Route(path, upload, methods=["POST"]) for path in UPLOAD_PATHS),
    Route("/api/sima/batch", batch, methods=["POST"]),
    Route("/api/jobs/{job_id}", get_job, methods=["GET"]),
    Route("/api/sima/results", _output("TRADE"), methods=["GET"]),
    Route("/api/ship/findings", _output("SHIP"), methods=["GET"]),
]
