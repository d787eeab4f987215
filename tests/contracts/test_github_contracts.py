"""Contract tests against GitHub's own OpenAPI description (fragments vendored in
tests/contracts/github/ by tools/extract_github_contracts.py; see its README):

(a) the client parses every example GitHub publishes for the endpoints it reads, and the
    checks, fed those examples over HTTP, give the verdict they should;
(b) the look-alike's answers, in every GitHub scenario, validate against the same schemas.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from launch_tui.clients.github import (
    first_success,
    parse_branch,
    parse_check_runs,
    parse_protection,
    parse_rules,
    parse_rulesets,
    parse_statuses,
    parse_workflow_runs,
)
from launch_tui.engine import RunContext, run_items
from launch_tui.results import Status
from launch_tui.secrets import Secrets
from launch_tui.target import target_from_dict

CONTRACTS = Path(__file__).parent / "github"
NAMES = sorted(p.stem for p in CONTRACTS.glob("*.json"))


@cache
def contract(name: str) -> dict[str, Any]:
    return json.loads((CONTRACTS / f"{name}.json").read_text())


def example(name: str, status: str = "200", which: str = "default") -> Any:
    return contract(name)["responses"][status]["examples"][which]


def validate(name: str, status: int, body: Any) -> None:
    responses = contract(name)["responses"]
    # Errors are GitHub's basic-error whatever the endpoint; the 404 schema is that shape.
    schema = (
        responses[str(status)]["schema"]
        if str(status) in responses
        else contract("get-branch")["responses"]["404"]["schema"]
    )
    jsonschema.Draft7Validator(schema).validate(body)


def test_every_vendored_file_names_its_source_and_licence() -> None:
    assert (CONTRACTS / "LICENSE-octokit-openapi").read_text().startswith("MIT License")
    for name in NAMES:
        source = contract(name)["source"]
        assert source["package"].startswith("@octokit/openapi@") and source["file"] and source["json_pointer"]
        assert "MIT" in source["licence"]


# --- (a) the published examples --------------------------------------------------------


def test_branch_example() -> None:
    branch = parse_branch(example("get-branch"))
    assert (branch.protected, branch.classic_enabled, branch.classic_contexts) == (False, False, set())
    assert branch.sha == "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d"


def test_protection_example() -> None:
    protection = parse_protection(example("get-branch-protection"))
    assert protection.contexts == {"continuous-integration/travis-ci"}
    assert protection.approvals == 2 and protection.sources == ["branch protection"]
    assert any("code-owner" in blocker for blocker in protection.solo_blockers)


def test_rules_example_requires_nothing_a_check_reads() -> None:
    rules = parse_rules(example("get-branch-rules"))
    assert (rules.contexts, rules.workflows, rules.approvals, rules.merge_queue) == (set(), set(), 0, False)


def test_rulesets_examples_keep_enforcement_as_written() -> None:
    # GitHub's own example says "enabled", which its schema does not allow: only evaluate and
    # disabled are read as "does not enforce"; anything else is not guessed at.
    found = parse_rulesets(example("get-repo-rulesets"))
    assert [(r.id, r.enforcement) for r in found] == [(42, "enabled"), (314, "enabled")]
    detail = example("get-repo-ruleset")
    assert parse_rules(detail["rules"]).contexts == set() and detail["enforcement"] == "active"


def test_workflow_runs_example_is_not_a_success() -> None:
    # A queued run, though the docs' example stands for any filter: only conclusion == success counts.
    runs = parse_workflow_runs(example("list-workflow-runs")["workflow_runs"])
    assert [(r.status, r.conclusion) for r in runs] == [("queued", None)]
    assert first_success(runs) is None


def test_check_runs_and_statuses_examples() -> None:
    [run] = parse_check_runs(example("list-check-runs-for-ref")["check_runs"])
    assert (run.status, run.conclusion, run.kind) == ("completed", "neutral", "check run")
    [status] = parse_statuses(example("get-combined-status-for-ref")["statuses"], "continuous-integration/jenkins")
    assert (status.status, status.conclusion, status.kind) == ("completed", "success", "commit status")


ROUTES = [
    (r"/rules/branches/[^/]+$", "get-branch-rules"),
    (r"/branches/[^/]+$", "get-branch"),
    (r"/branches/[^/]+/protection$", "get-branch-protection"),
    (r"/rulesets$", "get-repo-rulesets"),
    (r"/rulesets/\d+$", "get-repo-ruleset"),
    (r"/actions/workflows/[^/]+/runs$", "list-workflow-runs"),
    (r"/commits/.+/check-runs$", "list-check-runs-for-ref"),
    (r"/commits/.+/status$", "get-combined-status-for-ref"),
]


def examples_server(request: httpx.Request) -> httpx.Response:
    """GitHub as its documentation shows it: each endpoint answers its published example."""
    for pattern, name in ROUTES:
        if re.search(pattern, request.url.path):
            return httpx.Response(
                200, json=example(name), headers={"X-GitHub-Request-Id": "0000:1111:222222:333333:44444444"}
            )
    return httpx.Response(
        404, json={"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}
    )


def examples_target(**github: Any) -> Any:
    return target_from_dict(
        {
            "environment": "staging",
            "api_url": "https://platform.example",
            "team_mode": "solo",
            "customer": {"name": "Octo Freight", "tenant_slug": "octo-freight"},
            "github": {"repo": "octocat/Hello-World", "branch": "main", "api_url": "https://api.github.com", **github},
        }
    )


async def run_on_examples(items: list[str], **github: Any) -> dict[str, Any]:
    secrets = Secrets({"GITHUB_TOKEN": "ghp_" + "x" * 36})
    async with RunContext(
        examples_target(**github), secrets, http_transport=httpx.MockTransport(examples_server)
    ) as ctx:
        return {result.id: result for result in await run_items(ctx, items)}


async def test_checks_judge_the_published_examples() -> None:
    results = await run_on_examples(
        [
            "guardrails.contract-gate",
            "guardrails.review-policy",
            "guardrails.conversation-resolution",
            "guardrails.force-rls",
            "guardrails.nightly",
        ],
        force_rls_check="continuous-integration/jenkins",
    )
    verdicts = {item: (result.status, result.summary) for item, result in results.items()}
    # The example branch is unprotected and its rules require no check: the gate fails, saying so.
    assert verdicts["guardrails.contract-gate"][0] is Status.FAIL
    assert "api-contract-gate is not a required status check" in verdicts["guardrails.contract-gate"][1]
    assert verdicts["guardrails.review-policy"][0] is Status.PASS  # solo, no approvals from the example rules
    assert verdicts["guardrails.conversation-resolution"][0] is Status.PASS
    assert verdicts["guardrails.force-rls"][0] is Status.PASS and "commit status" in verdicts["guardrails.force-rls"][1]
    # The only run is queued: no successful run at all.
    assert verdicts["guardrails.nightly"][0] is Status.FAIL and "no successful run" in verdicts["guardrails.nightly"][1]
    assert all(e.request_id == "0000:1111:222222:333333:44444444" for r in results.values() for e in r.evidence)


async def test_the_example_check_run_concluded_neutral_fails() -> None:
    results = await run_on_examples(["guardrails.force-rls"], force_rls_check="mighty_readme")
    result = results["guardrails.force-rls"]
    assert result.status is Status.FAIL and "concluded neutral" in result.summary


# --- (b) the look-alike against the same schemas ---------------------------------------

GITHUB_SCENARIOS = [
    "healthy",
    "unprotected-branch",
    "ruleset-only",
    "evaluate-ruleset",
    "workflow-gate",
    "merge-queue",
    "solo-review-blockers",
    "rls-commit-status",
    "nightly-in-progress",
    "fine-grained-token",
    "read-only-token",
    "github-small-pages",
    "github-rate-limited",
]
REPO = "/github/repos/acme/platform"
CALLS = [
    ("get-branch", "/branches/main", {}),
    ("get-branch", "/branches/nope", {}),
    ("get-branch-protection", "/branches/main/protection", {}),
    ("get-branch-rules", "/rules/branches/main", {}),
    ("get-repo-rulesets", "/rulesets", {}),
    ("get-repo-ruleset", "/rulesets/4242", {}),
    ("get-repo-ruleset", "/rulesets/4343", {}),
    ("list-workflow-runs", "/actions/workflows/nightly-validation.yml/runs", {"branch": "main", "status": "success"}),
    ("list-workflow-runs", "/actions/workflows/nightly-validation.yml/runs", {}),
    ("list-check-runs-for-ref", "/commits/main/check-runs", {"check_name": "staging-force-rls"}),
    ("list-check-runs-for-ref", "/commits/main/check-runs", {}),
    ("get-combined-status-for-ref", "/commits/main/status", {}),
]


@pytest.mark.parametrize("scenario", GITHUB_SCENARIOS)
def test_the_look_alike_answers_validate_against_githubs_schemas(scenario: str, make_sandbox) -> None:
    server = make_sandbox(scenario)
    with httpx.Client(base_url=server.base_url) as http:
        token = {"Authorization": f"Bearer {server.credentials['GITHUB_TOKEN']}"}
        for name, path, params in CALLS:
            url: str | None = REPO + path
            pages = 0
            while url and pages < 30:
                response = http.get(url, params=params or None, headers=token)
                pages += 1
                assert response.headers["x-github-request-id"], (scenario, path)
                validate(name, response.status_code, response.json())
                if response.status_code >= 400:
                    assert set(response.json()) == {"message", "documentation_url", "status"}
                    assert response.json()["status"] == str(response.status_code)
                url, params = response.links.get("next", {}).get("url"), {}
            assert url is None, f"{path} never ended its pages"
