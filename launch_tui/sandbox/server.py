"""Running the sandbox: uvicorn in a background thread with its own event loop, so the
TUI (or a test) keeps its own loop; `launch-tui sandbox` (launch_tui/commands/sandbox.py) serves
one for people."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

import tomli_w
import uvicorn

from launch_tui.errors import UsageError
from launch_tui.files import write_private
from launch_tui.sandbox.app import create_app
from launch_tui.sandbox.github import BRANCH, CONTRACT_CHECK, FORCE_RLS_CHECK, NAME, NIGHTLY_WORKFLOW, OWNER
from launch_tui.sandbox.middleware import DroppedConnection
from launch_tui.sandbox.replies import GITHUB_PREFIX, RENDER_PREFIX
from launch_tui.sandbox.scenarios import parse_scenarios
from launch_tui.sandbox.store import Store
from launch_tui.sandbox.world import World, build_world
from launch_tui.target import target_from_dict, target_to_dict

START_TIMEOUT = STOP_TIMEOUT = 10.0


class _QuietDrops(logging.Filter):
    """uvicorn logs every exception from the app; the flaky scenario's deliberate
    dropped connections are not errors and must not scribble over the TUI."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


_QUIET_DROPS = _QuietDrops()


def _bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port or --host"
        ) from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _url_host(sock: socket.socket) -> str:
    host = sock.getsockname()[0]
    # Bound to every interface: loopback is the address that surely reaches it.
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"[{host}]" if ":" in host else host


class SandboxServer:
    """The sandbox platform plus Render and GitHub look-alikes, served on `host:port`.

    Every start makes a fresh world: new credentials (unless given), an empty store (but
    for the internal tenant), new Render secrets.
    """

    def __init__(
        self,
        scenarios: tuple[str, ...] | str = ("healthy",),
        latency_ms: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        job_seconds: float = 1.5,
        credentials: dict[str, str] | None = None,
    ) -> None:
        """`credentials`: fixed values by env-var name instead of random ones, for tests
        that look for distinctive secrets in everything a run wrote. Integration keys must
        be well-formed (`lk_<8 hex>_<48 hex>`)."""
        text = scenarios if isinstance(scenarios, str) else ",".join(scenarios)
        self.scenarios = parse_scenarios(text)
        if latency_ms < 0:
            raise UsageError(f"--latency-ms must be 0 or more, not {latency_ms}")
        if job_seconds < 0:
            raise UsageError(f"job_seconds must be 0 or more, not {job_seconds}")
        self.latency_ms = latency_ms
        self.host = host
        self.port = port
        self.job_seconds = job_seconds
        self.given_credentials = dict(credentials or {})
        self._world: World | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    # Lifecycle -----------------------------------------------------------------------

    def start(self) -> SandboxServer:
        if self._thread is not None:
            return self
        sock = _bind(self.host, self.port)
        try:
            base_url = f"http://{_url_host(sock)}:{sock.getsockname()[1]}"
            world = build_world(base_url, self.scenarios, self.job_seconds, self.given_credentials)
            server = uvicorn.Server(
                uvicorn.Config(
                    create_app(world, self.latency_ms),
                    log_config=None,  # leave the host process's logging alone (the TUI shares it)
                    log_level="warning",
                    access_log=False,
                    lifespan="off",
                    timeout_graceful_shutdown=2,
                )
            )
        except BaseException:
            sock.close()
            raise
        logging.getLogger("uvicorn.error").addFilter(_QUIET_DROPS)
        self._failure = None
        thread = threading.Thread(target=self._serve, args=(server, sock), name="launch-sandbox", daemon=True)
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                raise RuntimeError(f"the sandbox server did not start: {self._failure!r}")
            thread.join(0.01)
        self._world, self._server, self._thread = world, server, thread
        return self

    def _serve(self, server: uvicorn.Server, sock: socket.socket) -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported by start(), which is waiting for us
            self._failure = exc
        finally:
            sock.close()

    def stop(self) -> None:
        if self._thread is None or self._server is None:
            return
        self._server.should_exit = True
        self._thread.join(STOP_TIMEOUT)
        self._thread = self._server = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # What clients need ---------------------------------------------------------------

    @property
    def world(self) -> World:
        if self._world is None:
            raise RuntimeError("the sandbox is not started yet; call start() first")
        return self._world

    @property
    def state(self) -> Store:
        """The live in-memory store, for tests to inspect (tenants, keys, jobs, invoices)."""
        return self.world.store

    @property
    def base_url(self) -> str:
        return self.world.base_url

    @property
    def render_url(self) -> str:
        return f"{self.base_url}{RENDER_PREFIX}"

    @property
    def github_url(self) -> str:
        return f"{self.base_url}{GITHUB_PREFIX}"

    @property
    def web_url(self) -> str:
        return self.world.web_url

    @property
    def credentials(self) -> dict[str, str]:
        return self.world.credentials.as_env()

    @property
    def render_env_values(self) -> list[str]:
        """Every Render env-var value of both services and their env groups, secret or not."""
        return [var.value for var in self.world.render.every_var()]

    @property
    def render_secret_values(self) -> list[str]:
        """The generated, secret Render env-var values: none may appear in any output.
        (`render_env_values` also holds "production", "false" and the base URL.)"""
        return [var.value for var in self.world.render.every_var() if var.secret]

    def target_dict(
        self,
        environment: str = "production",
        customer_name: str = "Acme Freight",
        tenant_slug: str = "acme-freight",
        team_mode: str = "solo",
    ) -> dict[str, Any]:
        """A target pointing at this sandbox, as `launch_tui.target` normalises it."""
        raw = {
            "environment": environment,
            "api_url": self.base_url,
            "web_url": self.web_url,
            "team_mode": team_mode,
            "customer": {"name": customer_name, "tenant_slug": tenant_slug},
            "render": {
                "api_url": self.render_url,
                "api_service_id": self.world.api_service_id,
                "web_service_id": self.world.web_service_id,
            },
            "github": {
                "api_url": self.github_url,
                "repo": f"{OWNER}/{NAME}",
                "branch": BRANCH,
                "contract_check": CONTRACT_CHECK,
                "force_rls_check": FORCE_RLS_CHECK,
                "nightly_workflow": NIGHTLY_WORKFLOW,
                "nightly_max_age_hours": 36,
            },
        }
        return target_to_dict(target_from_dict(raw, "sandbox target"))

    def write_target(self, path: str | os.PathLike[str], **kwargs: str) -> Path:
        path = Path(path)
        write_private(path, tomli_w.dumps(self.target_dict(**kwargs)), replace=True)
        return path
