from __future__ import annotations

import pytest

from launch_tui.launch.live import LiveLaunch
from launch_tui.secrets import Secrets
from launch_tui.session import LiveSession
from launch_tui.target import target_from_dict


@pytest.fixture
def make_launch(sandbox, tmp_path):
    made: list[LiveLaunch] = []

    def build(secrets: dict | None = None, **target) -> LiveLaunch:
        live = LiveSession.create(target_from_dict(sandbox.target_dict(**target)), "alice", tmp_path / "sessions")
        launch = LiveLaunch(live, Secrets(sandbox.credentials if secrets is None else secrets))
        made.append(launch)
        return launch

    yield build
    for launch in made:
        launch.close()


def resume(launch: LiveLaunch, sandbox) -> LiveLaunch:
    """Quit and come back, as ops would the next day: memory (secrets, facts) is gone."""
    path = launch.session_path
    launch.close()
    return LiveLaunch(LiveSession.resume(path, "bob"), Secrets(sandbox.credentials))


def customer_tenants(sandbox, slug: str = "acme-freight") -> int:
    """How many tenants carry the customer's slug (the sandbox has its own internal one)."""
    return [tenant.slug for tenant in sandbox.state.tenants.values()].count(slug)
