"""Fault scenarios: named ways the sandbox is wrong, each breaking the checklist items
it is named for and nothing else, so a test can say "under X, exactly Y fails".

A scenario never branches inside route code by name: `Faults` turns the chosen names
into plain settings (a latency, a flag, a command string) that the routes read.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    "env-group": (),
    "postgres-suspended": ("infra.database",),
    "postgres-elsewhere": ("infra.database",),
    "postgres-hidden": ("infra.database",),
    "deploy-in-progress": ("infra.predeploy-migration",),
    "deploy-failed": ("infra.predeploy-migration", "infra.web-app"),
    "render-small-pages": (),
    "web-needs-slash": (),
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
    # Render (issue 12)
    env_in_groups: bool = False
    database_host: str = "render"  # "render", "elsewhere" or "hidden"
    postgres_suspended: bool = False
    api_newest_deploy: str | None = None  # a deploy status above the live one
    web_newest_deploy: str | None = None
    render_page_cap: int | None = None
    web_needs_slash: bool = False

    @classmethod
    def from_scenarios(cls, names: tuple[str, ...]) -> "Faults":
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
            env_in_groups="env-group" in chosen,
            database_host="elsewhere" if "postgres-elsewhere" in chosen else
            "hidden" if "postgres-hidden" in chosen else "render",
            postgres_suspended="postgres-suspended" in chosen,
            api_newest_deploy="build_in_progress" if "deploy-in-progress" in chosen else
            "pre_deploy_failed" if "deploy-failed" in chosen else None,
            web_newest_deploy="build_failed" if "deploy-failed" in chosen else None,
            render_page_cap=3 if "render-small-pages" in chosen else None,
            web_needs_slash="web-needs-slash" in chosen,
        )
