"""The Render and GitHub look-alikes and the web page, in their real APIs' shapes."""

from __future__ import annotations

import time

import pytest
from sandbox_helpers import Api

from launch_tui.timefmt import parse_iso

API_SERVICE, WEB_SERVICE = "srv-sandboxapi", "srv-sandboxweb"
REPO = "/github/repos/acme/platform"


def env_vars(api: Api, service: str, limit: int = 100) -> tuple[dict[str, str], int]:
    """Every env var of a service, following cursors; and how many pages it took."""
    found: dict[str, str] = {}
    params: dict[str, str | int] = {"limit": limit}
    pages = 0
    while True:
        response = api.get(f"/render/v1/services/{service}/env-vars", params=params, headers=api.render)
        assert response.status_code == 200, response.text
        page = response.json()
        pages += 1
        if not page:
            return found, pages
        for item in page:
            found[item["envVar"]["key"]] = item["envVar"]["value"]
        params["cursor"] = page[-1]["cursor"]


@pytest.mark.parametrize(
    "path",
    [
        f"/render/v1/services/{API_SERVICE}",
        f"/render/v1/services/{API_SERVICE}/env-vars",
        f"/render/v1/services/{API_SERVICE}/deploys?limit=1",
        "/render/v1/services",
    ],
)
def test_render_needs_its_own_key(api: Api, path: str) -> None:
    for headers in [{}, {"Authorization": "Bearer rnd_wrong"}, {"Authorization": api.render["Authorization"] + "x"}]:
        response = api.get(path, headers=headers)
        assert response.status_code == 401
        assert response.json()["id"] == "unauthorized" and "message" in response.json()


def test_render_api_service(api: Api) -> None:
    response = api.get(f"/render/v1/services/{API_SERVICE}", headers=api.render)
    service = response.json()
    assert (service["id"], service["type"], service["suspended"]) == (API_SERVICE, "web_service", "not_suspended")
    assert service["serviceDetails"]["url"] == api.server.base_url
    details = service["serviceDetails"]["envSpecificDetails"]
    assert details["preDeployCommand"] == "cd apps/api && npx prisma migrate deploy"
    assert details["buildCommand"] and details["startCommand"]


def test_render_web_service_points_at_the_sandbox(api: Api) -> None:
    service = api.get(f"/render/v1/services/{WEB_SERVICE}", headers=api.render).json()
    assert service["serviceDetails"]["url"] == api.server.web_url.rstrip("/")
    env, _ = env_vars(api, WEB_SERVICE)
    assert env["API_URL"] == api.server.base_url


def test_render_unknown_service_is_404(api: Api) -> None:
    response = api.get("/render/v1/services/srv-nope", headers=api.render)
    assert response.status_code == 404 and response.json()["id"] == "not_found"


def test_env_vars_come_twenty_per_page_by_default_until_an_empty_page(api: Api) -> None:
    first = api.get(f"/render/v1/services/{API_SERVICE}/env-vars", headers=api.render).json()
    assert len(first) == 8 and all(set(item) == {"envVar", "cursor"} for item in first)  # all 8 fit in 20
    env, pages = env_vars(api, API_SERVICE)
    assert pages == 2  # the page, then the empty page
    assert env["NODE_ENV"] == "production" and env["ALLOW_API_KEY_FALLBACK"] == "false"
    for name in ["DATABASE_URL", "JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY", "CLERK_SECRET_KEY", "KEY_HASH_SECRET"]:
        assert len(env[name]) >= 20, name
    small, pages = env_vars(api, API_SERVICE, limit=2)
    assert small == env and pages == 5  # 2 + 2 + 2 + 2, then the empty page


def test_env_var_values_are_what_the_server_reports(api: Api) -> None:
    every = set(env_vars(api, API_SERVICE)[0].values()) | set(env_vars(api, WEB_SERVICE)[0].values())
    groups = api.get("/render/v1/env-groups", headers=api.render).json()
    for group in groups:
        every |= {
            var["value"]
            for var in api.get(f"/render/v1/env-groups/{group['id']}", headers=api.render).json()["envVars"]
        }
    assert every == set(api.server.render_env_values)
    secrets = set(api.server.render_secret_values)
    assert secrets < every and "production" not in secrets and api.server.base_url not in secrets


@pytest.mark.parametrize(
    "params,code",
    [
        ({"limit": 0}, "invalid_limit"),
        ({"limit": "x"}, "invalid_limit"),
        ({"limit": 101}, "invalid_limit"),
        ({"cursor": "nope"}, "invalid_cursor"),
    ],
)
def test_env_var_paging_mistakes_are_400(api: Api, params: dict, code: str) -> None:
    response = api.get(f"/render/v1/services/{API_SERVICE}/env-vars", params=params, headers=api.render)
    assert response.status_code == 400 and response.json()["id"] == code


def test_latest_deploy_is_live(api: Api) -> None:
    page = api.get(f"/render/v1/services/{API_SERVICE}/deploys", params={"limit": 1}, headers=api.render).json()
    assert len(page) == 1
    deploy = page[0]["deploy"]
    assert deploy["id"].startswith("dep-") and deploy["status"] == "live" and deploy["finishedAt"]
    older = api.get(
        f"/render/v1/services/{API_SERVICE}/deploys",
        params={"limit": 1, "cursor": page[0]["cursor"]},
        headers=api.render,
    ).json()
    assert older[0]["deploy"]["status"] == "deactivated"


def test_render_rate_limit_headers(api: Api) -> None:
    first = api.get(f"/render/v1/services/{API_SERVICE}", headers=api.render).headers
    second = api.get(f"/render/v1/services/{API_SERVICE}", headers=api.render).headers
    assert int(second["Ratelimit-Remaining"]) == int(first["Ratelimit-Remaining"]) - 1
    assert 0 < int(second["Ratelimit-Reset"]) <= 60


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/branches/main/protection",
        "/rules/branches/main",
        "/actions/workflows/nightly-validation.yml/runs",
        "/commits/main/check-runs",
    ],
)
def test_github_needs_its_own_token(api: Api, path: str) -> None:
    missing = api.get(REPO + path)
    assert missing.status_code == 401 and missing.json()["message"] == "Requires authentication"
    wrong = api.get(REPO + path, headers={"Authorization": "Bearer ghp_wrong"})
    assert wrong.status_code == 401 and wrong.json()["message"] == "Bad credentials"
    assert api.get(REPO + path, headers={"Authorization": f"token {api.creds['GITHUB_TOKEN']}"}).status_code == 200


def test_required_checks_need_both_protection_and_rulesets(api: Api) -> None:
    protection = api.get(f"{REPO}/branches/main/protection", headers=api.github).json()
    checks = protection["required_status_checks"]
    classic = set(checks["contexts"]) | {check["context"] for check in checks["checks"]}
    rules = api.get(f"{REPO}/rules/branches/main", headers=api.github).json()
    ruleset = {
        check["context"]
        for rule in rules
        if rule["type"] == "required_status_checks"
        for check in rule["parameters"]["required_status_checks"]
    }
    assert "api-contract-gate" not in classic and "api-contract-gate" in ruleset
    assert "api-contract-gate" in classic | ruleset


def test_review_policy_is_solo(api: Api) -> None:
    protection = api.get(f"{REPO}/branches/main/protection", headers=api.github).json()
    assert protection["required_pull_request_reviews"]["required_approving_review_count"] == 0
    assert protection["required_conversation_resolution"]["enabled"] is False
    rules = api.get(f"{REPO}/rules/branches/main", headers=api.github).json()
    pull_request = next(rule["parameters"] for rule in rules if rule["type"] == "pull_request")
    assert pull_request["required_approving_review_count"] == 0
    assert pull_request["required_review_thread_resolution"] is False


def test_nightly_succeeded_three_hours_ago(api: Api) -> None:
    params = {"branch": "main", "status": "success", "per_page": 1}
    body = api.get(f"{REPO}/actions/workflows/nightly-validation.yml/runs", params=params, headers=api.github).json()
    assert body["total_count"] == 2 and len(body["workflow_runs"]) == 1
    run = body["workflow_runs"][0]
    assert (run["status"], run["conclusion"]) == ("completed", "success")
    assert set(run) >= {"id", "html_url", "created_at", "updated_at", "run_started_at"}
    assert 2.9 * 3600 < time.time() - parse_iso(run["created_at"]).timestamp() < 3.1 * 3600


def test_workflow_runs_filter_and_page(api: Api) -> None:
    path = f"{REPO}/actions/workflows/nightly-validation.yml/runs"
    every = api.get(path, headers=api.github).json()
    assert every["total_count"] == 3
    assert [run["conclusion"] for run in every["workflow_runs"]] == ["success", "success", "failure"]
    second = api.get(path, params={"per_page": 1, "page": 2}, headers=api.github).json()["workflow_runs"]
    assert [run["id"] for run in second] == [every["workflow_runs"][1]["id"]]
    assert api.get(path, params={"branch": "dev"}, headers=api.github).json()["total_count"] == 0
    assert api.get(path, params={"status": "failure"}, headers=api.github).json()["total_count"] == 1
    assert api.get(f"{REPO}/actions/workflows/other.yml/runs", headers=api.github).status_code == 404


def test_check_runs_by_name(api: Api) -> None:
    body = api.get(
        f"{REPO}/commits/main/check-runs", params={"check_name": "staging-force-rls"}, headers=api.github
    ).json()
    assert body["total_count"] == 1
    run = body["check_runs"][0]
    assert (run["name"], run["status"], run["conclusion"]) == ("staging-force-rls", "completed", "success")
    assert run["completed_at"] and run["html_url"]
    sha = api.get(f"{REPO}/branches/main", headers=api.github).json()["commit"]["sha"]
    by_sha = api.get(f"{REPO}/commits/{sha}/check-runs", params={"check_name": "staging-force-rls"}, headers=api.github)
    assert by_sha.json()["total_count"] == 1
    assert api.get(f"{REPO}/commits/main/check-runs", headers=api.github).json()["total_count"] == 3
    assert (
        api.get(f"{REPO}/commits/main/check-runs", params={"check_name": "nope"}, headers=api.github).json()[
            "total_count"
        ]
        == 0
    )
    assert api.get(f"{REPO}/commits/deadbeef00/check-runs", headers=api.github).status_code == 422


def test_github_unknown_repo_and_branch_are_404(api: Api) -> None:
    assert api.get("/github/repos/acme/other", headers=api.github).json()["message"] == "Not Found"
    response = api.get(f"{REPO}/branches/dev/protection", headers=api.github)
    assert response.status_code == 404 and response.json()["message"] == "Branch not found"


def test_github_rate_limit_headers(api: Api) -> None:
    first = api.get(REPO, headers=api.github).headers
    second = api.get(REPO, headers=api.github).headers
    assert int(second["x-ratelimit-remaining"]) == int(first["x-ratelimit-remaining"]) - 1
    assert int(second["x-ratelimit-reset"]) > time.time()


def test_web_page_is_html_naming_its_api(api: Api) -> None:
    for path in ["/web/", "/web"]:
        response = api.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
        assert f'content="{api.server.base_url}"' in response.text
