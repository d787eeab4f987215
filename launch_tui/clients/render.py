"""Render's REST API, as Render publishes it: services, deploys, env vars, env groups and
Render Postgres (shapes in render-oss/sdk's generated schema; the contract tests in
tests/contracts/render/ replay recorded replies through this client).

Env-var values are secrets. They are read into memory to be compared, registered
with the redaction registry at once (except the few whose value the runbook states
or that the target already shows), and never put in evidence: env-var and env-group
responses are fetched with `sensitive=True`, so no excerpt of them exists.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from launch_tui.clients.errors import BadReply, NotJSON, TransportError
from launch_tui.clients.evidence import collect_evidence, record_all
from launch_tui.clients.render_models import (
    DeployInfo,
    Deploys,
    EnvValue,
    PostgresInfo,
    ServiceEnv,
    ServiceInfo,
    parse_deploy,
    parse_postgres,
    parse_service,
)
from launch_tui.clients.text import clean
from launch_tui.clients.transport import Reply, Transport
from launch_tui.secrets import registry

__all__ = ["DeployInfo", "Deploys", "EnvValue", "PostgresInfo", "RenderClient", "ServiceEnv", "ServiceInfo"]

# Values the runbook states (or that name a public URL); everything else is a secret.
PUBLIC_ENV_KEYS = frozenset({"NODE_ENV", "ALLOW_API_KEY_FALLBACK", "API_URL"})
PAGE_SIZE = 100  # the most Render allows per page (its default is 20)
MAX_PAGES = 100


def _secret_like(value: str) -> bool:
    """Whether to register a value for redaction. Registering a plain word such as "current"
    would scrub it from every line we print; secrets are long or mix letters and digits.
    (Values are never shown either way: this guards against a server echoing one back.)"""
    return len(value) >= 12 or (len(value) >= 8 and any(c.isdigit() for c in value) and any(c.isalpha() for c in value))


def render_says(reply: Reply) -> str:
    """Render's error body is `{id, message}` (recorded replies often carry `message` only)."""
    data = reply.json_or_none()
    if not isinstance(data, dict):
        return ""
    message, code = data.get("message"), data.get("id")
    said = clean(message, 120) if isinstance(message, str) and message.strip() else ""
    if isinstance(code, str) and code.strip() and code.replace("_", " ").lower() not in said.lower():
        said = f"{clean(code, 40)}: {said}" if said else clean(code, 40)
    return f' ("{said}")' if said else ""


def _linked(groups: list[Any], service_id: str) -> list[tuple[str, str]]:
    """(id, name) of the env groups whose `serviceLinks` name the service."""
    linked = []
    for group in groups:
        links = group.get("serviceLinks") if isinstance(group, dict) else None
        if isinstance(links, list) and any(isinstance(link, dict) and link.get("id") == service_id for link in links):
            linked.append((str(group.get("id", "")), clean(group.get("name", ""), 60) or "(unnamed)"))
    return linked


@dataclass(frozen=True)
class _What:
    """What a request was about, for the one-line error: "service srv-x", "env groups"."""

    noun: str
    fix_404: str


class RenderClient:
    def __init__(self, transport: Transport, base_url: str, api_key: str) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}

    async def _get(self, path: str, params: dict[str, Any] | None = None, *, sensitive: bool = False) -> Reply:
        return await self.transport.request(
            "GET", self.base_url + path, headers=self._headers, params=params, sensitive=sensitive
        )

    def _require_ok(self, reply: Reply, what: _What) -> None:
        if reply.ok:
            return
        said = render_says(reply)
        status = reply.status_code
        if status == 401:
            raise BadReply(
                f"Render rejected RENDER_API_KEY (HTTP 401{said}); create a new key under Render "
                "Account Settings > API Keys and set RENDER_API_KEY",
                reply,
            )
        if status == 403:
            raise BadReply(
                f"RENDER_API_KEY may not read {what.noun} (HTTP 403{said}); Render keys act for their "
                "user across workspaces: use a key of a member of the workspace that owns it",
                reply,
            )
        if status == 404:
            raise BadReply(f"Render has no {what.noun} for this key (HTTP 404{said}); {what.fix_404}", reply)
        raise BadReply(f"Render answered HTTP {status}{said} for {what.noun}; try again later", reply)

    @staticmethod
    def _service_what(service_id: str) -> _What:
        return _What(f"service {service_id}", "check the service id in the target's [render] section")

    async def service(self, service_id: str) -> ServiceInfo:
        reply = await self._get(f"/services/{service_id}")
        self._require_ok(reply, self._service_what(service_id))
        return parse_service(reply.json_object(), service_id)

    async def deploys(self, service_id: str) -> Deploys:
        """The newest deploy, and the one that serves: the newest `live` one, found with
        list-deploys' `status` filter when the newest is not it."""
        newest = await self._deploy_page(service_id, {"limit": 1})
        if newest is not None and newest.status == "live":
            return Deploys(newest, newest)
        live = await self._deploy_page(service_id, {"limit": 1, "status": "live"})
        return Deploys(newest, live)

    async def _deploy_page(self, service_id: str, params: dict[str, Any]) -> DeployInfo | None:
        reply = await self._get(f"/services/{service_id}/deploys", params)
        self._require_ok(reply, self._service_what(service_id))
        data = reply.json()
        if not isinstance(data, list):
            raise NotJSON(f"Render's deploy list for {service_id} is not a list", reply.evidence)
        return parse_deploy(data[0]) if data else None

    async def _pages(
        self,
        path: str,
        params: dict[str, Any],
        wrapper: str,
        what: _What,
        *,
        sensitive: bool = False,
        on_page: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> list[dict[str, Any]]:
        """Every item of a cursor-paged list, unwrapped: pages of `[{<wrapper>: {...}, cursor}]`
        read until an empty page (or a short page without a cursor). `on_page(items so far)`
        after each page that holds items."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            page_params = {**params, "limit": PAGE_SIZE, **({"cursor": cursor} if cursor else {})}
            reply = await self._get(path, page_params, sensitive=sensitive)
            self._require_ok(reply, what)
            page = reply.json()
            if not isinstance(page, list):
                raise NotJSON(f"Render's list of {what.noun} is not a list", reply.evidence)
            if not page:
                return items
            for entry in page:
                if isinstance(entry, dict):
                    inner = entry.get(wrapper, entry)
                    items.append(inner if isinstance(inner, dict) else {})
            if on_page is not None:
                on_page(items)
            last = page[-1] if isinstance(page[-1], dict) else {}
            cursor = last.get("cursor") if isinstance(last.get("cursor"), str) else None
            if not cursor and len(page) < PAGE_SIZE:
                return items  # a short page without a cursor can only be the last one
            if not cursor or cursor in seen:
                raise BadReply(
                    f"Render's pages of {what.noun} give no usable cursor to read on; could not read them all", reply
                )
            seen.add(cursor)
        raise BadReply(f"Render's list of {what.noun} has more than {MAX_PAGES} pages", reply)

    def _keep(self, values: dict[str, EnvValue], raw: list[Any], source: str, public_values: frozenset[str]) -> None:
        for env in raw:
            if not isinstance(env, dict) or not isinstance(env.get("key"), str):
                continue
            key, value = env["key"], env.get("value")
            value = value if isinstance(value, str) else ""
            if key not in PUBLIC_ENV_KEYS and value not in public_values and _secret_like(value):
                registry.add(value)
            if key not in values:  # the first source read wins: the service's own, then groups
                values[key] = EnvValue(value, source)

    async def env(self, service: ServiceInfo, public_values: frozenset[str] = frozenset()) -> ServiceEnv:
        """What the service gets at run time: its own env vars and those of every env group
        linked to it. A key set on the service wins over the same key in a group, as on Render."""
        own, groups = await asyncio.gather(
            self.own_env(service.id, public_values), self.group_env(service, public_values)
        )
        return own.with_groups(groups)

    async def own_env(
        self,
        service_id: str,
        public_values: frozenset[str] = frozenset(),
        on_page: Callable[[ServiceEnv], None] | None = None,
    ) -> ServiceEnv:
        """The service's own env vars. They need only its id, so a caller can read them while
        the service itself is still on its way; their pages come one after another (each
        page's cursor names the next: cursor pages cannot be fetched side by side).
        `on_page(what is read so far)`: a key seen there is final (a service's keys are unique)."""

        def read_so_far(raw: list[dict[str, Any]]) -> ServiceEnv:
            values: dict[str, EnvValue] = {}
            self._keep(values, raw, "the service", public_values)
            return ServiceEnv(values, ())

        raw = await self._pages(
            f"/services/{service_id}/env-vars",
            {},
            "envVar",
            _What(f"env vars of service {service_id}", "check the service id"),
            sensitive=True,
            on_page=(lambda items: on_page(read_so_far(items))) if on_page else None,
        )
        return read_so_far(raw)

    async def group_env_of(
        self,
        service_id: str,
        service: Callable[[], Awaitable[ServiceInfo]],
        public_values: frozenset[str] = frozenset(),
    ) -> ServiceEnv:
        """`group_env`, without waiting for the service first: the env groups of every workspace
        the key sees are listed at once (a group links only services of its own workspace, so
        the linked ones are the same as in the service's workspace). With 100 or more of them,
        or any answer but a list, the service's workspace is asked as `group_env` does, and
        that first answer is left out of the evidence."""
        with collect_evidence() as tried:
            try:
                # sensitive: no excerpt, since the list names other workspaces' groups (other customers')
                reply: Reply | None = await self._get("/env-groups", {"limit": PAGE_SIZE}, sensitive=True)
            except TransportError:
                reply = None
        data = reply.json_or_none() if reply is not None and reply.ok else None
        if not isinstance(data, list) or len(data) >= PAGE_SIZE:
            return await self.group_env(await service(), public_values)
        record_all(tried)
        return await self._group_env_from(_linked(data, service_id), public_values)

    async def group_env(self, service: ServiceInfo, public_values: frozenset[str] = frozenset()) -> ServiceEnv:
        """The env vars of the groups linked to the service (the first group read wins a key)."""
        return await self._group_env_from(await self._linked_groups(service), public_values)

    async def _group_env_from(self, groups: list[tuple[str, str]], public_values: frozenset[str]) -> ServiceEnv:
        group_vars = await asyncio.gather(*(self._group_env(group_id) for group_id, _ in groups))
        values: dict[str, EnvValue] = {}
        for (_, name), raw in zip(groups, group_vars, strict=False):
            self._keep(values, raw, f"env group {name}", public_values)
        return ServiceEnv(values, tuple(name for _, name in groups))

    async def _group_env(self, group_id: str) -> list[Any]:
        reply = await self._get(f"/env-groups/{group_id}", sensitive=True)
        self._require_ok(reply, _What(f"env group {group_id}", "it may have been deleted; run the check again"))
        raw = reply.json_object().get("envVars")
        return raw if isinstance(raw, list) else []

    async def _linked_groups(self, service: ServiceInfo) -> list[tuple[str, str]]:
        """(id, name) of the env groups whose `serviceLinks` name the service. Render's schema
        gives this list no cursor, so the most Render sends (100) is read; a full page means
        there may be more, which is said rather than guessed past."""
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if service.owner_id:
            params["ownerId"] = service.owner_id
        reply = await self._get("/env-groups", params)
        self._require_ok(reply, _What("env groups", "check RENDER_API_KEY belongs to the service's workspace"))
        data = reply.json()
        if not isinstance(data, list):
            raise NotJSON("Render's env-group list is not a list", reply.evidence)
        if len(data) >= PAGE_SIZE:
            raise BadReply(
                f"the workspace has {PAGE_SIZE} or more env groups, more than Render lists at once; "
                "could not tell which are linked to the service",
                reply,
            )
        return _linked(data, service.id)

    async def postgres(self, postgres_id: str) -> PostgresInfo | None:
        """`GET /postgres/{id}`; None when Render says there is none (404) for this key."""
        reply = await self._get(f"/postgres/{postgres_id}")
        if reply.status_code == 404:
            return None
        self._require_ok(reply, _What(f"Render Postgres {postgres_id}", ""))
        return parse_postgres(reply.json_object())

    async def postgres_list(self, owner_id: str | None) -> list[PostgresInfo]:
        params = {"ownerId": owner_id} if owner_id else {}
        items = await self._pages(
            "/postgres", params, "postgres", _What("Render Postgres instances", "check RENDER_API_KEY")
        )
        return [parse_postgres(item) for item in items]
