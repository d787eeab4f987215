from __future__ import annotations

import pytest

from launch_tui.sandbox import SandboxServer
from launch_tui.secrets import Secrets
from launch_tui.session import LiveSession
from launch_tui.target import target_from_dict
from launch_tui.wizard.wizard import Wizard


@pytest.fixture
def sandbox():
    with SandboxServer(job_seconds=0.2) as server:
        yield server


@pytest.fixture
def make_wizard(sandbox, tmp_path):
    made: list[Wizard] = []

    def build(secrets: dict | None = None, **target) -> Wizard:
        live = LiveSession.create(target_from_dict(sandbox.target_dict(**target)), "alice", tmp_path / "sessions")
        wizard = Wizard(live, Secrets(sandbox.credentials if secrets is None else secrets))
        made.append(wizard)
        return wizard

    yield build
    for wizard in made:
        wizard.close()


def resume(wizard: Wizard, sandbox) -> Wizard:
    """Quit and come back, as ops would the next day: memory (secrets, facts) is gone."""
    path = wizard.session_path
    wizard.close()
    return Wizard(LiveSession.resume(path, "bob"), Secrets(sandbox.credentials))


def customer_tenants(sandbox, slug: str = "acme-freight") -> int:
    """How many tenants carry the customer's slug (the sandbox has its own internal one)."""
    return [tenant.slug for tenant in sandbox.state.tenants.values()].count(slug)
