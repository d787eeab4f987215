from __future__ import annotations

from pathlib import Path

import pytest

from launch_tui.secrets import registry
from launch_tui.target import Target, target_from_dict

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.sshkeys"]  # the `keys` and `agent` fixtures: real SSH keys made at test time


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
