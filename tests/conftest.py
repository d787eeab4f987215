from __future__ import annotations

from pathlib import Path

import pytest

from launch_tui.secrets import registry
from launch_tui.target import Target, target_from_dict

ROOT = Path(__file__).resolve().parent.parent


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
    from launch_tui import cli

    monkeypatch.setattr(cli, "has_terminal", lambda: True)
