from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from launch_tui.sandbox import SandboxServer
from launch_tui.secrets import registry
from launch_tui.target import Target, target_from_dict

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.sshkeys"]  # the `keys` and `agent` fixtures: real SSH keys made at test time

# Never the operator's own trusted-origins file: children started with a copy of the
# environment taken at import time get this one; each test gets its own below.
os.environ["LAUNCH_TRUST_FILE"] = str(Path(tempfile.mkdtemp(prefix="launch-tui-trust-")) / "trusted-origins.toml")


def make_target(**overrides) -> Target:
    data = {
        "environment": "production",
        "api_url": "https://api.example.com",
        "team_mode": "solo",
        "customer": {"name": "Acme Freight", "tenant_slug": "acme-freight"},
    }
    data.update(overrides)
    return target_from_dict(data)


@pytest.fixture
def target() -> Target:
    return make_target()


@pytest.fixture(autouse=True)
def _fresh_secret_registry():
    """Secrets registered by one test must not redact another test's output."""
    registry.clear()
    yield
    registry.clear()


@pytest.fixture
def terminal(monkeypatch):
    """As if stdin and stdout were a terminal: the TUI commands refuse to start without one
    (tests/test_cli.py shows that), and these tests stop them before any screen anyway."""
    from launch_tui.commands import tui

    monkeypatch.setattr(tui, "has_terminal", lambda: True)


@pytest.fixture(autouse=True)
def _own_trust_file(tmp_path_factory):
    """Each test starts with an empty trusted-origins store of its own. A MonkeyPatch of
    its own, so that a test's `monkeypatch.undo()` does not take the store away."""
    path = tmp_path_factory.mktemp("trust") / "trusted-origins.toml"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LAUNCH_TRUST_FILE", str(path))
        yield path


# Sandboxes --------------------------------------------------------------------------------
# One way to get a sandbox: `make_sandbox(*scenarios, **options)` starts a fresh one (healthy
# when no scenario is named) and stops it at the test's teardown. `sandbox` is the common
# one; a module needing other options overrides it with `make_sandbox(...)`. Read-mostly
# suites share one per test process (`shared_sandbox`), or one per module (`module_sandbox`).

MakeSandbox = Callable[..., SandboxServer]


def _sandboxes(stack: ExitStack) -> MakeSandbox:
    def make(*scenarios: str, **options) -> SandboxServer:
        return stack.enter_context(SandboxServer(scenarios or ("healthy",), **options))

    return make


@pytest.fixture
def make_sandbox() -> Iterator[MakeSandbox]:
    with ExitStack() as stack:
        yield _sandboxes(stack)


@pytest.fixture(scope="module")
def make_module_sandbox() -> Iterator[MakeSandbox]:
    """`make_sandbox` for module-scoped fixtures: stopped after the module's last test."""
    with ExitStack() as stack:
        yield _sandboxes(stack)


@pytest.fixture
def sandbox(make_sandbox: MakeSandbox) -> SandboxServer:
    """A fresh healthy sandbox whose jobs finish in 0.2 s."""
    return make_sandbox(job_seconds=0.2)


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[SandboxServer]:
    """One healthy sandbox for the tests that only read, or that make their own tenant
    (a unique slug): starting one costs more than most of those tests take."""
    with ExitStack() as stack:
        yield _sandboxes(stack)(job_seconds=0.3)
