"""A deliberately small stand-in for the wizard's automated checks: one verdict per
checklist item, so the scenario tests can assert that a scenario breaks exactly the
items it names and nothing else. It is no substitute for the real engine's tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
from sandbox_helpers import CSV, Api, slug

from launch_tui.target import normalise_url
from launch_tui.timefmt import parse_iso

REQUIRED_ENV = [
    "DATABASE_URL",
    "NODE_ENV",
    "JWT_PRIVATE_KEY",
    "JWT_PUBLIC_KEY",
    "CLERK_SECRET_KEY",
    "KEY_HASH_SECRET",
    "ALLOW_API_KEY_FALLBACK",
]
PROTECTED = [
    ("GET", "/api/jobs/job_probe"),
    ("GET", "/api/sima/results?jobId=job_probe"),
    ("POST", "/api/sima/batch"),
    ("POST", "/api/upload"),
    ("POST", "/api/catalog/upload"),
    ("POST", "/api/ship/upload"),
    ("POST", "/api/orders/upload"),
]


class RetryingApi(Api):
    """Retries 429 (after Retry-After), 502 and dropped connections, as the wizard's
    clients must. `pause` is injectable so tests need not sleep a real second per path."""

    def __init__(self, server, pause: Callable[[float], None] = time.sleep) -> None:
        super().__init__(server)
        self.pause = pause
        self.retries: list[str] = []

    def request(self, method, url, **kwargs) -> httpx.Response:  # type: ignore[override]
        for _ in range(5):
            try:
                response = super().request(method, url, **kwargs)
            except httpx.TransportError:
                self.retries.append("dropped")
                continue
            if response.status_code == 429:
                self.retries.append(f"429 after {response.headers['retry-after']}")
                self.pause(float(response.headers["retry-after"]))
                continue
            if response.status_code == 502:
                self.retries.append("502")
                continue
            return response
        raise AssertionError(f"{method} {url}: no answer after 5 tries")


def verdicts(api: Api, team_mode: str = "solo") -> dict[str, str]:
    """item id -> "pass", "warn" or "fail".

    Polling moves the sandbox's clock 2 s per poll instead of waiting, so that even
    the slow scenario's 20 s jobs finish in milliseconds; the clock is put back after.
    """
    store = api.server.state
    real_clock, offset = store.clock, [0.0]
    store.clock = lambda: real_clock() + offset[0]
    try:
        return _verdicts(api, team_mode, lambda seconds: offset.__setitem__(0, offset[0] + seconds))
    finally:
        store.clock = real_clock


def _verdicts(api: Api, team_mode: str, skip_ahead: Callable[[float], None]) -> dict[str, str]:
    target = api.server.target_dict(team_mode=team_mode)
    out: dict[str, str] = {}

    def check(item: str, ok: bool, warn: bool = False) -> None:
        out[item] = "fail" if not ok else "warn" if warn else "pass"

    _infra(api, target, check)
    health = api.get("/health")
    body = health.json()
    check(
        "infra.health",
        health.status_code == 200
        and body["status"] in ("ok", "degraded")
        and body["checks"]["migrations"]["pending"] == 0,
        warn=body["status"] == "degraded",
    )

    exchange = "/api/auth/token/integration"
    check(
        "auth.token-valid",
        "accessToken" in api.post(exchange, json={"key": api.creds["LAUNCH_INTEGRATION_KEY"]}).json(),
    )
    check("auth.token-revoked", api.post(exchange, json={"key": api.creds["LAUNCH_REVOKED_KEY"]}).status_code == 401)
    check(
        "auth.token-invalid",
        all(api.post(exchange, json=body).status_code == 401 for body in ({}, {"key": "lk_0badc0de_" + "ab" * 24})),
    )
    forged = {"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."}
    check(
        "auth.route-enforcement",
        all(
            api.request(method, path, headers=headers).status_code == 401
            for method, path in PROTECTED
            for headers in ({}, forged)
        ),
    )

    created = api.post("/api/admin/tenants", json={"name": "Acme Freight", "slug": slug()}, headers=api.admin)
    check("onboarding.tenant", created.status_code == 201)
    tenant_id = created.json()["id"]
    key = api.post(f"/api/admin/tenants/{tenant_id}/integration-keys", json={"label": "probe"}, headers=api.admin)
    check("onboarding.integration-key", key.status_code == 201 and "secret" in key.json())
    detectors = api.post(
        f"/api/admin/tenants/{tenant_id}/detectors", json={"detectors": {"TRADE": {"enabled": True}}}, headers=api.admin
    )
    check("onboarding.detectors", detectors.status_code == 200)
    status = api.get(f"/api/admin/tenants/{tenant_id}/onboarding-status", headers=api.admin)
    check("onboarding.status", status.status_code == 200 and "steps" in status.json())

    token = api.post(exchange, json={"key": key.json()["secret"]})
    check("first-value.token", token.status_code == 200)
    headers = {"Authorization": f"Bearer {token.json()['accessToken']}"}
    enqueued = api.upload("/api/upload", CSV["TRADE"], headers)
    check("first-value.enqueue", enqueued.status_code == 202)
    job_id = enqueued.json()["jobId"]
    job = _poll(api, job_id, headers, skip_ahead)
    check("first-value.poll", job["status"] == "succeeded")
    results = api.get("/api/sima/results", params={"jobId": job_id}, headers=headers)
    check("first-value.results", results.status_code == 200 and results.json()["total"] == 2)

    _guardrails(api, target, team_mode, check)

    invoice = api.post(
        "/api/admin/billing/invoices/generate",
        headers=api.admin,
        json={"tenantId": tenant_id, "periodStart": "2026-11-01", "periodEnd": "2026-11-30"},
    )
    check("billing.invoice-generate", invoice.status_code == 201)
    base = f"/api/admin/billing/invoices/{invoice.json()['id']}"
    check(
        "billing.invoice-lifecycle",
        [api.post(f"{base}/{step}", headers=api.admin).status_code for step in ("issue", "mark-paid", "cancel")]
        == [200, 200, 409],
    )
    return out


def _infra(api: Api, target: dict, check: Callable[..., None]) -> None:
    """Section 1 as Render serves it: env vars from the service and its linked env groups,
    the Render Postgres DATABASE_URL names, and which deploy serves."""
    api_id, web_id = target["render"]["api_service_id"], target["render"]["web_service_id"]
    service = api.get(f"/render/v1/services/{api_id}", headers=api.render).json()
    command_ok = (
        service["serviceDetails"]["envSpecificDetails"].get("preDeployCommand")
        == "cd apps/api && npx prisma migrate deploy"
    )
    newest, live = _deploys(api, api_id)
    check("infra.predeploy-migration", command_ok and newest != "pre_deploy_failed" and live, warn=newest != "live")
    env = _env(api, api_id)
    host = urlsplit(env.get("DATABASE_URL", "")).hostname or ""
    database = api.get(f"/render/v1/postgres/{host}", headers=api.render) if host.startswith("dpg-") else None
    check(
        "infra.database",
        database is not None
        and database.status_code in (200, 404)
        and (database.status_code == 404 or database.json()["status"] == "available"),
        warn=database is not None and database.status_code == 404,
    )
    web_env = _env(api, web_id)
    web = api.get(target["web_url"])
    web_newest, web_live = _deploys(api, web_id)
    check(
        "infra.web-app",
        web.status_code == 200
        and web_live
        and normalise_url(web_env.get("API_URL", "")) == normalise_url(target["api_url"]),
        warn=web_newest != "live",
    )
    check(
        "infra.env-vars",
        all(env.get(name) for name in REQUIRED_ENV)
        and env.get("NODE_ENV") == "production"
        and env.get("ALLOW_API_KEY_FALLBACK") == "false",
    )


def _deploys(api: Api, service_id: str) -> tuple[str, bool]:
    """The newest deploy's status, and whether some deploy is live (list-deploys' status filter)."""
    deploys = f"/render/v1/services/{service_id}/deploys"
    newest = api.get(deploys, params={"limit": 1}, headers=api.render).json()[0]["deploy"]["status"]
    return newest, bool(api.get(deploys, params={"limit": 1, "status": "live"}, headers=api.render).json())


def _env(api: Api, service_id: str) -> dict[str, str]:
    """The service's own env vars (every page), over those of its linked env groups."""
    env: dict[str, str] = {}
    for group in api.get("/render/v1/env-groups", params={"limit": 100}, headers=api.render).json():
        if any(link["id"] == service_id for link in group["serviceLinks"]):
            full = api.get(f"/render/v1/env-groups/{group['id']}", headers=api.render).json()
            env.update({var["key"]: var["value"] for var in full["envVars"] if var["key"] not in env})
    params: dict[str, str] = {}
    while page := api.get(f"/render/v1/services/{service_id}/env-vars", params=params, headers=api.render).json():
        env.update({item["envVar"]["key"]: item["envVar"]["value"] for item in page})
        params["cursor"] = page[-1]["cursor"]
    return env


def _poll(api: Api, job_id: str, headers: dict[str, str], skip_ahead: Callable[[float], None]) -> dict:
    for _ in range(100):
        job = api.get(f"/api/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        skip_ahead(2.0)
    raise AssertionError(f"job {job_id} never finished")


def _pages(api: Api, path: str, key: str | None = None, **params: object) -> tuple[int, list]:
    """Every page of a GitHub list, following its Link header."""
    items: list = []
    url: str | None = path
    while url:
        # httpx replaces a URL's query with `params` even when empty: pass none for a Link URL.
        response = api.get(url, params=params or None, headers=api.github)
        if response.status_code != 200:
            return response.status_code, items
        body = response.json()
        items += body if key is None else body[key]
        url, params = response.links.get("next", {}).get("url"), {}
    return 200, items


def _guardrails(api: Api, target: dict, team_mode: str, check: Callable[..., None]) -> None:
    repo = f"/github/repos/{target['github']['repo']}"
    items = (
        "guardrails.contract-gate",
        "guardrails.review-policy",
        "guardrails.conversation-resolution",
        "guardrails.force-rls",
        "guardrails.nightly",
    )
    branch = api.get(f"{repo}/branches/main", headers=api.github)
    if branch.status_code != 200:  # no access at all (the rate limit): no verdict anywhere
        for item in items:
            check(item, False)
        return
    summary = branch.json()["protection"]["required_status_checks"]
    _, rules = _pages(api, f"{repo}/rules/branches/main")
    protection = api.get(f"{repo}/branches/main/protection", headers=api.github)
    classic = protection.json() if protection.status_code == 200 else {}
    hidden = protection.status_code == 403 or protection.json().get("message") == "Not Found"
    status_checks = classic.get("required_status_checks") or {}
    required = set(status_checks.get("contexts", [])) | set(summary["contexts"])
    required |= {
        c["context"]
        for rule in rules
        if rule["type"] == "required_status_checks"
        for c in rule["parameters"]["required_status_checks"]
    }
    required |= {
        w["path"].rsplit("/", 1)[-1].removesuffix(".yml")
        for rule in rules
        if rule["type"] == "workflows"
        for w in rule["parameters"]["workflows"]
    }
    merge_queue = any(rule["type"] == "merge_queue" for rule in rules)
    check("guardrails.contract-gate", "api-contract-gate" in required and not merge_queue)
    reviews = classic.get("required_pull_request_reviews") or {}
    pull_rules = [rule["parameters"] for rule in rules if rule["type"] == "pull_request"]
    approvals = max(
        [reviews.get("required_approving_review_count", 0)] + [p["required_approving_review_count"] for p in pull_rules]
    )
    blockers = (
        reviews.get("require_code_owner_reviews")
        or reviews.get("require_last_push_approval")
        or any(p.get("required_reviewers") for p in pull_rules)
    )
    resolution = (classic.get("required_conversation_resolution") or {}).get("enabled", False) or any(
        p["required_review_thread_resolution"] for p in pull_rules
    )
    solo_ok = approvals == 0 and not blockers
    check("guardrails.review-policy", not hidden and (solo_ok if team_mode == "solo" else approvals >= 1))
    check("guardrails.conversation-resolution", not hidden and resolution is (team_mode == "multi"))
    _, runs = _pages(api, f"{repo}/commits/main/check-runs", "check_runs", check_name="staging-force-rls")
    _, statuses = _pages(api, f"{repo}/commits/main/status", "statuses")
    results = [run["conclusion"] for run in runs] + [
        s["state"] for s in statuses if s["context"] == "staging-force-rls"
    ]
    check("guardrails.force-rls", results == ["success"])
    _, nightly = _pages(
        api, f"{repo}/actions/workflows/nightly-validation.yml/runs", "workflow_runs", branch="main", status="success"
    )
    ages = [time.time() - parse_iso(run["updated_at"]).timestamp() for run in nightly if run["conclusion"] == "success"]
    check("guardrails.nightly", bool(ages) and ages[0] < 36 * 3600)
