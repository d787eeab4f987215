"""What the Render client hands the checks, parsed defensively from Render's replies
(any field may be missing, null or of another type: a hostile or changed server must
not raise anything but a clear verdict)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Deploy statuses, from Render's schema (`deployStatus`).
IN_PROGRESS = frozenset({"created", "queued", "build_in_progress", "update_in_progress", "pre_deploy_in_progress"})
FAILED = frozenset({"build_failed", "update_failed", "pre_deploy_failed"})


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _dict(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class ServiceInfo:
    id: str
    name: str
    suspended: bool
    suspended_state: str
    pre_deploy_command: str | None
    url: str | None
    owner_id: str | None = None
    environment_id: str | None = None


def parse_service(data: dict[str, Any], service_id: str) -> ServiceInfo:
    details = _dict(data, "serviceDetails")
    env = _dict(details, "envSpecificDetails")
    suspended = str(data.get("suspended", "not_suspended"))
    return ServiceInfo(
        id=str(data.get("id", service_id)),
        name=str(data.get("name", "")),
        suspended=suspended != "not_suspended",
        suspended_state=suspended,
        pre_deploy_command=_text(env, "preDeployCommand"),
        url=_text(details, "url"),
        owner_id=_text(data, "ownerId"),
        environment_id=_text(data, "environmentId"),
    )


@dataclass(frozen=True)
class DeployInfo:
    id: str
    status: str
    finished_at: str | None


def parse_deploy(entry: Any) -> DeployInfo:
    """A list item `{deploy, cursor}` (or a bare deploy, as create-deploy returns it)."""
    deploy = entry.get("deploy", entry) if isinstance(entry, dict) else {}
    deploy = deploy if isinstance(deploy, dict) else {}
    return DeployInfo(str(deploy.get("id", "")), str(deploy.get("status", "unknown")), _text(deploy, "finishedAt"))


@dataclass(frozen=True)
class Deploys:
    """The newest deploy of a service, and the newest `live` one (what serves), if any."""

    newest: DeployInfo | None
    live: DeployInfo | None


@dataclass(frozen=True)
class EnvValue:
    value: str
    source: str  # "the service" or "env group <name>"


@dataclass(frozen=True)
class ServiceEnv:
    """A service's env vars as it gets them at run time, each with where it came from."""

    values: dict[str, EnvValue]
    groups: tuple[str, ...]  # the names of the linked env groups that were read

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def with_groups(self, groups: ServiceEnv) -> ServiceEnv:
        """The service's own env vars with its linked groups': a key set on the service wins, as on Render."""
        values = dict(self.values)
        for key, value in groups.values.items():
            values.setdefault(key, value)
        return ServiceEnv(values, groups.groups)

    def __len__(self) -> int:
        return len(self.values)

    def get(self, key: str, default: str = "") -> str:
        found = self.values.get(key)
        return found.value if found else default

    def source(self, key: str) -> str:
        found = self.values.get(key)
        return found.source if found else "nowhere"

    def read_from(self) -> str:
        """ "the service and 2 linked env groups (a, b)", for summaries."""
        if not self.groups:
            return "the service (no env groups linked)"
        names = ", ".join(self.groups)
        return f"the service and {len(self.groups)} linked env group{'s' if len(self.groups) > 1 else ''} ({names})"

    def by_source(self, keys: tuple[str, ...]) -> str:
        """ "5 from the service, 2 from env group acme-secrets" for the given keys."""
        counts: dict[str, int] = {}
        for key in keys:
            if key in self.values:
                counts[self.values[key].source] = counts.get(self.values[key].source, 0) + 1
        return ", ".join(f"{n} from {source}" for source, n in counts.items())


@dataclass(frozen=True)
class PostgresInfo:
    id: str
    name: str
    status: str
    suspended: bool
    suspenders: tuple[str, ...]
    owner_id: str | None
    environment_id: str | None
    region: str | None

    def hosts(self) -> tuple[str, ...]:
        """The hosts Render's connection strings name: the internal host is the instance id,
        the external one `<id>.<region>-postgres.render.com` (as the recorded connection info
        shows; tests/contracts/render checks the derivation against it)."""
        hosts = [self.id.lower()]
        if self.region:
            hosts.append(f"{self.id}.{self.region}-postgres.render.com".lower())
        return tuple(hosts)


def parse_postgres(data: Any) -> PostgresInfo:
    data = data if isinstance(data, dict) else {}
    suspenders = data.get("suspenders")
    return PostgresInfo(
        id=str(data.get("id", "")),
        name=str(data.get("name", "")),
        status=str(data.get("status", "unknown")),
        suspended=data.get("suspended") == "suspended",
        suspenders=tuple(s for s in suspenders if isinstance(s, str)) if isinstance(suspenders, list) else (),
        owner_id=_text(_dict(data, "owner"), "id") or _text(data, "ownerId"),
        environment_id=_text(data, "environmentId"),
        region=_text(data, "region"),
    )


def database_host(url: str) -> str | None:
    """The host a DATABASE_URL names, lowercased; None when it is not a URL with a host."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.lower() if host else None


def render_postgres_id(host: str) -> str | None:
    """The instance id a Render Postgres host carries (`dpg-…-a`, internal or external)."""
    first = host.split(".", 1)[0]
    if first.startswith("dpg-") and (host == first or host.endswith("-postgres.render.com")):
        return first
    return None
