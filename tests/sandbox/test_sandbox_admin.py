"""Tenants, integration keys, detectors, onboarding status, invoices, idempotency."""

from __future__ import annotations

import re

import pytest
from sandbox_helpers import CSV, Api, slug


def test_create_tenant_then_look_it_up_by_slug(api: Api) -> None:
    name = slug()
    created = api.post("/api/admin/tenants", json={"name": "Acme Freight", "slug": name}, headers=api.admin)
    assert created.status_code == 201
    tenant = created.json()
    assert tenant["id"].startswith("ten_") and tenant["slug"] == name and tenant["name"] == "Acme Freight"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", tenant["createdAt"])
    found = api.get("/api/admin/tenants", params={"slug": name}, headers=api.admin).json()
    assert found == {"items": [tenant]}
    assert api.get("/api/admin/tenants", params={"slug": "no-such-slug"}, headers=api.admin).json() == {"items": []}


def test_listing_without_slug_returns_every_tenant(api: Api) -> None:
    first, second = api.new_tenant(), api.new_tenant()
    slugs = {item["slug"] for item in api.get("/api/admin/tenants", headers=api.admin).json()["items"]}
    assert {first["slug"], second["slug"], "sandbox-internal"} <= slugs


def test_a_taken_slug_is_refused(api: Api) -> None:
    tenant = api.new_tenant()
    again = api.post("/api/admin/tenants", json={"name": "Other", "slug": tenant["slug"]}, headers=api.admin)
    assert again.status_code == 409 and api.error_code(again) == "slug_taken"
    assert sum(t.slug == tenant["slug"] for t in api.server.state.tenants.values()) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b"",
        b'{"name": "X"}',
        b'{"name": "", "slug": "ok-slug"}',
        b'{"name": "X", "slug": "Not A Slug"}',
        b'{"name": 5, "slug": "ok-slug"}',
        b'{"name": "a\\u0007b", "slug": "ok"}',
    ],
)
def test_bad_tenant_bodies_are_400(api: Api, body: bytes) -> None:
    before = len(api.server.state.tenants)
    response = api.post("/api/admin/tenants", content=body, headers={**api.admin, "content-type": "application/json"})
    assert response.status_code == 400 and api.error_code(response) == "invalid_body"
    assert response.json()["error"]["message"]
    assert len(api.server.state.tenants) == before


def test_unknown_tenant_is_404_everywhere(api: Api) -> None:
    for method, suffix in [
        ("POST", "integration-keys"),
        ("GET", "integration-keys"),
        ("GET", "detectors"),
        ("POST", "integration-keys/key_x/revoke"),
        ("GET", "onboarding-status"),
    ]:
        response = api.request(method, f"/api/admin/tenants/ten_missing/{suffix}", json={}, headers=api.admin)
        assert response.status_code == 404 and api.error_code(response) == "tenant_not_found", suffix
    detectors = api.post(
        "/api/admin/tenants/ten_missing/detectors", json={"detectors": {"TRADE": {"enabled": True}}}, headers=api.admin
    )
    assert api.error_code(detectors) == "tenant_not_found"


def test_key_secret_is_shown_once_and_stored_only_as_a_hash(api: Api) -> None:
    tenant = api.new_tenant()
    key = api.new_key(tenant["id"])
    assert key["id"].startswith("key_") and key["label"] == "test"
    assert re.match(r"^lk_[0-9a-f]{8}$", key["prefix"])
    assert key["secret"].startswith(key["prefix"] + "_") and len(key["secret"]) > len(key["prefix"]) + 20
    listed = api.get(f"/api/admin/tenants/{tenant['id']}/integration-keys", headers=api.admin).json()["items"]
    assert listed == [
        {"id": key["id"], "prefix": key["prefix"], "label": "test", "createdAt": key["createdAt"], "revokedAt": None}
    ]
    stored = api.server.state.keys[key["id"]]
    assert key["secret"] not in repr(stored) and stored.secret_hash != key["secret"]


def test_a_new_key_exchanges_for_a_token_of_its_tenant(api: Api) -> None:
    tenant = api.new_tenant()
    secret = api.new_key(tenant["id"])["secret"]
    response = api.post("/api/auth/token/integration", json={"key": secret})
    assert response.status_code == 200 and response.json()["tenantId"] == tenant["id"]


def test_key_label_is_optional(api: Api) -> None:
    tenant = api.new_tenant()
    response = api.post(f"/api/admin/tenants/{tenant['id']}/integration-keys", headers=api.admin)
    assert response.status_code == 201 and response.json()["label"] == ""


def test_revoking_a_key_stops_its_exchange(api: Api) -> None:
    tenant = api.new_tenant()
    key = api.new_key(tenant["id"])
    revoked = api.post(f"/api/admin/tenants/{tenant['id']}/integration-keys/{key['id']}/revoke", headers=api.admin)
    assert revoked.status_code == 200
    assert revoked.json()["id"] == key["id"] and revoked.json()["revokedAt"]
    exchange = api.post("/api/auth/token/integration", json={"key": key["secret"]})
    assert exchange.status_code == 401 and api.error_code(exchange) == "revoked_key"
    listed = api.get(f"/api/admin/tenants/{tenant['id']}/integration-keys", headers=api.admin).json()["items"]
    assert listed[0]["revokedAt"] == revoked.json()["revokedAt"]
    again = api.post(f"/api/admin/tenants/{tenant['id']}/integration-keys/{key['id']}/revoke", headers=api.admin)
    assert again.json()["revokedAt"] == revoked.json()["revokedAt"]


def test_revoking_another_tenants_key_is_404(api: Api) -> None:
    owner, other = api.new_tenant(), api.new_tenant()
    key = api.new_key(owner["id"])
    response = api.post(f"/api/admin/tenants/{other['id']}/integration-keys/{key['id']}/revoke", headers=api.admin)
    assert response.status_code == 404 and api.error_code(response) == "key_not_found"
    assert api.server.state.keys[key["id"]].revoked_at is None


def test_detectors_default_then_set(api: Api) -> None:
    tenant = api.new_tenant()
    path = f"/api/admin/tenants/{tenant['id']}/detectors"
    defaults = api.get(path, headers=api.admin).json()
    assert defaults["tenantId"] == tenant["id"] and defaults["configured"] is False
    assert defaults["detectors"] == {"TRADE": {"enabled": True}, "SHIP": {"enabled": True}, "ORDERS": {"enabled": True}}
    wanted = {"TRADE": {"enabled": True}, "SHIP": {"enabled": True}, "ORDERS": {"enabled": False}}
    response = api.post(path, json={"detectors": wanted}, headers=api.admin)
    assert response.status_code == 200 and response.json()["detectors"] == wanted
    assert api.get(path, headers=api.admin).json()["detectors"] == wanted


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"detectors": []},
        {"detectors": {}},
        {"detectors": {"FOO": {"enabled": True}}},
        {"detectors": {"TRADE": {"enabled": "yes"}}},
        {"detectors": {"TRADE": True}},
    ],
)
def test_bad_detector_bodies_are_400(api: Api, body: dict) -> None:
    tenant = api.new_tenant()
    response = api.post(f"/api/admin/tenants/{tenant['id']}/detectors", json=body, headers=api.admin)
    assert response.status_code == 400 and api.error_code(response) == "invalid_body"
    assert api.server.state.tenants[tenant["id"]].detectors is None


def test_onboarding_status_follows_what_happened(api: Api, clock) -> None:
    tenant = api.new_tenant()
    path = f"/api/admin/tenants/{tenant['id']}/onboarding-status"

    def steps() -> dict[str, bool]:
        body = api.get(path, headers=api.admin).json()
        assert body["tenantId"] == tenant["id"]
        result = {step["key"]: step["done"] for step in body["steps"]}
        assert body["ready"] == all(result.values())
        return result

    assert steps() == {
        "tenant_created": True,
        "integration_key_issued": False,
        "detectors_configured": False,
        "first_job_completed": False,
    }
    headers = api.bearer(api.new_key(tenant["id"])["secret"])
    assert steps()["integration_key_issued"] is True
    api.post(
        f"/api/admin/tenants/{tenant['id']}/detectors",
        json={"detectors": {"SHIP": {"enabled": False}}},
        headers=api.admin,
    )
    assert steps()["detectors_configured"] is True
    job_id = api.upload("/api/upload", CSV["TRADE"], headers).json()["jobId"]
    assert steps()["first_job_completed"] is False
    clock.advance(api.server.state.job_seconds + 0.01)
    assert api.get(f"/api/jobs/{job_id}", headers=headers).json()["status"] == "succeeded"
    assert all(steps().values())


def _invoice(api: Api, **overrides) -> dict:
    tenant = api.new_tenant()
    body = {"tenantId": tenant["id"], "periodStart": "2026-11-01", "periodEnd": "2026-11-30", **overrides}
    response = api.post("/api/admin/billing/invoices/generate", json=body, headers=api.admin)
    assert response.status_code == 201, response.text
    return response.json()


def test_generate_invoice_makes_a_draft(api: Api) -> None:
    invoice = _invoice(api)
    assert invoice["id"].startswith("inv_") and invoice["status"] == "draft"
    assert (invoice["amountCents"], invoice["currency"]) == (0, "USD")
    assert (invoice["periodStart"], invoice["periodEnd"]) == ("2026-11-01", "2026-11-30")
    assert api.get(f"/api/admin/billing/invoices/{invoice['id']}", headers=api.admin).json() == invoice


@pytest.mark.parametrize(
    "body,code,status",
    [
        ({"tenantId": "ten_missing", "periodStart": "2026-11-01", "periodEnd": "2026-11-30"}, "tenant_not_found", 404),
        ({"periodStart": "2026-11-01", "periodEnd": "2026-11-30"}, "invalid_body", 400),
        ({"tenantId": "ten_x", "periodStart": "November", "periodEnd": "2026-11-30"}, "invalid_body", 400),
        ({"tenantId": "ten_x", "periodStart": "2026-11-30", "periodEnd": "2026-11-01"}, "invalid_body", 400),
    ],
)
def test_bad_invoice_requests(api: Api, body: dict, code: str, status: int) -> None:
    response = api.post("/api/admin/billing/invoices/generate", json=body, headers=api.admin)
    assert (response.status_code, api.error_code(response)) == (status, code)


def test_unknown_invoice_is_404(api: Api) -> None:
    for method, path in [("GET", "inv_missing"), ("POST", "inv_missing/issue")]:
        response = api.request(method, f"/api/admin/billing/invoices/{path}", headers=api.admin)
        assert response.status_code == 404 and api.error_code(response) == "invoice_not_found"


@pytest.mark.parametrize(
    "steps,final",
    [
        (["issue", "mark-paid"], "paid"),
        (["cancel"], "cancelled"),
        (["issue", "cancel"], "cancelled"),
    ],
)
def test_invoice_lifecycle(api: Api, steps: list[str], final: str) -> None:
    invoice = _invoice(api)
    for step in steps:
        response = api.post(f"/api/admin/billing/invoices/{invoice['id']}/{step}", headers=api.admin)
        assert response.status_code == 200, (step, response.text)
    assert response.json()["status"] == final
    stamp = {"paid": "paidAt", "cancelled": "cancelledAt"}[final]
    assert response.json()[stamp]


@pytest.mark.parametrize(
    "before,action",
    [
        ([], "mark-paid"),
        (["issue"], "issue"),
        (["issue", "mark-paid"], "cancel"),
        (["issue", "mark-paid"], "mark-paid"),
        (["issue", "mark-paid"], "issue"),
        (["issue", "cancel"], "mark-paid"),
        (["cancel"], "issue"),
        (["cancel"], "cancel"),
    ],
)
def test_invalid_invoice_transitions_are_409(api: Api, before: list[str], action: str) -> None:
    invoice = _invoice(api)
    for step in before:
        assert api.post(f"/api/admin/billing/invoices/{invoice['id']}/{step}", headers=api.admin).status_code == 200
    status = api.server.state.invoices[invoice["id"]].status
    response = api.post(f"/api/admin/billing/invoices/{invoice['id']}/{action}", headers=api.admin)
    assert response.status_code == 409 and api.error_code(response) == "invalid_transition"
    assert api.server.state.invoices[invoice["id"]].status == status


def test_idempotency_key_replays_the_first_response(api: Api) -> None:
    body = {"name": "Acme Freight", "slug": slug()}
    headers = {**api.admin, "Idempotency-Key": f"create-{body['slug']}"}
    first = api.post("/api/admin/tenants", json=body, headers=headers)
    second = api.post("/api/admin/tenants", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert sum(t.slug == body["slug"] for t in api.server.state.tenants.values()) == 1


def test_idempotency_replays_errors_and_transitions_too(api: Api) -> None:
    invoice = _invoice(api)
    headers = {**api.admin, "Idempotency-Key": "pay-once"}
    issue = f"/api/admin/billing/invoices/{invoice['id']}/issue"
    assert api.post(issue, headers={**api.admin, "Idempotency-Key": "issue-once"}).status_code == 200
    # Without the key a second issue is refused; with the same key it is the first answer again.
    assert api.post(issue, headers=api.admin).status_code == 409
    assert api.post(issue, headers={**api.admin, "Idempotency-Key": "issue-once"}).status_code == 200
    paid = f"/api/admin/billing/invoices/{invoice['id']}/mark-paid"
    assert [api.post(paid, headers=headers).status_code for _ in range(3)] == [200, 200, 200]


def test_idempotency_key_issues_one_key_only(api: Api) -> None:
    tenant = api.new_tenant()
    headers = {**api.admin, "Idempotency-Key": "issue-key-1"}
    path = f"/api/admin/tenants/{tenant['id']}/integration-keys"
    first = api.post(path, json={"label": "x"}, headers=headers).json()
    second = api.post(path, json={"label": "x"}, headers=headers).json()
    # The replay is the first answer without the secret: it appears once, and only its hash is kept.
    assert first.pop("secret").startswith(first["prefix"]) and "secret" not in second
    assert first == second
    assert sum(key.tenant_id == tenant["id"] for key in api.server.state.keys.values()) == 1


def test_idempotency_key_reused_with_another_body_is_refused(api: Api) -> None:
    headers = {**api.admin, "Idempotency-Key": f"reuse-{slug()}"}
    assert api.post("/api/admin/tenants", json={"name": "A", "slug": slug()}, headers=headers).status_code == 201
    other = api.post("/api/admin/tenants", json={"name": "B", "slug": slug()}, headers=headers)
    assert other.status_code == 422 and api.error_code(other) == "idempotency_key_reused"


def test_idempotency_key_expires_after_24_hours(api: Api, clock) -> None:
    tenant = api.new_tenant()
    headers = {**api.admin, "Idempotency-Key": f"day-{tenant['id']}"}
    path = f"/api/admin/tenants/{tenant['id']}/integration-keys"
    first = api.post(path, headers=headers).json()
    first.pop("secret")
    clock.advance(23 * 3600)
    assert api.post(path, headers=headers).json() == first
    clock.advance(2 * 3600)
    assert api.post(path, headers=headers).json()["id"] != first["id"]


def test_idempotency_needs_the_admin_token_first(api: Api) -> None:
    headers = {**api.admin, "Idempotency-Key": f"auth-{slug()}"}
    body = {"name": "A", "slug": slug()}
    assert api.post("/api/admin/tenants", json=body, headers=headers).status_code == 201
    stranger = api.post("/api/admin/tenants", json=body, headers={"Idempotency-Key": headers["Idempotency-Key"]})
    assert stranger.status_code == 401
