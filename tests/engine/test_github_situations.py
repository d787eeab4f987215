"""Section 5 against GitHub as real accounts are set up (issue 12): least-privilege tokens,
ruleset-only branches, rulesets that do not enforce, workflows and merge-queue rules,
commit statuses, runs in progress, Link pages and the primary rate limit. Each verdict's
summary names the cause and the fix. Real HTTP to the sandbox's look-alike."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from launch_tui.engine import RunContext, run_items
from launch_tui.results import Status
from launch_tui.sandbox import SandboxServer
from launch_tui.sandbox.github import GRANTS, Grant
from launch_tui.secrets import Secrets

from .helpers import secrets_of, target_of

GUARDRAILS = [
    "guardrails.contract-gate",
    "guardrails.review-policy",
    "guardrails.conversation-resolution",
    "guardrails.force-rls",
    "guardrails.nightly",
]

# scenario -> {item: (status, phrases the summary must contain)}; items not named pass.
SITUATIONS: dict[str, dict[str, tuple[Status, tuple[str, ...]]]] = {
    "fine-grained-token": {
        "guardrails.review-policy": (
            Status.ERROR,
            ("cannot be known", "HTTP 403", "Resource not accessible", "lacks Administration: read", "grant it"),
        ),
        "guardrails.conversation-resolution": (Status.ERROR, ("lacks Administration: read",)),
    },
    "read-only-token": {
        "guardrails.review-policy": (
            Status.ERROR,
            ('HTTP 404 "Not Found"', "not a repository admin", "classic token (repo scope) of an admin"),
        ),
        "guardrails.conversation-resolution": (Status.ERROR, ("not a repository admin",)),
    },
    "ruleset-only": {"guardrails.contract-gate": (Status.PASS, ("required status check (rulesets)",))},
    "evaluate-ruleset": {
        "guardrails.contract-gate": (
            Status.FAIL,
            ("'contract gate (trial)' (evaluate)", "do not enforce", "active rules only", "enforcement to Active"),
        )
    },
    "workflow-gate": {"guardrails.contract-gate": (Status.PASS, ("required workflow", "api-contract-gate.yml"))},
    "merge-queue": {"guardrails.contract-gate": (Status.WARN, ("merge queue", "merge_group"))},
    "solo-review-blockers": {
        "guardrails.review-policy": (
            Status.WARN,
            ("require_code_owner_reviews", "require_last_push_approval", "required_reviewers", "turn these off"),
        )
    },
    "rls-commit-status": {"guardrails.force-rls": (Status.PASS, ("commit status",))},
    "nightly-in-progress": {"guardrails.nightly": (Status.PASS, ("23.", "limit 36 h"))},
    "github-small-pages": {"guardrails.force-rls": (Status.PASS, ("check run",))},
    "github-rate-limited": {item: (Status.ERROR, ("rate limit", "HTTP 403", "later")) for item in GUARDRAILS},
    "unprotected-branch": {
        "guardrails.contract-gate": (
            Status.FAIL,
            ("no branch protection and no active rulesets", "add a rule requiring api-contract-gate"),
        )
    },
}


async def guardrails(server: SandboxServer, secrets: Secrets | None = None) -> dict:
    async with RunContext(target_of(server), secrets or secrets_of(server)) as ctx:
        return {result.id: result for result in await run_items(ctx, GUARDRAILS)}


@pytest.mark.parametrize("scenario", SITUATIONS)
async def test_each_situation_gets_its_verdict_naming_cause_and_fix(scenario: str, make_sandbox) -> None:
    server = make_sandbox(scenario)
    results = await guardrails(server)
    for item in GUARDRAILS:
        status, phrases = SITUATIONS[scenario].get(item, (Status.PASS, ()))
        result = results[item]
        assert result.status is status, (item, result.summary)
        for phrase in phrases:
            assert phrase in result.summary, (item, phrase, result.summary)
        assert "check github.repo and github.branch" not in result.summary


async def test_small_pages_are_followed_through_link_headers(make_sandbox) -> None:
    server = make_sandbox("github-small-pages", "rls-commit-status")
    results = await guardrails(server)
    assert results["guardrails.force-rls"].status is Status.PASS
    pages = [e for e in results["guardrails.force-rls"].evidence if "/status" in e.url]
    assert any(e.url.endswith("page=22") for e in pages)  # 43 statuses, 2 per page: the last page was read
    assert all(e.request_id and e.request_id.count(":") == 4 for e in pages)  # X-GitHub-Request-Id


async def test_a_link_to_another_host_is_not_followed(make_sandbox) -> None:
    def lying(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[], headers={"Link": '<https://evil.example/next?page=2>; rel="next"'})

    server = make_sandbox()
    async with RunContext(target_of(server), secrets_of(server), http_transport=httpx.MockTransport(lying)) as ctx:
        [result] = await run_items(ctx, ["guardrails.contract-gate"])
        hosts = {e.url.split("/")[2] for e in result.evidence}
    assert result.status is Status.ERROR and "another host" in result.summary
    assert "evil.example" not in hosts


def _with_grant(server: SandboxServer, permissions: set[str]) -> None:
    server.world.repository.grant = Grant("fine-grained", frozenset(permissions), False)


async def test_force_rls_without_checks_read_still_finds_the_commit_status(make_sandbox) -> None:
    server = make_sandbox("rls-commit-status", "fine-grained-token")
    _with_grant(server, set(GRANTS["fine-grained"].permissions) - {"checks"})
    result = (await guardrails(server))["guardrails.force-rls"]
    assert result.status is Status.PASS and "commit status" in result.summary and "lacks Checks: read" in result.summary


async def test_force_rls_unknowable_names_the_missing_permission(make_sandbox) -> None:
    server = make_sandbox("fine-grained-token")
    _with_grant(server, set(GRANTS["fine-grained"].permissions) - {"checks"})
    result = (await guardrails(server))["guardrails.force-rls"]
    assert result.status is Status.ERROR and "lacks Checks: read" in result.summary


async def test_nightly_without_actions_read_names_the_permission(make_sandbox) -> None:
    server = make_sandbox("fine-grained-token")
    _with_grant(server, set(GRANTS["fine-grained"].permissions) - {"actions"})
    result = (await guardrails(server))["guardrails.nightly"]
    assert result.status is Status.ERROR and "lacks Actions: read" in result.summary


async def test_a_pending_commit_status_is_no_verdict_yet(make_sandbox) -> None:
    server = make_sandbox("rls-commit-status")
    repository = server.world.repository
    repository.statuses = [s if s[0] != "staging-force-rls" else (s[0], "pending") for s in repository.statuses]
    result = (await guardrails(server))["guardrails.force-rls"]
    assert result.status is Status.ERROR and "still in_progress" in result.summary


async def test_a_failed_commit_status_fails(make_sandbox) -> None:
    server = make_sandbox("rls-commit-status", "rls-red")
    result = (await guardrails(server))["guardrails.force-rls"]
    assert result.status is Status.FAIL and "commit status" in result.summary and "concluded failure" in result.summary


async def test_rules_known_to_block_a_solo_merge_fail_even_when_classic_is_hidden(make_sandbox) -> None:
    server = make_sandbox("fine-grained-token")
    ruleset = server.world.repository.rulesets[0]
    for rule in ruleset.rules:
        if rule["type"] == "pull_request":
            rule["parameters"] = {**rule["parameters"], "required_approving_review_count": 2}
    result = (await guardrails(server))["guardrails.review-policy"]
    assert result.status is Status.FAIL and "2 approvals required" in result.summary


async def test_multi_mode_passes_on_rules_alone_when_classic_is_hidden(make_sandbox) -> None:
    server = make_sandbox("read-only-token")
    for rule in server.world.repository.rulesets[0].rules:
        if rule["type"] == "pull_request":
            rule["parameters"] = {
                **rule["parameters"],
                "required_approving_review_count": 1,
                "required_review_thread_resolution": True,
            }
    async with RunContext(target_of(server, team_mode="multi"), secrets_of(server)) as ctx:
        results = await run_items(ctx, ["guardrails.review-policy", "guardrails.conversation-resolution"])
    assert [r.status for r in results] == [Status.PASS, Status.PASS]


async def test_unknown_repository_says_what_to_fix(make_sandbox) -> None:
    server = make_sandbox()
    async with RunContext(target_of(server, github__repo="acme/other"), secrets_of(server)) as ctx:
        [result] = await run_items(ctx, ["guardrails.contract-gate"])
    assert result.status is Status.ERROR and 'HTTP 404 "Not Found"' in result.summary
    assert "Repository access" in result.summary and "github.repo" in result.summary


async def test_unknown_branch_says_what_to_fix(make_sandbox) -> None:
    server = make_sandbox()
    async with RunContext(target_of(server, github__branch="dev"), secrets_of(server)) as ctx:
        [result] = await run_items(ctx, ["guardrails.contract-gate"])
    assert result.status is Status.ERROR and "has no branch dev" in result.summary


def test_scenario_grants_are_what_the_docs_promise() -> None:
    fine = GRANTS["fine-grained"]
    assert (
        "administration" not in fine.permissions and {"metadata", "actions", "checks", "statuses"} <= fine.permissions
    )
    assert dataclasses.replace(GRANTS["classic-read"], admin=True) == GRANTS["classic-admin"]
