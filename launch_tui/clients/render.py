"""Render's REST API, as Render publishes it: services, deploys, env vars.

Env-var values are secrets. They are read into memory to be compared, registered
with the redaction registry at once (except the few whose value the runbook states
or that the target already shows), and never put in evidence: env-var responses are
fetched with `sensitive=True`, so no excerpt of them exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from launch_tui.clients.errors import BadReply, NotJSON
from launch_tui.clients.transport import Reply, Transport
from launch_tui.secrets import registry

# Values the runbook states (or that name a public URL); everything else is a secret.
PUBLIC_ENV_KEYS = frozenset({"NODE_ENV", "ALLOW_API_KEY_FALLBACK", "API_URL"})
PAGE_SIZE = 100
MAX_PAGES = 100


@dataclass(frozen=True)
class ServiceInfo:
    id: str
    name: str
    suspended: bool
    suspended_state: str
    pre_deploy_command: str | None
    url: str | None


@dataclass(frozen=True)
class DeployInfo:
    id: str
    status: str
    finished_at: str | None


def _secret_like(value: str) -> bool:
    """Whether to register a value for redaction. Registering a plain word such as "current"
    would scrub it from every line we print; secrets are long or mix letters and digits.
    (Values are never shown either way: this guards against a server echoing one back.)"""
    return len(value) >= 12 or (len(value) >= 8 and any(c.isdigit() for c in value)
                                and any(c.isalpha() for c in value))


class RenderClient:
    def __init__(self, transport: Transport, base_url: str, api_key: str) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}

    async def _get(self, path: str, params: dict[str, Any] | None = None, *, sensitive: bool = False) -> Reply:
        return await self.transport.request("GET", self.base_url + path, headers=self._headers, params=params,
                                            sensitive=sensitive)

    def _require_ok(self, reply: Reply, service_id: str) -> None:
        if reply.ok:
            return
        if reply.status_code == 401:
            raise BadReply("Render rejected RENDER_API_KEY (HTTP 401); create a new key under Render "
                           "Account Settings > API Keys and set RENDER_API_KEY", reply)
        if reply.status_code == 403:
            raise BadReply(f"RENDER_API_KEY may not read service {service_id} (HTTP 403); use a key of the "
                           "workspace that owns it", reply)
        if reply.status_code == 404:
            raise BadReply(f"Render has no service {service_id} (HTTP 404); check the service id in the "
                           "target's [render] section", reply)
        raise BadReply(f"Render answered HTTP {reply.status_code} for service {service_id}; try again later", reply)

    async def service(self, service_id: str) -> ServiceInfo:
        reply = await self._get(f"/services/{service_id}")
        self._require_ok(reply, service_id)
        data = reply.json_object()
        details = data.get("serviceDetails") if isinstance(data.get("serviceDetails"), dict) else {}
        env = details.get("envSpecificDetails") if isinstance(details.get("envSpecificDetails"), dict) else {}
        command = env.get("preDeployCommand")
        suspended = str(data.get("suspended", "not_suspended"))
        return ServiceInfo(
            id=str(data.get("id", service_id)),
            name=str(data.get("name", "")),
            suspended=suspended != "not_suspended",
            suspended_state=suspended,
            pre_deploy_command=command if isinstance(command, str) else None,
            url=details.get("url") if isinstance(details.get("url"), str) else None,
        )

    async def latest_deploy(self, service_id: str) -> DeployInfo | None:
        reply = await self._get(f"/services/{service_id}/deploys", {"limit": 1})
        self._require_ok(reply, service_id)
        data = reply.json()
        if not isinstance(data, list):
            raise NotJSON(f"Render's deploy list for {service_id} is not a list", reply.evidence)
        if not data:
            return None
        deploy = data[0].get("deploy", data[0]) if isinstance(data[0], dict) else {}
        return DeployInfo(str(deploy.get("id", "")), str(deploy.get("status", "unknown")), deploy.get("finishedAt"))

    async def env_vars(self, service_id: str, public_values: frozenset[str] = frozenset()) -> dict[str, str]:
        """Every env var of the service, all pages read (until Render sends an empty page)."""
        values: dict[str, str] = {}
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            params = {"limit": PAGE_SIZE, **({"cursor": cursor} if cursor else {})}
            reply = await self._get(f"/services/{service_id}/env-vars", params, sensitive=True)
            self._require_ok(reply, service_id)
            page = reply.json()
            if not isinstance(page, list):
                raise NotJSON(f"Render's env-var list for {service_id} is not a list", reply.evidence)
            if not page:
                return values
            for entry in page:
                env = entry.get("envVar", entry) if isinstance(entry, dict) else {}
                key, value = env.get("key"), env.get("value")
                if isinstance(key, str):
                    value = value if isinstance(value, str) else ""
                    if key not in PUBLIC_ENV_KEYS and value not in public_values and _secret_like(value):
                        registry.add(value)
                    values[key] = value
            last = page[-1] if isinstance(page[-1], dict) else {}
            cursor = last.get("cursor") if isinstance(last.get("cursor"), str) else None
            if not cursor and len(page) < PAGE_SIZE:
                return values  # a short page without a cursor can only be the last one
            if not cursor or cursor in seen:
                raise BadReply(f"Render's env-var pages for {service_id} give no usable cursor to read on; "
                               "could not read them all", reply)
            seen.add(cursor)
        raise BadReply(f"Render's env-var list for {service_id} has more than {MAX_PAGES} pages", reply)
