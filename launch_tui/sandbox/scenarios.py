"""Fault scenarios: named ways the sandbox is wrong, each breaking the checklist items
it is named for and nothing else, so a test can say "under X, exactly Y fails".

A scenario never branches inside route code by name: `Faults` turns the chosen names
into plain settings (a latency, a flag, a command string) that the routes read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from launch_tui.errors import UsageError

SCENARIOS: dict[str, str] = {
    "healthy": "everything as the runbook wants it (the default)",
    "degraded": "health answers 200 with status degraded (slow database)",
    "pending-migrations": "health reports 3 pending migrations",
    "down": "health answers 503 with status down (database unreachable)",
    "revoked-key-accepted": "a revoked integration key still gets an access token",
    "invalid-key-accepted": "a missing or unknown integration key still gets an access token",
    "open-routes": "tenant routes answer 2xx without a valid access token",
    "job-fails": "every job ends failed, so no results",
    "slow": "jobs take 20 s to finish; nothing is broken",
    "flaky": "the 1st, 4th, 7th... request to each path gets a 502 or a dropped connection",
    "rate-limited": "the first request to each path gets 429 with Retry-After: 1",
    "no-predeploy": "the Render API service has no pre-deploy command",
    "missing-env": "CLERK_SECRET_KEY is missing and ALLOW_API_KEY_FALLBACK=true",
    "web-points-elsewhere": "the web service's API_URL names another API",
    "unprotected-branch": "main has no branch protection and no rulesets",
    "stale-nightly": "the last successful nightly validation ran 40 hours ago",
    "rls-red": "the staging-force-rls check run on main failed",
    # GitHub as real accounts are set up (issue 12): tokens, rulesets, statuses, pages, limits.
    "fine-grained-token": "GITHUB_TOKEN is a fine-grained token without Administration read",
    "read-only-token": "GITHUB_TOKEN is a classic token of a user who is not a repository admin",
    "ruleset-only": "main is guarded by a ruleset only, no classic branch protection",
    "evaluate-ruleset": "the ruleset requiring api-contract-gate is in evaluate mode, so it does not enforce",
    "workflow-gate": "api-contract-gate is required through a ruleset workflows rule",
    "merge-queue": "main merges through a merge queue (a ruleset merge_queue rule)",
    "solo-review-blockers": "code-owner review, last-push approval and ruleset required reviewers are on",
    "rls-commit-status": "staging-force-rls is reported as a commit status, after 42 others",
    "nightly-in-progress": "tonight's nightly run is still in progress; the last success is 24 h old",
    "github-small-pages": "GitHub lists answer 2 items per page, so every list needs its Link header",
    "github-rate-limited": "GITHUB_TOKEN's primary rate limit is used up (403, x-ratelimit-remaining: 0)",
    # Render situations (issue 12): real setups the checks must judge right.
    "env-group": "the API's secrets and the web's API_URL come from linked env groups, not the services",
    "postgres-suspended": "the Render Postgres that DATABASE_URL names is suspended",
    "postgres-elsewhere": "DATABASE_URL names a host that is no Render Postgres of the workspace",
    "postgres-hidden": "DATABASE_URL names a Render Postgres the API key cannot see",
    "deploy-in-progress": "the API's newest deploy is build_in_progress while an older one is live",
    "deploy-failed": "the API's newest deploy is pre_deploy_failed, the web's build_failed; older ones serve",
    "render-small-pages": "Render lists come 3 items per page whatever limit asks",
    "web-needs-slash": "the web app answers only at its URL with the trailing slash; without it, 404",
}

# The checklist items each scenario makes fail (or warn, for degraded), read by the docs
# table and by tests. Items that depend on a broken one (depends_on) are not repeated.
BREAKS: dict[str, tuple[str, ...]] = {
    "healthy": (),
    "degraded": ("infra.health",),
    "pending-migrations": ("infra.health",),
    "down": ("infra.health",),
    "revoked-key-accepted": ("auth.token-revoked",),
    "invalid-key-accepted": ("auth.token-invalid",),
    "open-routes": ("auth.route-enforcement",),
    "job-fails": ("first-value.poll",),
    "slow": (),
    "flaky": (),
    "rate-limited": (),
    "no-predeploy": ("infra.predeploy-migration",),
    "missing-env": ("infra.env-vars",),
    "web-points-elsewhere": ("infra.web-app",),
    "unprotected-branch": ("guardrails.contract-gate",),
    "stale-nightly": ("guardrails.nightly",),
    "rls-red": ("guardrails.force-rls",),
    "fine-grained-token": ("guardrails.review-policy", "guardrails.conversation-resolution"),
    "read-only-token": ("guardrails.review-policy", "guardrails.conversation-resolution"),
    "ruleset-only": (),
    "evaluate-ruleset": ("guardrails.contract-gate",),
    "workflow-gate": (),
    "merge-queue": ("guardrails.contract-gate",),
    "solo-review-blockers": ("guardrails.review-policy",),
    "rls-commit-status": (),
    "nightly-in-progress": (),
    "github-small-pages": (),
    "github-rate-limited": (
        "guardrails.contract-gate",
        "guardrails.review-policy",
        "guardrails.conversation-resolution",
        "guardrails.force-rls",
        "guardrails.nightly",
    ),
    "env-group": (),
    "postgres-suspended": ("infra.database",),
    "postgres-elsewhere": ("infra.database",),
    "postgres-hidden": ("infra.database",),
    "deploy-in-progress": ("infra.predeploy-migration",),
    "deploy-failed": ("infra.predeploy-migration", "infra.web-app"),
    "render-small-pages": (),
    "web-needs-slash": (),
}

# The status the broken items of a scenario get, where it is not `fail`: a `warn` is
# "satisfied, but look at it", an `error` is "no verdict possible" (the summary says why).
OUTCOMES: dict[str, str] = {
    "degraded": "warn",
    "fine-grained-token": "error",
    "read-only-token": "error",
    "merge-queue": "warn",
    "solo-review-blockers": "warn",
    "github-rate-limited": "error",
}

# Of the items a scenario breaks, those that warn rather than fail (the service is up,
# or the answer cannot be known). `degraded` is the older case, handled where it is tested.
WARNS: dict[str, tuple[str, ...]] = {
    "postgres-hidden": ("infra.database",),
    "deploy-in-progress": ("infra.predeploy-migration",),
    "deploy-failed": ("infra.web-app",),
}

PREDEPLOY_COMMAND = "cd apps/api && npx prisma migrate deploy"
SLOW_JOB_SECONDS = 20.0


def parse_scenarios(text: str) -> tuple[str, ...]:
    """`"flaky, rls-red"` -> `("flaky", "rls-red")`; empty means healthy."""
    names: list[str] = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        if name not in SCENARIOS:
            known = ", ".join(SCENARIOS)
            raise UsageError(f"unknown scenario {name!r}; known scenarios: {known}")
        if name not in names:
            names.append(name)
    return tuple(names) or ("healthy",)


Value = TypeVar("Value")
Otherwise = TypeVar("Otherwise")


def first_chosen(chosen: set[str], values: dict[str, Value], otherwise: Otherwise) -> Value | Otherwise:
    """The value of the first scenario in `values` that is chosen (their order decides
    when several are), else `otherwise`."""
    return next((value for name, value in values.items() if name in chosen), otherwise)


@dataclass(frozen=True)
class Faults:
    """What the chosen scenarios change, as settings the routes read."""

    database_reachable: bool = True
    database_latency_ms: int = 3
    pending_migrations: int = 0
    accept_revoked_keys: bool = False
    accept_invalid_keys: bool = False
    open_routes: bool = False
    jobs_fail: bool = False
    slow_jobs: bool = False
    flaky: bool = False
    rate_limited: bool = False
    predeploy_command: str = PREDEPLOY_COMMAND
    missing_env: bool = False
    web_points_elsewhere: bool = False
    branch_protected: bool = True
    nightly_age_hours: float = 3.0
    force_rls_conclusion: str = "success"
    github_token: str = "classic-admin"  # noqa: S105 - a kind of token (a key of sandbox.github.GRANTS), not one
    github_classic: str = "unit-tests"  # classic protection requiring unit-tests, or "none"
    github_gate: str = "status-check"  # how a ruleset requires the gate: status-check, evaluate, workflow
    merge_queue: bool = False
    solo_review_blockers: bool = False
    force_rls_as_status: bool = False
    nightly_in_progress: bool = False
    github_page_size: int = 100
    github_rate_limited: bool = False
    # Render (issue 12)
    env_in_groups: bool = False
    database_host: str = "render"  # "render", "elsewhere" or "hidden"
    postgres_suspended: bool = False
    api_newest_deploy: str | None = None  # a deploy status above the live one
    web_newest_deploy: str | None = None
    render_page_cap: int | None = None
    web_needs_slash: bool = False

    @classmethod
    def from_scenarios(cls, names: tuple[str, ...]) -> Faults:
        chosen = set(parse_scenarios(",".join(names)))
        return cls(
            database_reachable="down" not in chosen,
            # Above the health route's 500 ms threshold, so it reports degraded.
            database_latency_ms=850 if "degraded" in chosen else 3,
            pending_migrations=3 if "pending-migrations" in chosen else 0,
            accept_revoked_keys="revoked-key-accepted" in chosen,
            accept_invalid_keys="invalid-key-accepted" in chosen,
            open_routes="open-routes" in chosen,
            jobs_fail="job-fails" in chosen,
            slow_jobs="slow" in chosen,
            flaky="flaky" in chosen,
            rate_limited="rate-limited" in chosen,
            predeploy_command="" if "no-predeploy" in chosen else PREDEPLOY_COMMAND,
            missing_env="missing-env" in chosen,
            web_points_elsewhere="web-points-elsewhere" in chosen,
            branch_protected="unprotected-branch" not in chosen,
            nightly_age_hours=40.0 if "stale-nightly" in chosen else 3.0,
            force_rls_conclusion="failure" if "rls-red" in chosen else "success",
            github_token=first_chosen(
                chosen, {"fine-grained-token": "fine-grained", "read-only-token": "classic-read"}, "classic-admin"
            ),
            github_classic="none" if "ruleset-only" in chosen else "unit-tests",
            github_gate=first_chosen(
                chosen, {"evaluate-ruleset": "evaluate", "workflow-gate": "workflow"}, "status-check"
            ),
            merge_queue="merge-queue" in chosen,
            solo_review_blockers="solo-review-blockers" in chosen,
            force_rls_as_status="rls-commit-status" in chosen,
            nightly_in_progress="nightly-in-progress" in chosen,
            github_page_size=2 if "github-small-pages" in chosen else 100,
            github_rate_limited="github-rate-limited" in chosen,
            env_in_groups="env-group" in chosen,
            database_host=first_chosen(
                chosen, {"postgres-elsewhere": "elsewhere", "postgres-hidden": "hidden"}, "render"
            ),
            postgres_suspended="postgres-suspended" in chosen,
            api_newest_deploy=first_chosen(
                chosen, {"deploy-in-progress": "build_in_progress", "deploy-failed": "pre_deploy_failed"}, None
            ),
            web_newest_deploy="build_failed" if "deploy-failed" in chosen else None,
            render_page_cap=3 if "render-small-pages" in chosen else None,
            web_needs_slash="web-needs-slash" in chosen,
        )
