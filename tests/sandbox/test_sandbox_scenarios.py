"""Each scenario breaks exactly the checklist items it is named for, and the
transport scenarios (flaky, rate-limited, slow, latency) break nothing for a client
that retries and waits as the contract says."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import httpx
import pytest
from sandbox_helpers import CSV, Api
from sandbox_probe import RetryingApi, verdicts

from launch_tui.errors import UsageError
from launch_tui.sandbox import BREAKS, SCENARIOS, SandboxServer, parse_scenarios

ROOT = Path(__file__).resolve().parents[2]
CHECKLIST = tomllib.loads((ROOT / "launch_tui/checklist/items.toml").read_text())
DEPENDS_ON = {item["id"]: item.get("depends_on", []) for section in CHECKLIST["sections"] for item in section["items"]}


def broken(api: Api, team_mode: str = "solo") -> set[str]:
    """Items that warn or fail, leaving out those whose dependency failed first
    (the engine does not run them), as BREAKS does."""
    found = verdicts(api, team_mode)
    return {
        item
        for item, verdict in found.items()
        if verdict != "pass" and all(found.get(dep, "pass") == "pass" for dep in DEPENDS_ON[item])
    }


@pytest.mark.parametrize("name", [name for name in SCENARIOS if name not in ("flaky", "rate-limited")])
def test_scenario_breaks_exactly_its_items(name: str, scenario) -> None:
    with scenario(name, job_seconds=0.2) as api:
        assert broken(api) == set(BREAKS[name])


def test_the_probe_can_tell_a_broken_sandbox(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guards the test above: against the shared healthy sandbox the probe passes
    everything, and it notices a fault injected by hand."""
    assert broken(api) == set()
    monkeypatch.setattr(api.server.world.repository, "classic", None)
    monkeypatch.setattr(api.server.world.repository, "rulesets", [])
    assert broken(api) == {"guardrails.contract-gate"}


def test_multi_mode_against_a_solo_repository_fails_the_review_items(api: Api) -> None:
    assert broken(api, team_mode="multi") == {"guardrails.review-policy", "guardrails.conversation-resolution"}


@pytest.mark.parametrize("names", [("flaky",), ("rate-limited",), ("flaky", "rate-limited")])
def test_transport_faults_break_nothing_for_a_retrying_client(names: tuple[str, ...], make_sandbox) -> None:
    waits: list[float] = []
    with RetryingApi(make_sandbox(*names, job_seconds=0.2), pause=waits.append) as api:
        assert broken(api) == set()
        assert api.retries, "the scenario never got in the way"
        if "rate-limited" in names:
            assert waits and set(waits) == {1.0}
        if "flaky" in names:
            assert {"502", "dropped"} <= set(api.retries)


def test_combined_scenarios_break_the_union(make_sandbox) -> None:
    with RetryingApi(make_sandbox("rls-red", "no-predeploy", "flaky", job_seconds=0.2)) as api:
        assert broken(api) == {"guardrails.force-rls", "infra.predeploy-migration"}


def test_rate_limited_answers_429_once_per_path_then_ok(scenario) -> None:
    with scenario("rate-limited") as api:
        first = api.get("/health")
        assert first.status_code == 429 and first.headers["Retry-After"] == "1"
        assert api.error_code(first) == "rate_limited"
        time.sleep(1)
        assert api.get("/health").status_code == 200
        render = api.get("/render/v1/services/srv-sandboxapi", headers=api.render)
        assert render.status_code == 429 and render.headers["Ratelimit-Remaining"] == "0"
        github = api.get("/github/repos/acme/platform", headers=api.github)
        assert github.status_code == 429 and github.headers["x-ratelimit-remaining"] == "0"
        assert github.headers["retry-after"] == "1"


def test_flaky_fails_the_first_of_every_three_requests_per_path(scenario) -> None:
    with scenario("flaky") as api:
        outcomes = []
        for _ in range(6):
            try:
                outcomes.append(api.get("/health").status_code)
            except httpx.TransportError:
                outcomes.append("dropped")
        assert outcomes == [502, 200, 200, "dropped", 200, 200]
        assert api.get("/web/").status_code == 502  # counted per path


def test_flaky_failures_happen_before_any_action(scenario) -> None:
    with scenario("flaky") as api:
        body = {"name": "Acme", "slug": "acme-freight"}
        statuses = [api.post("/api/admin/tenants", json=body, headers=api.admin).status_code for _ in range(3)]
        assert statuses == [502, 201, 409]
        assert sum(t.slug == "acme-freight" for t in api.server.state.tenants.values()) == 1


def test_slow_jobs_take_twenty_seconds(scenario) -> None:
    with scenario("slow", job_seconds=0.2) as api:
        assert api.server.state.job_seconds == 20
        headers = api.bearer()
        job_id = api.upload("/api/upload", CSV["TRADE"], headers).json()["jobId"]
        time.sleep(0.3)
        assert api.get(f"/api/jobs/{job_id}", headers=headers).json()["status"] == "queued"


def test_job_fails_reports_an_error(scenario) -> None:
    with scenario("job-fails", job_seconds=0) as api:
        headers = api.bearer()
        job_id = api.upload("/api/ship/upload", CSV["SHIP"], headers).json()["jobId"]
        job = api.get(f"/api/jobs/{job_id}", headers=headers).json()
        assert job["status"] == "failed" and set(job["error"]) == {"code", "message"}
        findings = api.get("/api/ship/findings", params={"jobId": job_id}, headers=headers)
        assert findings.status_code == 409 and api.error_code(findings) == "job_not_finished"


def test_open_routes_answer_2xx_without_touching_state(scenario) -> None:
    with scenario("open-routes") as api:
        jobs_before = len(api.server.state.jobs)
        assert api.get("/api/jobs/job_random").json()["id"] == "job_random"
        assert api.post("/api/upload").status_code == 202
        assert api.post("/api/sima/batch", headers={"Authorization": "Bearer forged.token.here"}).status_code == 202
        assert api.get("/api/ship/findings?jobId=x").json()["total"] == 0
        assert len(api.server.state.jobs) == jobs_before
        # With a real token the routes still behave.
        assert api.post("/api/upload", headers=api.bearer()).status_code == 400
        assert api.get("/api/admin/tenants").status_code == 401


def test_key_scenarios_hand_out_tokens_that_work(scenario) -> None:
    with scenario("invalid-key-accepted", "revoked-key-accepted") as api:
        for body in ({}, {"key": "whatever"}, {"key": api.creds["LAUNCH_REVOKED_KEY"]}):
            response = api.post("/api/auth/token/integration", json=body)
            assert response.status_code == 200
            token = response.json()["accessToken"]
            assert api.get("/api/jobs/job_x", headers={"Authorization": f"Bearer {token}"}).status_code == 404


def test_missing_env_keeps_the_database(scenario) -> None:
    with scenario("missing-env") as api:
        from sandbox_probe import _env

        env = _env(api, "srv-sandboxapi")
        assert "CLERK_SECRET_KEY" not in env and env["ALLOW_API_KEY_FALLBACK"] == "true"
        assert env["DATABASE_URL"].startswith("postgresql://")


def test_unprotected_branch_has_neither_protection_nor_rules(scenario) -> None:
    with scenario("unprotected-branch") as api:
        protection = api.get("/github/repos/acme/platform/branches/main/protection", headers=api.github)
        assert protection.status_code == 404 and protection.json()["message"] == "Branch not protected"
        assert api.get("/github/repos/acme/platform/rules/branches/main", headers=api.github).json() == []


def test_stale_nightly_recent_runs_failed(scenario) -> None:
    with scenario("stale-nightly") as api:
        runs = api.get(
            "/github/repos/acme/platform/actions/workflows/nightly-validation.yml/runs", headers=api.github
        ).json()["workflow_runs"]
        assert [run["conclusion"] for run in runs] == ["failure", "failure", "success"]


def test_latency_is_added_to_every_response(scenario) -> None:
    with scenario(latency_ms=150) as api:
        for path in ["/health", "/nowhere", "/github/repos/acme/platform"]:
            started = time.perf_counter()
            api.get(path)
            assert time.perf_counter() - started >= 0.15


def test_parse_scenarios() -> None:
    assert parse_scenarios("") == ("healthy",)
    assert parse_scenarios(" Flaky , rls-red,flaky ") == ("flaky", "rls-red")
    with pytest.raises(UsageError) as error:
        parse_scenarios("healthy,nope")
    assert "'nope'" in str(error.value) and "rate-limited" in str(error.value)
    with pytest.raises(UsageError):
        SandboxServer(("nope",))


def test_every_scenario_is_described_and_names_real_items() -> None:
    assert BREAKS.keys() == SCENARIOS.keys()
    for name, broken_items in BREAKS.items():
        assert set(broken_items) <= DEPENDS_ON.keys(), name


def test_the_docs_table_matches_the_scenarios() -> None:
    docs = (ROOT / "docs/sandbox.md").read_text()
    rows = {}
    for line in docs.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) >= 3:
            rows[cells[0].strip("`")] = tuple(item.strip("` ") for item in cells[2].split(",") if item.strip("` —-"))
    assert rows == BREAKS
