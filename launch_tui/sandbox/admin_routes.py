"""Admin routes of the platform: tenants, integration keys, detectors, onboarding
status and invoices. The auth guard and the idempotency middleware stand in front of
all of them, so the handlers here only validate and act."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from launch_tui.sandbox.replies import ApiError, json_object, text_field
from launch_tui.sandbox.store import DEFAULT_DETECTORS, Store
from launch_tui.target import SLUG


def _store(request: Request) -> Store:
    return request.app.state.world.store


async def create_tenant(request: Request) -> JSONResponse:
    body = await json_object(request)
    name = text_field(body, "name")
    slug = text_field(body, "slug", max_length=63)
    if not SLUG.match(slug):
        raise ApiError(
            400, "invalid_body", f"slug {slug!r} must be lowercase letters, digits and dashes, like acme-freight"
        )
    return JSONResponse(_store(request).create_tenant(name, slug).to_json(), status_code=201)


async def list_tenants(request: Request) -> JSONResponse:
    slug = request.query_params.get("slug")
    tenants = [t for t in _store(request).tenants.values() if slug is None or t.slug == slug]
    return JSONResponse({"items": [tenant.to_json() for tenant in tenants]})


async def issue_key(request: Request) -> JSONResponse:
    body = await json_object(request, optional=True)
    label = text_field(body, "label", max_length=100, required=False)
    key, secret = _store(request).issue_key(request.path_params["tenant_id"], label)
    return JSONResponse({**key.to_json(), "secret": secret}, status_code=201)


async def list_keys(request: Request) -> JSONResponse:
    store = _store(request)
    tenant = store.tenant(request.path_params["tenant_id"])
    keys = [key.to_json() for key in store.keys.values() if key.tenant_id == tenant.id]
    return JSONResponse({"items": keys})


async def revoke_key(request: Request) -> JSONResponse:
    key = _store(request).revoke_key(request.path_params["tenant_id"], request.path_params["key_id"])
    return JSONResponse({"id": key.id, "revokedAt": key.to_json()["revokedAt"]})


def _detector_config(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    detectors = body.get("detectors")
    if not isinstance(detectors, dict) or not detectors:
        raise ApiError(400, "invalid_body", '`detectors` must be an object like {"TRADE": {"enabled": true}}')
    config = {name: dict(value) for name, value in DEFAULT_DETECTORS.items()}
    for name, value in detectors.items():
        if name not in DEFAULT_DETECTORS:
            raise ApiError(400, "invalid_body", f"unknown detector {name!r}; known: {', '.join(DEFAULT_DETECTORS)}")
        if not isinstance(value, dict) or not isinstance(value.get("enabled"), bool):
            raise ApiError(400, "invalid_body", f"detectors.{name} must be an object with a boolean `enabled`")
        config[name] = {"enabled": value["enabled"]}
    return config


async def set_detectors(request: Request) -> JSONResponse:
    body = await json_object(request)
    tenant = _store(request).tenant(request.path_params["tenant_id"])
    tenant.detectors = _detector_config(body)
    return JSONResponse({"tenantId": tenant.id, "detectors": tenant.detectors, "configured": True})


async def get_detectors(request: Request) -> JSONResponse:
    tenant = _store(request).tenant(request.path_params["tenant_id"])
    return JSONResponse(
        {
            "tenantId": tenant.id,
            "detectors": tenant.detectors or DEFAULT_DETECTORS,
            "configured": tenant.detectors is not None,
        }
    )


async def onboarding_status(request: Request) -> JSONResponse:
    store = _store(request)
    tenant = store.tenant(request.path_params["tenant_id"])
    steps = store.onboarding_steps(tenant)
    return JSONResponse(
        {
            "tenantId": tenant.id,
            "ready": all(steps.values()),
            "steps": [{"key": key, "done": done} for key, done in steps.items()],
        }
    )


def _day(body: dict[str, Any], name: str) -> date:
    value = body.get(name)
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ApiError(400, "invalid_body", f"`{name}` must be a date like 2026-11-01")


async def generate_invoice(request: Request) -> JSONResponse:
    body = await json_object(request)
    tenant_id = text_field(body, "tenantId", max_length=64)
    start, end = _day(body, "periodStart"), _day(body, "periodEnd")
    if end < start:
        raise ApiError(400, "invalid_body", "`periodEnd` is before `periodStart`")
    invoice = _store(request).generate_invoice(tenant_id, start.isoformat(), end.isoformat())
    return JSONResponse(invoice.to_json(), status_code=201)


async def get_invoice(request: Request) -> JSONResponse:
    return JSONResponse(_store(request).invoice(request.path_params["invoice_id"]).to_json())


def _transition(action: str):
    async def move(request: Request) -> JSONResponse:
        return JSONResponse(_store(request).move_invoice(request.path_params["invoice_id"], action).to_json())

    move.__name__ = f"invoice_{action.replace('-', '_')}"
    return move


async def inventory(request: Request) -> JSONResponse:
    """Test-only, not part of the platform API: everything the sandbox holds, so a test
    (or a person) can count tenants, keys, invoices, transitions and jobs over HTTP.
    It needs the admin token, like the admin routes."""
    world = request.app.state.world
    given = request.headers.get("authorization", "").partition(" ")[2].strip()
    if not secrets.compare_digest(given.encode(), world.credentials.admin_token.encode()):
        raise ApiError(401, "invalid_admin_token", "the inventory needs the sandbox's admin token")
    return JSONResponse({**world.store.inventory(), "cutShort": world.cut_short})


TENANT = "/api/admin/tenants/{tenant_id}"
INVOICES = "/api/admin/billing/invoices"
INVENTORY_PATH = "/_sandbox/inventory"

routes = [
    Route(INVENTORY_PATH, inventory, methods=["GET"]),
    Route("/api/admin/tenants", create_tenant, methods=["POST"]),
    Route("/api/admin/tenants", list_tenants, methods=["GET"]),
    Route(f"{TENANT}/integration-keys", issue_key, methods=["POST"]),
    Route(f"{TENANT}/integration-keys", list_keys, methods=["GET"]),
    Route(f"{TENANT}/integration-keys/{{key_id}}/revoke", revoke_key, methods=["POST"]),
    Route(f"{TENANT}/detectors", set_detectors, methods=["POST"]),
    Route(f"{TENANT}/detectors", get_detectors, methods=["GET"]),
    Route(f"{TENANT}/onboarding-status", onboarding_status, methods=["GET"]),
    Route(f"{INVOICES}/generate", generate_invoice, methods=["POST"]),
    Route(f"{INVOICES}/{{invoice_id}}", get_invoice, methods=["GET"]),
    *(
        Route(f"{INVOICES}/{{invoice_id}}/{action}", _transition(action), methods=["POST"])
        for action in ("issue", "mark-paid", "cancel")
    ),
]
