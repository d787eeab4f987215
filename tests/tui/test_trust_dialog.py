"""The TUI's side of issue 11: the question before a session's first request to an
origin not trusted here, and the home screen skipping a hostile session file."""

from __future__ import annotations

from pathlib import Path

import pytest

from launch_tui.launch.live import LiveLaunch
from launch_tui.secrets import Secrets
from launch_tui.session import LiveSession
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.dialogs.trust import TrustDialog
from launch_tui.tui.screens.home import HomeScreen

from ..conftest import make_target
from .conftest import TEST_SECRETS
from .driver import listed, noted, wait_for_dialog

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def snapshot_env(tmp_path, monkeypatch, frozen_clock):
    monkeypatch.chdir(tmp_path)  # paths on screen are relative: the same on every machine
    monkeypatch.setenv("LAUNCH_TRUST_FILE", "trust/trusted-origins.toml")
    return Path("sessions")


@pytest.mark.parametrize("size", SIZES)
def test_the_trust_question(snap_compare, snapshot_env, size):
    """A session from elsewhere naming a platform and a Render API this machine never trusted."""
    target = make_target(
        api_url="https://api.elsewhere.example:8443",
        render={"api_service_id": "srv-api123", "api_url": "https://render.elsewhere.example"},
    )
    live = LiveSession.create(target, "alice", snapshot_env, trust_source=None)
    app = LaunchApp(LiveLaunch(live, Secrets(TEST_SECRETS)))
    assert snap_compare(app, terminal_size=size)


async def test_the_home_screen_skips_a_hostile_file_and_says_which(tmp_path, target):
    folder = tmp_path / "sessions"
    LiveSession.create(target, "alice", folder).close()
    (folder / "deep.toml").write_text("schema_version = 1\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    app = LaunchApp(home=folder, operator="bob")
    notes = noted(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await listed(pilot)
        table = app.screen.query_one("DataTable")
        assert table.row_count == 2
        assert any("skipped deep.toml" in note and "nest deeper than 64" in note for note in notes)


def elsewhere_session(tmp_path) -> Path:
    folder = tmp_path / "sessions"
    target = make_target(api_url="https://api.elsewhere.example")
    LiveSession.create(target, "alice", folder, trust_source=None).close()
    return next(folder.glob("*.toml"))


async def asked_on_resume(pilot, origin: str) -> TrustDialog:
    """`r` on the home screen's first session: the trust question, naming `origin`."""
    await listed(pilot)
    await pilot.press("r")
    dialog = await wait_for_dialog(pilot, TrustDialog)
    assert origin in str(dialog.query_one("#explanation").render())
    return dialog


async def until(pilot, condition) -> None:
    """The session is read in a thread: up to 10 s on a loaded machine."""
    for _ in range(500):
        await pilot.pause(0.02)
        if condition():
            return


async def test_declining_from_the_home_screen_leaves_the_session_as_it_was_and_the_list_on_screen(tmp_path):
    """Asked before the session is opened: no resume event, no lock kept, nothing sent."""
    path = elsewhere_session(tmp_path)
    before = path.read_bytes()
    app = LaunchApp(home=path.parent, operator="bob")
    notes = noted(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await asked_on_resume(pilot, "https://api.elsewhere.example")
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.launch is None and isinstance(app.screen, HomeScreen)
        assert any("not opened" in note and "Nothing was sent or written" in note for note in notes)
    assert path.read_bytes() == before
    LiveSession.resume(path, "carol").close()  # no lock was kept


async def test_agreeing_from_the_home_screen_opens_the_session_and_is_not_asked_again(tmp_path, _own_trust_file):
    path = elsewhere_session(tmp_path)
    app = LaunchApp(home=path.parent, operator="bob")
    async with app.run_test(size=(100, 30)) as pilot:
        (await asked_on_resume(pilot, "https://api.elsewhere.example")).action_submit()
        # Mounted too: an exit while the section screen is still mounting races its on_mount.
        await until(
            pilot, lambda: app.launch is not None and not isinstance(app.screen, HomeScreen) and app.screen.is_mounted
        )
        assert app.launch is not None and not app.launch.untrusted
        assert not any(isinstance(screen, TrustDialog) for screen in app.screen_stack)
        assert "https://api.elsewhere.example" in _own_trust_file.read_text()
        assert "agreed by bob" in _own_trust_file.read_text()
        app.exit(0)


async def test_a_broken_trusted_origins_file_is_a_notice_not_a_crash(tmp_path, monkeypatch, target):
    folder = tmp_path / "sessions"
    LiveSession.create(target, "alice", folder).close()
    store = tmp_path / "broken.toml"
    store.write_text("[[trusted]\n")
    monkeypatch.setenv("LAUNCH_TRUST_FILE", str(store))
    app = LaunchApp(home=folder, operator="bob")
    notes = noted(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await listed(pilot)
        await pilot.press("r")
        await app.workers.wait_for_complete()  # the session is read in a thread
        await pilot.pause()
        assert app.launch is None and isinstance(app.screen, HomeScreen)
        assert any("not valid TOML" in note and "fix or remove it" in note for note in notes)
    LiveSession.resume(next(folder.glob("*.toml")), "carol").close()  # the lock was released


async def test_a_yes_to_a_forged_sessions_origins_is_not_kept(tmp_path, _own_trust_file):
    """The question comes before the file is verified (only its header is read): a yes is
    recorded once the session has opened intact, so an ALTERED file that names a new origin
    leaves the trusted-origins store as it was."""
    path = elsewhere_session(tmp_path)
    path.write_bytes(path.read_bytes().replace(b"https://api.elsewhere.example", b"https://api.forged.example"))
    before = path.read_bytes()
    app = LaunchApp(home=path.parent, operator="bob")
    notes = noted(app)
    async with app.run_test(size=(100, 30)) as pilot:
        (await asked_on_resume(pilot, "https://api.forged.example")).action_submit()
        await until(pilot, lambda: any("altered" in note.lower() for note in notes))
        assert app.launch is None and isinstance(app.screen, HomeScreen)
        assert any("altered" in note.lower() for note in notes)
    assert not _own_trust_file.exists() or "forged" not in _own_trust_file.read_text()
    assert path.read_bytes() == before


def test_a_yes_given_before_opening_covers_only_what_was_asked(tmp_path, _own_trust_file):
    """Kept only if it names every origin the opened session would send to: a file that
    changed between the question and the opening (a fetch, say) is asked about again."""
    from launch_tui import trust

    path = elsewhere_session(tmp_path)
    launch = LiveLaunch(LiveSession.resume(path, "bob"), Secrets(TEST_SECRETS))
    try:
        asked = list(launch.untrusted)
        assert asked
        launch.agree_to_origins_asked([])  # the question named none of them
        assert launch.untrusted == asked and trust.untrusted_origins(launch.target) == asked
        launch.agree_to_origins_asked(asked)
        assert launch.untrusted == [] and trust.untrusted_origins(launch.target) == []
    finally:
        launch.close()
