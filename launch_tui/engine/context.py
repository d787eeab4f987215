"""What one run of checks or actions works with: the target, the secrets, the HTTP
clients (one AsyncClient per run, closed at the end) and the facts the session knows.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields
from typing import Any

from launch_tui.checklist import Checklist, load_checklist
from launch_tui.clients.evidence import collect_evidence, record_all
from launch_tui.clients.github import GitHubClient
from launch_tui.clients.platform import PlatformClient
from launch_tui.clients.ratelimit import Style
from launch_tui.clients.render import RenderClient
from launch_tui.clients.transport import HttpClient, HttpTransport, Policy, Transport, make_client, prepare_http
from launch_tui.results import CheckResult, Evidence
from launch_tui.secrets import Secrets, registry
from launch_tui.target import Target

# In memory only: never persisted, never shown. Registered for redaction when set.
SECRET_FACTS = frozenset({"customer_key", "access_token", "revoked_key"})


@dataclass
class Facts:
    """What the session knows about this launch. Actions update it; the session persists
    `to_dict()` (non-secret references only) and keeps the secret fields in memory."""

    tenant_id: str | None = None
    tenant_slug: str | None = None
    key_id: str | None = None
    key_prefix: str | None = None
    key_label: str | None = None
    job_id: str | None = None
    job_type: str | None = None
    invoice_id: str | None = None
    customer_key: str | None = field(default=None, repr=False)  # the issued key's secret
    access_token: str | None = field(default=None, repr=False)  # the customer's bearer token
    revoked_key: str | None = field(default=None, repr=False)  # a canary key issued then revoked

    def __setattr__(self, name: str, value: Any) -> None:
        if name in SECRET_FACTS and isinstance(value, str):
            registry.add(value)
        super().__setattr__(name, value)

    def update(self, **values: Any) -> None:
        for name, value in values.items():
            if name not in {f.name for f in fields(self)}:
                raise AttributeError(f"Facts has no field {name!r}")
            setattr(self, name, value)

    def to_dict(self) -> dict[str, str]:
        """The persistable facts: non-secret, non-empty."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in SECRET_FACTS and getattr(self, f.name) is not None
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Facts:
        """From what a session stored; secret and unknown fields are ignored."""
        known = {f.name for f in fields(cls)} - SECRET_FACTS
        return cls(**{k: v for k, v in (data or {}).items() if k in known and isinstance(v, str)})


# Results fetched once per batch of checks and shared (the Render env vars feed two checks).
_batch_cache: contextvars.ContextVar[dict[str, asyncio.Future[Any]] | None] = contextvars.ContextVar(
    "launch_tui_batch_cache", default=None
)


class RunContext:
    """`async with RunContext(target, secrets, facts) as ctx:` opens the run's HTTP client."""

    def __init__(
        self,
        target: Target,
        secrets: Secrets,
        facts: Facts | None = None,
        *,
        policy: Policy = Policy(),
        checklist: Checklist | None = None,
        http_transport: HttpTransport | None = None,
    ) -> None:
        self.target = target
        self.secrets = secrets
        self.facts = facts if facts is not None else Facts()
        self.policy = policy
        self.checklist = checklist or load_checklist()
        self.results: dict[str, CheckResult] = {}  # the latest result of each item in this run
        self.batch_items: frozenset[str] = frozenset()  # the items of the batch running (engine.runner)
        self._http_transport = http_transport
        self.client: HttpClient | None = None
        self.platform: PlatformClient
        self.web: Transport  # plain GETs of the web app
        self.render: RenderClient | None = None
        self.github: GitHubClient | None = None

    async def __aenter__(self) -> RunContext:
        if self._http_transport is None:
            await prepare_http()  # off the event loop: the TUI keeps drawing
        self.client = make_client(self.policy, self._http_transport)
        self.platform = PlatformClient(
            Transport(self.client, self.policy, Style.PLATFORM), self.target.api_url, self.secrets
        )
        self.web = Transport(self.client, self.policy, Style.WEB)
        render_key = self.secrets.get("RENDER_API_KEY")
        if self.target.render and render_key:
            self.render = RenderClient(
                Transport(self.client, self.policy, Style.RENDER), self.target.render.api_url, render_key
            )
        github_token = self.secrets.get("GITHUB_TOKEN")
        if self.target.github and github_token:
            self.github = GitHubClient(
                Transport(self.client, self.policy, Style.GITHUB), self.target.github.api_url, github_token
            )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self.client is not None:
            await self.client.aclose()
            self.client = None

    async def shared(self, key: str, factory: Callable[[], Awaitable[Any]]) -> Any:
        """Fetch once per batch, however many checks ask; each asker gets the evidence too."""
        cache = _batch_cache.get()
        if cache is None:
            return await factory()
        if key not in cache:
            cache[key] = asyncio.ensure_future(_collecting(factory))
        # shield: one asker being cancelled must not cancel the fetch the others wait for.
        value, evidence, error = await asyncio.shield(cache[key])
        record_all(evidence)
        if error is not None:
            raise error
        return value

    def prefetch(self, key: str, factory: Callable[[], Awaitable[Any]]) -> None:
        """Start a fetch that a check is about to ask `shared` for, without waiting for it
        (outside a batch: nothing; the check then fetches when it asks)."""
        cache = _batch_cache.get()
        if cache is not None and key not in cache:
            cache[key] = asyncio.ensure_future(_collecting(factory))


async def _collecting(factory: Callable[[], Awaitable[Any]]) -> tuple[Any, list[Evidence], BaseException | None]:
    with collect_evidence() as evidence:
        try:
            return await factory(), evidence, None
        except Exception as exc:  # handed to every asker, who reports it as its own error
            return None, evidence, exc


class batch_cache:
    """Scope for `RunContext.shared`: `async with batch_cache():` around a batch of checks.
    On exit (also on cancellation) unfinished fetches are cancelled and awaited, so none
    outlives the batch or touches a closed client."""

    async def __aenter__(self) -> dict[str, asyncio.Future[Any]]:
        self.cache: dict[str, asyncio.Future[Any]] = {}
        self._token = _batch_cache.set(self.cache)
        return self.cache

    async def __aexit__(self, *exc_info: object) -> None:
        _batch_cache.reset(self._token)
        pending = [future for future in self.cache.values() if not future.done()]
        for future in pending:
            future.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
