"""SVG snapshots of every screen at 80x24 and 120x40, from a deterministic session
(frozen clock, fixed URLs, no network). `pytest --snapshot-update` accepts changes
after a person has looked at them (tests/tui/__snapshots__/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from launch_tui.launch import flows
from launch_tui.launch.live import LiveLaunch
from launch_tui.launch.replay import ReplayLaunch
from launch_tui.results import Evidence, ItemStatus
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, NewEvent, open_read_only
from launch_tui.session.replay import Replay
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.dialogs.actions import ActionDialog, RevealKeyDialog
from launch_tui.tui.dialogs.since import SinceYouLeftDialog
from launch_tui.tui.dialogs.target import TargetDialog

from ..conftest import make_target
from .conftest import TEST_SECRETS

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
API = "https://api.example.com"


def seeded(folder: Path) -> LiveSession:
    """A session part-way through a launch: results with evidence, a confirmation, a
    waiver, a record and a note."""
    target = make_target(
        render={"api_service_id": "srv-api123", "web_service_id": "srv-web456"},
        github={"repo": "acme/platform"},
        web_url="https://app.example.com",
    )
    live = LiveSession.create(target, "alice", folder)
    evidence = [
        Evidence(
            method="GET",
            url=f"{API}/health",
            status_code=200,
            request_id="req_8f2a",
            duration_ms=41,
            at="2026-11-30T10:00:00Z",
            excerpt='{"status":"ok"}',
        )
    ]
    for item, status, summary in [
        ("infra.health", ItemStatus.PASS, "HTTP 200, status ok, 0 pending migrations"),
        (
            "infra.env-vars",
            ItemStatus.FAIL,
            "CLERK_SECRET_KEY is missing; ALLOW_API_KEY_FALLBACK is not false: set them on the API service",
        ),
        ("infra.database", ItemStatus.PASS, "DATABASE_URL is set on the API service"),
        ("auth.token-invalid", ItemStatus.PASS, "no key and a random key are both refused with HTTP 401"),
        ("auth.route-enforcement", ItemStatus.WARN, "GET /api/jobs/<id> answered 404: wrong path?"),
    ]:
        live.record(
            NewEvent(
                kind=EventKind.CHECK_RESULT,
                item=item,
                status=status,
                summary=summary,
                duration_ms=44,
                evidence=evidence,
            )
        )
    live.record(NewEvent(kind=EventKind.ITEM_CONFIRMED, item="guardrails.alert-routing", note="PagerDuty routes both"))
    live.record(
        NewEvent(
            kind=EventKind.ITEM_WAIVED,
            item="infra.env-vars",
            data={"reason": "fallback off next deploy", "owner": "Dana", "until": "2026-12-04"},
        )
    )
    live.record(
        NewEvent(
            kind=EventKind.RECORD_SAVED,
            item="decision.known-gaps",
            data={"fields": {"gaps": [{"what": "SSO", "owner": "Dana", "due": "2027-01-15"}]}},
        )
    )
    live.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note="checked with the on-call engineer"))
    return live


async def steady(pilot) -> None:
    """A blinking cursor is drawn or not depending on timing: stop it for the picture."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@pytest.fixture
def snapshot_env(tmp_path, monkeypatch, frozen_clock):
    monkeypatch.chdir(tmp_path)  # paths on screen are relative: the same on every machine
    return Path("sessions")


def launch_app(folder: Path, section: str | None = None) -> LaunchApp:
    live = seeded(folder)
    if section:
        live.record(NewEvent(kind=EventKind.SECTION_ENTERED, data={"section": section}))
    return LaunchApp(
        LiveLaunch(
            live, Secrets(TEST_SECRETS | {"RENDER_API_KEY": "rnd_test_1234567", "GITHUB_TOKEN": "ghp_test_1234567"})
        )
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "section", ["infra", "auth", "onboarding", "first-value", "guardrails", "billing", "decision", "summary"]
)
def test_section_screens(snap_compare, snapshot_env, size, section):
    app = launch_app(snapshot_env, section)
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, snapshot_env, size):
    seeded(snapshot_env).close()

    async def listed(pilot):  # the sessions are read in a thread once the screen is up
        for _ in range(500):  # the worker starts after the first refresh: wait for its rows, not for workers
            if pilot.app.screen.rows:
                break
            await pilot.pause(0.02)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(LaunchApp(home=snapshot_env), terminal_size=size, run_before=listed)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("dialog", ["help", "target-form", "credentials", "waive", "record", "action", "reveal"])
def test_dialogs(snap_compare, snapshot_env, size, dialog):
    if dialog == "credentials":
        app = LaunchApp(LiveLaunch(seeded(snapshot_env), Secrets({})))  # nothing set: it asks
        assert snap_compare(app, terminal_size=size)
        return
    app = launch_app(snapshot_env)

    async def open_dialog(pilot):
        if dialog == "help":
            await pilot.press("question_mark")
        elif dialog == "target-form":
            app.push_screen(TargetDialog())
        elif dialog == "waive":
            await pilot.press("w")
        elif dialog == "record":
            app.show_section("decision")
            await pilot.pause()
            app.screen.query_one("ItemTable").move_cursor(row=1)
            await pilot.press("e")
        elif dialog == "action":
            step = await flows.create_tenant_step(app.launch)
            app.push_screen(ActionDialog(step, "production"))
        elif dialog == "reveal":
            app.push_screen(RevealKeyDialog("lk_1a2b3c4d_" + "9" * 48, "key_77aa", "lk_1a2b3c4d"))
        await pilot.pause()
        await steady(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_dialog)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("where", ["timeline", "section"])
def test_replay(snap_compare, snapshot_env, size, where):
    live = seeded(snapshot_env)
    live.close()
    app = LaunchApp(ReplayLaunch(Replay(open_read_only(live.path))), mode="REPLAY · read-only")

    async def step(pilot):
        await pilot.press("up", "up")
        if where == "section":
            app.show_section("infra")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=step)


def test_help_lists_every_section_key():
    from launch_tui.tui.screens.section import SectionScreen

    keys = {binding.key for binding in SectionScreen.BINDINGS}
    from launch_tui.tui.dialogs.help import HELP

    for key in ("r", "a", "x", "c", "e", "n", "w", "u"):
        assert key in keys and f"| {key} |" in HELP


def demo_app(folder: Path) -> LaunchApp:
    """A demo session: a production-rules target, but the header says sandbox."""
    live = LiveSession.create(make_target(), "alice", folder, sandbox=True)
    live.record(
        NewEvent(
            kind=EventKind.CHECK_RESULT, item="infra.health", status=ItemStatus.PASS, summary="HTTP 200", duration_ms=12
        )
    )
    return LaunchApp(LiveLaunch(live, Secrets(TEST_SECRETS)), mode="DEMO")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("where", ["section", "action", "summary"])
def test_demo_labels(snap_compare, snapshot_env, size, where):
    """Issue 14: a demo never reads as production, in the top bar, the dialogs and the summary."""
    app = demo_app(snapshot_env)

    async def show(pilot):
        if where == "action":
            step = await flows.create_tenant_step(app.launch)
            app.push_screen(ActionDialog(step, "production", demo=True))
        elif where == "summary":
            app.show_section("summary")
        await pilot.pause()
        await steady(pilot)

    assert snap_compare(app, terminal_size=size, run_before=show)


@pytest.mark.parametrize("size", SIZES)
def test_since_you_left(snap_compare, snapshot_env, size):
    """Issue 14: what a resume shows first."""
    live = seeded(snapshot_env)
    live.record(
        NewEvent(
            kind=EventKind.ACTION_INTENT,
            item="onboarding.tenant",
            data={"action": "create_tenant", "idempotency_key": "lt-k1"},
        )
    )
    live.close()
    resumed = LiveSession.resume(live.path, "bob")
    app = LaunchApp(
        LiveLaunch(
            resumed, Secrets(TEST_SECRETS | {"RENDER_API_KEY": "rnd_test_1234567", "GITHUB_TOKEN": "ghp_test_1234567"})
        )
    )

    async def panel(pilot):
        for _ in range(50):
            if isinstance(app.screen, SinceYouLeftDialog):
                break
            await pilot.pause(0.02)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=panel)
