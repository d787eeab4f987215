"""Everything one running sandbox knows: its URLs, credentials, faults, platform state,
and the Render services and GitHub repository it pretends to have. Built fresh on each
start, so no secret outlives its server."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from launch_tui.sandbox.github import Repository, build_repository
from launch_tui.sandbox.render import RenderService, RenderState, build_render
from launch_tui.sandbox.scenarios import SLOW_JOB_SECONDS, Faults
from launch_tui.sandbox.store import Store
from launch_tui.sandbox.tokens import TokenSigner

INTERNAL_TENANT_SLUG = "sandbox-internal"


@dataclass(frozen=True)
class Credentials:
    admin_token: str
    integration_key: str
    revoked_key: str
    render_api_key: str
    github_token: str

    def as_env(self) -> dict[str, str]:
        return {
            "LAUNCH_ADMIN_TOKEN": self.admin_token,
            "LAUNCH_INTEGRATION_KEY": self.integration_key,
            "LAUNCH_REVOKED_KEY": self.revoked_key,
            "RENDER_API_KEY": self.render_api_key,
            "GITHUB_TOKEN": self.github_token,
        }


@dataclass
class World:
    scenarios: tuple[str, ...]
    base_url: str
    web_url: str
    faults: Faults
    credentials: Credentials
    store: Store
    signer: TokenSigner
    render: RenderState
    repository: Repository
    # (method, path, Idempotency-Key) -> the first response; see idempotency.py.
    replays: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    cut_short: int = 0  # requests whose body never arrived whole, so nothing acted on them

    @property
    def services(self) -> dict[str, RenderService]:
        return self.render.services

    @property
    def api_service_id(self) -> str:
        return next(service.id for service in self.services.values() if service.role == "api")

    @property
    def web_service_id(self) -> str:
        return next(service.id for service in self.services.values() if service.role == "web")


def build_world(
    base_url: str, scenarios: tuple[str, ...], job_seconds: float, given: dict[str, str] | None = None
) -> World:
    """`given`: credentials to use instead of random ones, by env-var name (tests that
    scan output for distinctive secret values); the keys must be well-formed key secrets."""
    given = given or {}
    faults = Faults.from_scenarios(scenarios)
    # One KEY_HASH_SECRET serves both the store's key hashing and the Render env var of
    # that name, so the look-alike describes the platform that is really running.
    key_hash_secret = secrets.token_hex(32)
    store = Store(
        key_hash_secret=key_hash_secret.encode(),
        job_seconds=max(job_seconds, SLOW_JOB_SECONDS) if faults.slow_jobs else job_seconds,
        jobs_fail=faults.jobs_fail,
        database_reachable=faults.database_reachable,
        database_latency_ms=faults.database_latency_ms,
        pending_migrations=faults.pending_migrations,
    )
    internal = store.create_tenant("Sandbox internal", INTERNAL_TENANT_SLUG)
    _, integration_key = store.issue_key(internal.id, "launch checks", given.get("LAUNCH_INTEGRATION_KEY"))
    revoked, revoked_key = store.issue_key(internal.id, "revoked on purpose", given.get("LAUNCH_REVOKED_KEY"))
    store.revoke_key(internal.id, revoked.id)
    credentials = Credentials(
        admin_token=given.get("LAUNCH_ADMIN_TOKEN") or f"sbx_admin_{secrets.token_hex(20)}",
        integration_key=integration_key,
        revoked_key=revoked_key,
        render_api_key=given.get("RENDER_API_KEY") or f"rnd_sbx{secrets.token_hex(16)}",
        # A fine-grained token looks like one (github_pat_…), a classic one like ghp_….
        github_token=given.get("GITHUB_TOKEN")
        or (
            f"github_pat_sbx{secrets.token_hex(20)}"
            if faults.github_token == "fine-grained"  # noqa: S105 - the kind of token, not a token
            else f"ghp_sbx{secrets.token_hex(16)}"
        ),
    )
    web_url = f"{base_url}/web/"
    return World(
        scenarios=scenarios,
        base_url=base_url,
        web_url=web_url,
        faults=faults,
        credentials=credentials,
        store=store,
        signer=TokenSigner(secrets.token_bytes(32), store.now),
        render=build_render(base_url, web_url, faults, key_hash_secret),
        repository=build_repository(faults),
    )
