"""The sync on screen: the top bar's one line, the last push at quit, and a fork
stopping the session with a question instead of writing on."""

from __future__ import annotations

import asyncio

import pytest
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from launch_tui.launch.live import LiveLaunch
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, NewEvent, read_session
from launch_tui.sync import opening
from launch_tui.sync.worker import SyncState
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.dialogs.common import ChoiceDialog, ConfirmDialog
from launch_tui.tui.dialogs.secrets import SecretsDialog
from launch_tui.tui.dialogs.since import SinceYouLeftDialog

from ..conftest import make_target
from ..tui.driver import laid_out
from .gitworld import Machine, bare_remote, clone, remote_claim, remote_copy


def sync_label(app: LaunchApp) -> str:
    labels = [label for screen in app.screen_stack for label in screen.query("TopBar #sync").results(Static)]
    assert labels
    return str(labels[-1].render())


def dialog_on_top(app: LaunchApp, kind: type[Screen]):
    found = [screen for screen in app.screen_stack if isinstance(screen, kind)]
    return found[-1] if found and app.screen is found[-1] else None


async def open_app(folder, operator: str, session_id: str | None = None) -> LaunchApp:
    shared = await opening.connect(folder, operator)
    if session_id is None:
        live = LiveSession.create(make_target(), operator, folder, "acme-launch")
        await opening.claim(shared, live.path.stem)
    else:
        await opening.claim(shared, session_id)
        live = LiveSession.resume(folder / f"{session_id}.toml", operator)
    launch = LiveLaunch(live, Secrets({}))
    opening.attach(shared, launch)
    return LaunchApp(launch)


async def wait_for(pilot, condition, said=lambda: None) -> None:
    """`said` tells what the app showed meanwhile, for the failure's message."""
    for _ in range(1500):  # up to 30 s: git on a loaded machine (CI runs the suite on 2 cores) can be slow
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"the condition never held; the app said: {said()}")


async def test_the_top_bar_says_synced_and_quit_pushes_the_last_events_and_releases(tmp_path):
    remote = bare_remote(tmp_path / "remote.git")
    app = await open_app(clone(remote, tmp_path / "a"), "alice")
    async with app.run_test(size=(120, 30)) as pilot:
        sync = app.launch.sync
        await wait_for(pilot, lambda: sync.state is SyncState.SYNCED)
        await pilot.pause()
        assert sync_label(app).startswith("synced ")
        app.launch.add_note("infra.health", "just before quitting")
        await app.action_quit()
    path = app.launch.session_path
    assert remote_copy(remote, path.name) == path.read_bytes()
    assert read_session(path).events[-1].note == "just before quitting"
    assert remote_claim(remote, path.stem) is None


async def test_offline_the_top_bar_says_not_synced(tmp_path):
    remote = bare_remote(tmp_path / "remote.git")
    folder = clone(remote, tmp_path / "a")
    remote.rename(tmp_path / "away.git")
    app = await open_app(folder, "alice")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.launch.sync.state is SyncState.OFFLINE)
        await pilot.pause()
        assert sync_label(app).startswith("not synced (remote unreachable from ")
        app.launch.add_note("infra.health", "kept locally")  # work goes on
        app.exit(0)
    assert read_session(app.launch.session_path).events[-1].note == "kept locally"


def fork_alice_and_bob(tmp_path):
    remote = bare_remote(tmp_path / "remote.git")
    alice = Machine(clone(remote, tmp_path / "a"), "alice")
    alice.start("acme-launch")
    alice.push()
    alice.note("alice's own")
    alice.launch.close()  # alice's machine dies with one event unpushed
    bob = Machine(clone(remote, tmp_path / "b"), "bob")
    bob.resume("acme-launch", take_over=True)
    bob.push()
    bob.quit()
    return remote, alice.folder


async def fork_question_on_top(pilot) -> ChoiceDialog:
    """The fork's question, on top and laid out, once the opening's own dialogs (what
    happened since, then credentials: not needed here) are answered or wait beneath it.
    The sync and the opening race: on a loaded machine either can push its dialog first."""
    app, answered = pilot.app, False
    for _ in range(1500):
        top = app.screen
        opening_beneath = any(isinstance(screen, (SinceYouLeftDialog, SecretsDialog)) for screen in app.screen_stack)
        if isinstance(top, ChoiceDialog) and "forked" in str(top.finding):
            if laid_out(top) and (answered or opening_beneath):
                await pilot.pause()
                return top
        elif isinstance(top, ModalScreen):
            answered = answered or isinstance(top, SecretsDialog)
            await pilot.press("escape")
        await pilot.pause(0.02)
    raise AssertionError(f"the fork's question never came on top; the screens: {app.screen_stack}")


async def test_a_fork_stops_the_session_and_asks_keep_the_remotes_sets_ours_aside(tmp_path):
    remote, folder = await asyncio.to_thread(fork_alice_and_bob, tmp_path)  # (the machines use asyncio.run)
    shared = await opening.connect(folder, "alice")  # alice is back: her copy is not a prefix of the remote's
    live = LiveSession.resume(folder / "acme-launch.toml", "alice")
    launch = LiveLaunch(live, Secrets({}))
    opening.attach(shared, launch)
    app = LaunchApp(launch)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: launch.sync.state is SyncState.STOPPED)
        dialog = await fork_question_on_top(pilot)
        assert "part at event #2" in str(dialog.finding)
        with pytest.raises(Exception, match="not recorded"):
            launch.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note="no"))
        await pilot.click("#choice-0")
        await wait_for(pilot, lambda: not app.is_running, lambda: [str(n.message) for n in app._notifications])
    kept = list((folder / "forks").glob("acme-launch.*.toml"))
    assert len(kept) == 1 and read_session(kept[0]).events[1].note == "alice's own"
    assert (folder / "acme-launch.toml").read_bytes() == remote_copy(remote, "acme-launch.toml")


def alice_holds_a_session(tmp_path):
    remote = bare_remote(tmp_path / "remote.git")
    alice = Machine(clone(remote, tmp_path / "a"), "alice")
    alice.start("acme-launch")
    alice.push()
    alice.launch.close()  # her machine died: the claim stays on the remote
    return remote, clone(remote, tmp_path / "b")


async def test_from_the_home_screen_a_claimed_session_is_taken_over_only_when_the_operator_says_so(tmp_path):
    remote, folder = await asyncio.to_thread(alice_holds_a_session, tmp_path)
    app = LaunchApp(home=folder, operator="bob")
    async with app.run_test(size=(120, 30)) as pilot:
        app.open_session(folder / "acme-launch.toml")
        await wait_for(pilot, lambda: dialog_on_top(app, ConfirmDialog) is not None)
        assert "alice on" in str(app.screen.explanation)
        await pilot.pause()
        await pilot.click("#cancel")  # no: nothing is opened, nothing written
        await wait_for(pilot, lambda: all(worker.group != "open" or worker.is_finished for worker in app.workers))
        assert app.launch is None and len(read_session(folder / "acme-launch.toml").events) == 1
        app.open_session(folder / "acme-launch.toml")
        await wait_for(pilot, lambda: dialog_on_top(app, ConfirmDialog) is not None)
        await pilot.pause()
        await pilot.click("#ok")
        await wait_for(pilot, lambda: app.launch is not None)
        took = [event for event in app.launch.live.writer.events if event.kind is EventKind.SESSION_TAKEN_OVER]
        assert len(took) == 1 and took[0].actor == "bob" and took[0].data["operator"] == "alice"
        await wait_for(pilot, lambda: app.launch.sync.state is SyncState.SYNCED)
        assert '"operator": "bob"' in remote_claim(remote, "acme-launch")
        app.exit(0)


async def test_a_new_launch_in_a_shared_folder_signs_like_any_other(tmp_path, keys):
    """The new-launch form in a shared folder opens through the same door as every other
    session: with the operator's signing key (it was left out), so quitting signs."""
    from launch_tui.signing.sign import SigningKey

    remote = bare_remote(tmp_path / "remote.git")
    folder = clone(remote, tmp_path / "a")
    app = LaunchApp(home=folder, operator="alice", signing_key=SigningKey(str(keys["ed25519"].path)))
    async with app.run_test(size=(120, 30)) as pilot:
        app.start_new(make_target(), folder)
        await wait_for(pilot, lambda: app.launch is not None)
        await wait_for(pilot, lambda: app.launch.sync.state is SyncState.SYNCED)
        await app.action_quit()
    events = read_session(app.launch.session_path).events
    assert [event.kind for event in events].count(EventKind.SESSION_SIGNED) == 1
    assert remote_claim(remote, app.launch.session_path.stem) is None
