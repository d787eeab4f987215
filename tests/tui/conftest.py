from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from launch_tui import timefmt
from launch_tui.launch.live import LiveLaunch
from launch_tui.secrets import Secrets
from launch_tui.session import LiveSession
from launch_tui.tui.app import LaunchApp

FROZEN = datetime(2026, 11, 30, 10, 0, 0, tzinfo=UTC)
TEST_SECRETS = {
    "LAUNCH_ADMIN_TOKEN": "adm_test_5d1f0c2b9a8e7f6d",
    "LAUNCH_INTEGRATION_KEY": "lk_test_valid_0a9b8c7d6e5f",
    "LAUNCH_REVOKED_KEY": "lk_test_revoked_1f2e3d4c5b",
}


@pytest.fixture
def frozen_clock():
    timefmt.set_clock(lambda: FROZEN)
    yield FROZEN
    timefmt.set_clock(None)


@pytest.fixture
def sessions(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture
def make_app(sessions, target):
    """A wizard app on a fresh session, credentials set so no dialog opens first."""
    opened: list[LiveSession] = []

    def build(target_=None, secrets: dict | None = None) -> LaunchApp:
        live = LiveSession.create(target_ or target, "alice", sessions)
        opened.append(live)
        return LaunchApp(LiveLaunch(live, Secrets(TEST_SECRETS if secrets is None else secrets)))

    yield build
    for live in opened:
        live.close()


async def goto_item(pilot, item_id: str) -> None:
    """Move the table cursor to an item of the current section."""
    table = pilot.app.screen.query_one("ItemTable")
    ids = [item.id for item in table.section.items]
    table.move_cursor(row=ids.index(item_id))
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])
