"""What the Render look-alike knows: two services, their env vars and deploys, the env
groups linked to them, and a Render Postgres, each rendered in the shape Render's
published schema gives it (`render-oss/sdk`, typescript/src/generated/schema.ts; the
vendored fragments in tests/contracts/render/ check it).

Scenarios change this state only (which group holds a variable, a deploy's status, the
database's suspension); the routes in render.py never branch on a scenario's name.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from launch_tui.sandbox.scenarios import Faults

ELSEWHERE_API_URL = "https://api.elsewhere.invalid"
OWNER_ID = "tea-sandbox0000000000000"
ENVIRONMENT_ID = "evm-sandbox0000000000000"
POSTGRES_ID = "dpg-sandboxpostgres0000-a"
# The host a DATABASE_URL names when the database is not a Render Postgres of this workspace.
ELSEWHERE_DB_HOST = "db.elsewhere.invalid"
# A Render-shaped database host this workspace's key cannot see (another workspace's).
HIDDEN_POSTGRES_ID = "dpg-otherworkspace00000-a"
REGION = "oregon"
CREATED_AT = "2026-01-05T09:00:00.000000Z"
# Hours before now at which each deploy was created, newest first.
DEPLOY_AGES_HOURS = (2.0, 26.0, 50.0)
IN_PROGRESS_AGE_HOURS = 0.1


@dataclass
class EnvVar:
    key: str
    value: str
    secret: bool  # a generated value that must never appear in any output


@dataclass
class Deploy:
    id: str
    commit: str
    status: str
    age_hours: float

    def to_json(self, now: float, iso: Any) -> dict[str, Any]:
        created = now - self.age_hours * 3600
        finished = (
            None if self.status.endswith("_in_progress") or self.status in ("created", "queued") else created + 600
        )
        # Render sends `finishedAt: null` while a deploy runs (recorded in the provider's cassettes).
        return {
            "id": self.id,
            "commit": {"id": self.commit, "message": "Release", "createdAt": iso(created - 300)},
            "status": self.status,
            "trigger": "new_commit",
            "createdAt": iso(created),
            "updatedAt": iso(finished or created + 60),
            "startedAt": iso(created + 5),
            "finishedAt": iso(finished),
        }


def _deploy_id() -> str:
    return f"dep-{secrets.token_hex(10)}"


def default_deploys() -> list[Deploy]:
    statuses = ("live", "deactivated", "deactivated")
    return [
        Deploy(_deploy_id(), secrets.token_hex(20), status, age)
        for status, age in zip(statuses, DEPLOY_AGES_HOURS, strict=False)
    ]


@dataclass
class RenderService:
    id: str
    role: str  # "api" or "web"
    name: str
    url: str
    build_command: str
    start_command: str
    predeploy_command: str
    env: list[EnvVar]
    deploys: list[Deploy] = field(default_factory=default_deploys)  # newest first

    def to_json(self) -> dict[str, Any]:
        """A web service as GET /services/{id} returns it (schema `service`, `webServiceDetails`)."""
        return {
            "id": self.id,
            "autoDeploy": "yes",
            "branch": "main",
            "createdAt": CREATED_AT,
            "dashboardUrl": f"https://dashboard.render.com/web/{self.id}",
            "environmentId": ENVIRONMENT_ID,
            "name": self.name,
            "notifyOnFail": "default",
            "ownerId": OWNER_ID,
            "repo": "https://github.com/acme/platform",
            "rootDir": "",
            "slug": self.name,
            "suspended": "not_suspended",
            "suspenders": [],
            "type": "web_service",
            "updatedAt": CREATED_AT,
            "serviceDetails": {
                "buildPlan": "starter",
                "env": "node",
                "envSpecificDetails": {
                    "buildCommand": self.build_command,
                    "preDeployCommand": self.predeploy_command,
                    "startCommand": self.start_command,
                },
                "healthCheckPath": "/health" if self.role == "api" else "",
                "numInstances": 1,
                "openPorts": [{"port": 10000, "protocol": "TCP"}],
                "plan": "standard",
                "region": REGION,
                "runtime": "node",
                "url": self.url,
            },
        }


@dataclass
class EnvGroup:
    id: str
    name: str
    env: list[EnvVar]
    linked: list[RenderService]

    def meta(self) -> dict[str, Any]:
        """Schema `envGroupMeta`: what GET /env-groups lists (no values)."""
        return {
            "id": self.id,
            "name": self.name,
            "ownerId": OWNER_ID,
            "environmentId": ENVIRONMENT_ID,
            "createdAt": CREATED_AT,
            "updatedAt": CREATED_AT,
            "serviceLinks": [{"id": s.id, "name": s.name, "type": "web"} for s in self.linked],
        }

    def to_json(self) -> dict[str, Any]:
        """Schema `envGroup`: GET /env-groups/{id}, with the values."""
        return {**self.meta(), "envVars": [{"key": v.key, "value": v.value} for v in self.env], "secretFiles": []}


@dataclass
class Postgres:
    id: str
    name: str
    database_name: str
    database_user: str
    suspended: bool = False

    def to_json(self) -> dict[str, Any]:
        """Schema `postgresDetail` (GET /postgres/{id}); the list wraps the same fields as `postgres`."""
        return {
            "id": self.id,
            "connectionPool": "none",
            "createdAt": CREATED_AT,
            "dashboardUrl": f"https://dashboard.render.com/d/{self.id}",
            "databaseName": self.database_name,
            "databaseUser": self.database_user,
            "diskAutoscalingEnabled": False,
            "diskSizeGB": 15,
            "environmentId": ENVIRONMENT_ID,
            "highAvailabilityEnabled": False,
            # Recorded replies send null here, though the schema lists an array.
            "ipAllowList": None,
            "name": self.name,
            "owner": {"id": OWNER_ID, "name": "Acme", "email": "ops@acme.example", "type": "team"},
            "plan": "basic_256mb",
            "readReplicas": [],
            "region": REGION,
            "role": "primary",
            "status": "suspended" if self.suspended else "available",
            "suspended": "suspended" if self.suspended else "not_suspended",
            "suspenders": ["billing"] if self.suspended else [],
            "updatedAt": CREATED_AT,
            "version": "16",
        }


@dataclass
class RenderState:
    services: dict[str, RenderService]
    env_groups: list[EnvGroup]
    databases: list[Postgres]

    def effective_env(self, service_id: str) -> dict[str, str]:
        """What the service sees at run time: its linked groups' vars, overridden by its own."""
        service = self.services[service_id]
        env: dict[str, str] = {}
        for group in self.env_groups:
            if service in group.linked:
                env.update({var.key: var.value for var in group.env if var.key not in env})
        env.update({var.key: var.value for var in service.env})
        return env

    def every_var(self) -> list[EnvVar]:
        return [v for s in self.services.values() for v in s.env] + [v for g in self.env_groups for v in g.env]


def _database_url(faults: Faults, password: str) -> str:
    host = {"elsewhere": ELSEWHERE_DB_HOST, "hidden": HIDDEN_POSTGRES_ID}.get(faults.database_host, POSTGRES_ID)
    # The internal connection string's shape: `postgresql://user:password@<id>/<database>`.
    return f"postgresql://launch_api:{password}@{host}/launch"


def build_render(base_url: str, web_url: str, faults: Faults, key_hash_secret: str) -> RenderState:
    api_secrets = [
        EnvVar("DATABASE_URL", _database_url(faults, secrets.token_hex(16)), True),
        EnvVar("JWT_PRIVATE_KEY", f"sbx-jwt-private-{secrets.token_hex(24)}", True),
        EnvVar("JWT_PUBLIC_KEY", f"sbx-jwt-public-{secrets.token_hex(24)}", True),
        EnvVar("CLERK_SECRET_KEY", f"sk_test_sbx{secrets.token_hex(20)}", True),
        EnvVar("KEY_HASH_SECRET", key_hash_secret, True),
    ]
    if faults.missing_env:
        api_secrets = [var for var in api_secrets if var.key != "CLERK_SECRET_KEY"]
    api_plain = [
        EnvVar("NODE_ENV", "production", False),
        EnvVar("ALLOW_API_KEY_FALLBACK", "true" if faults.missing_env else "false", False),
        EnvVar("TRADE_DETECTOR_MODE", "current", False),
    ]
    web_api_url = [EnvVar("API_URL", ELSEWHERE_API_URL if faults.web_points_elsewhere else base_url, False)]
    web_own = [
        EnvVar("NODE_ENV", "production", False),
        EnvVar("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", f"pk_test_sbx{secrets.token_hex(16)}", True),
        EnvVar("SESSION_SECRET", f"sbx-session-{secrets.token_hex(24)}", True),
    ]
    in_groups = faults.env_in_groups
    api = RenderService(
        id="srv-sandboxapi",
        role="api",
        name="acme-api",
        url=base_url,
        build_command="npm ci && npm run build --workspace apps/api",
        start_command="cd apps/api && npm start",
        predeploy_command=faults.predeploy_command,
        env=api_plain + ([] if in_groups else api_secrets),
    )
    web = RenderService(
        # Render service URLs carry no trailing slash, whatever the target file's web_url has.
        id="srv-sandboxweb",
        role="web",
        name="acme-web",
        url=web_url.rstrip("/"),
        build_command="npm ci && npm run build --workspace apps/web",
        start_command="cd apps/web && npm start",
        predeploy_command="",
        env=([] if in_groups else web_api_url) + web_own,
    )
    _apply_deploy_faults(api, faults.api_newest_deploy)
    _apply_deploy_faults(web, faults.web_newest_deploy)
    # A shared group, linked to both, in every scenario: the healthy path reads groups too.
    groups = [
        EnvGroup(
            "evg-sandboxobservability",
            "acme-observability",
            [
                EnvVar("LOG_LEVEL", "info", False),
                EnvVar("SENTRY_DSN", f"https://{secrets.token_hex(16)}@errors.sandbox.invalid/42", True),
            ],
            [api, web],
        )
    ]
    if in_groups:
        groups.append(EnvGroup("evg-sandboxapisecrets0", "acme-api-secrets", api_secrets, [api]))
        groups.append(EnvGroup("evg-sandboxwebconfig00", "acme-web-config", web_api_url, [web]))
    database = Postgres(POSTGRES_ID, "acme-db", "launch", "launch_api", suspended=faults.postgres_suspended)
    return RenderState({api.id: api, web.id: web}, groups, [database])


def _apply_deploy_faults(service: RenderService, newest_status: str | None) -> None:
    """A newer deploy (in progress or failed) above the live one, as Render lists it."""
    if newest_status is not None:
        service.deploys.insert(0, Deploy(_deploy_id(), secrets.token_hex(20), newest_status, IN_PROGRESS_AGE_HOURS))
