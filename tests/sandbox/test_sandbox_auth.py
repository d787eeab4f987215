"""Health, request ids, the token exchange, and who may call which route."""

from __future__ import annotations

import re

import pytest
from sandbox_helpers import REQUEST_ID, Api, unsigned_token

from launch_tui.sandbox.tokens import TokenSigner

PROTECTED = [
    ("GET", "/api/jobs/job_123"),
    ("GET", "/api/jobs/job_123/anything"),
    ("GET", "/api/sima/results?jobId=job_123"),
    ("GET", "/api/sima/not-a-route"),
    ("POST", "/api/sima/batch"),
    ("GET", "/api/ship/findings?jobId=job_123"),
    ("POST", "/api/upload"),
    ("POST", "/api/catalog/upload"),
    ("POST", "/api/ship/upload"),
    ("POST", "/api/orders/upload"),
]
ADMIN = [
    ("GET", "/api/admin/tenants"),
    ("POST", "/api/admin/tenants"),
    ("GET", "/api/admin/tenants/ten_x/onboarding-status"),
    ("POST", "/api/admin/billing/invoices/generate"),
    ("GET", "/api/admin/no-such-route"),
]


def test_health_reports_the_store_state(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    body = api.get("/health").json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok", "latencyMs": 3}
    assert body["checks"]["migrations"] == {"status": "ok", "pending": 0, "applied": 57}
    monkeypatch.setattr(api.server.state, "pending_migrations", 2)
    body = api.get("/health").json()
    assert (body["status"], body["checks"]["migrations"]["pending"]) == ("degraded", 2)
    monkeypatch.setattr(api.server.state, "database_reachable", False)
    response = api.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "down"


GITHUB_REQUEST_ID = re.compile(r"^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{6}:[0-9A-F]{6}:[0-9A-F]{8}$")


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/health"),
        ("GET", "/nowhere"),
        ("DELETE", "/health"),
        ("GET", "/api/jobs/x"),
        ("GET", "/web/"),
    ],
)
def test_every_response_has_a_request_id(api: Api, method: str, path: str) -> None:
    first = api.request(method, path).headers["x-request-id"]
    second = api.request(method, path).headers["x-request-id"]
    assert REQUEST_ID.match(first) and first != second


@pytest.mark.parametrize(
    "path",
    [
        "/github/repos/acme/platform",
        "/github/repos/acme/platform/branches/main",
        "/github/repos/acme/nope",
        "/github/nowhere",
    ],
)
def test_github_answers_carry_githubs_request_id_only(api: Api, path: str) -> None:
    first = api.get(path, headers=api.github).headers
    second = api.get(path, headers=api.github).headers
    assert GITHUB_REQUEST_ID.match(first["x-github-request-id"])
    assert first["x-github-request-id"] != second["x-github-request-id"] and "x-request-id" not in first


@pytest.mark.parametrize(
    "path", ["/render/v1/services/srv-sandboxapi", "/render/v1/services/srv-nope", "/render/v1/nowhere"]
)
def test_render_answers_carry_render_request_id_only(api: Api, path: str) -> None:
    """As the recorded Render replies do: `Render-Request-Id`, and no x-request-id."""
    first, second = (api.get(path, headers=api.render).headers for _ in range(2))
    assert re.fullmatch(r"api-[0-9a-f]{10}-[0-9a-f]{5}/[\w-]{10}-\d{7}", first["render-request-id"])
    assert first["render-request-id"] != second["render-request-id"] and "x-request-id" not in first


def test_unknown_route_and_method_answer_json_errors(api: Api) -> None:
    missing = api.get("/api/nothing-here")
    assert missing.status_code == 404 and api.error_code(missing) == "not_found"
    wrong_method = api.delete("/health")
    assert wrong_method.status_code == 405 and api.error_code(wrong_method) == "method_not_allowed"


def test_valid_key_gets_a_bearer_token(api: Api) -> None:
    response = api.post("/api/auth/token/integration", json={"key": api.creds["LAUNCH_INTEGRATION_KEY"]})
    assert response.status_code == 200
    body = response.json()
    assert body["tokenType"] == "Bearer" and body["expiresIn"] == 900
    assert body["tenantId"] == next(t.id for t in api.server.state.tenants.values() if t.slug == "sandbox-internal")
    assert body["accessToken"].count(".") == 2


@pytest.mark.parametrize(
    "body,code",
    [
        ({}, "missing_key"),
        ({"key": ""}, "missing_key"),
        ({"key": "not-a-key"}, "invalid_key"),
        ({"key": 42}, "invalid_key"),
        ({"key": "lk_00000000_" + "0" * 48}, "invalid_key"),
    ],
)
def test_missing_and_invalid_keys_are_refused(api: Api, body: dict, code: str) -> None:
    response = api.post("/api/auth/token/integration", json=body)
    assert response.status_code == 401
    assert api.error_code(response) == code


def test_no_body_is_a_missing_key_and_broken_json_a_bad_body(api: Api) -> None:
    assert api.error_code(api.post("/api/auth/token/integration")) == "missing_key"
    broken = api.post("/api/auth/token/integration", content=b'{"key": ', headers={"content-type": "application/json"})
    assert broken.status_code == 400 and api.error_code(broken) == "invalid_body"
    assert broken.json()["error"]["message"]


def test_revoked_key_is_refused(api: Api) -> None:
    response = api.post("/api/auth/token/integration", json={"key": api.creds["LAUNCH_REVOKED_KEY"]})
    assert response.status_code == 401 and api.error_code(response) == "revoked_key"


def test_a_key_with_the_right_prefix_but_wrong_secret_is_refused(api: Api) -> None:
    key = api.creds["LAUNCH_INTEGRATION_KEY"]
    tampered = key[:-1] + ("0" if key[-1] != "0" else "1")
    assert api.post("/api/auth/token/integration", json={"key": tampered}).status_code == 401


@pytest.mark.parametrize("method,path", PROTECTED)
def test_tenant_routes_refuse_a_missing_token(api: Api, method: str, path: str) -> None:
    response = api.request(method, path)
    assert response.status_code == 401
    assert api.error_code(response) == "missing_token"


@pytest.mark.parametrize("method,path", PROTECTED)
def test_tenant_routes_refuse_bad_tokens(api: Api, method: str, path: str) -> None:
    tenant_id = api.post("/api/auth/token/integration", json={"key": api.creds["LAUNCH_INTEGRATION_KEY"]}).json()[
        "tenantId"
    ]
    good = api.bearer()["Authorization"].removeprefix("Bearer ")
    forged = TokenSigner(b"not the sandbox's secret", api.server.state.now).issue(tenant_id, "key_x")
    header, payload, _ = good.split(".")
    for token in [
        forged,
        unsigned_token(tenant_id),
        unsigned_token(tenant_id, "None"),
        f"{header}.{payload}.",
        "garbage",
        "a.b.c",
        api.creds["LAUNCH_ADMIN_TOKEN"],
    ]:
        response = api.request(method, path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert api.error_code(response) == "invalid_token"


def test_a_token_signed_with_our_key_but_claiming_another_alg_is_refused(api: Api) -> None:
    """The header's alg is checked, not just the signature: no algorithm confusion."""
    import hashlib
    import hmac

    from sandbox_helpers import b64

    good = api.bearer()["Authorization"].removeprefix("Bearer ")
    payload = good.split(".")[1]
    for alg in ("none", "HS512", "RS256"):
        signing_input = f"{b64({'alg': alg, 'typ': 'JWT'})}.{payload}"
        signature = hmac.new(api.server.world.signer.secret, signing_input.encode(), hashlib.sha256).digest()
        token = f"{signing_input}.{b64(signature)}"
        response = api.get("/api/jobs/job_x", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401 and api.error_code(response) == "invalid_token", alg


def test_expired_token_is_refused(api: Api, clock) -> None:
    headers = api.bearer()
    assert api.get("/api/jobs/job_unknown", headers=headers).status_code == 404
    clock.advance(901)
    response = api.get("/api/jobs/job_unknown", headers=headers)
    assert response.status_code == 401 and api.error_code(response) == "token_expired"


def test_a_token_for_a_tenant_that_does_not_exist_is_refused(api: Api) -> None:
    token = api.server.world.signer.issue("ten_gone", "key_x")
    response = api.get("/api/jobs/job_1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


@pytest.mark.parametrize("method,path", ADMIN)
def test_admin_routes_need_the_admin_token(api: Api, method: str, path: str) -> None:
    missing = api.request(method, path)
    assert missing.status_code == 401 and api.error_code(missing) == "missing_token"
    wrong = api.request(method, path, headers={"Authorization": "Bearer sbx_admin_wrong"})
    assert wrong.status_code == 401 and api.error_code(wrong) == "invalid_token"
    tenant_token = api.request(method, path, headers=api.bearer())
    assert tenant_token.status_code == 401


def test_the_admin_token_does_not_open_the_look_alikes(api: Api) -> None:
    assert api.get("/render/v1/services/srv-sandboxapi", headers=api.admin).status_code == 401
    assert api.get("/github/repos/acme/platform", headers=api.admin).status_code == 401
