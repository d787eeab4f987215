"""The home screen: new launch from the form (checked as it is typed), resume, replay."""

from __future__ import annotations

import threading

from launch_tui.session import session_files
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.dialogs.secrets import SecretsDialog
from launch_tui.tui.dialogs.target import TargetDialog
from launch_tui.tui.screens.home import HomeScreen
from launch_tui.tui.screens.timeline import TimelineScreen

from .driver import listed, noted, wait_for_dialog


def spy(monkeypatch, owner, name: str, before) -> None:
    """`owner.name`, a classmethod, calls `before()` first, in the thread it runs in."""
    original = getattr(owner, name).__func__

    def spied(cls, *args, **kwargs):
        before()
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(owner, name, classmethod(spied))


def threads_calling(monkeypatch, owner, name: str) -> list[threading.Thread]:
    """The thread of each call of `owner.name` from now on."""
    calls: list[threading.Thread] = []
    spy(monkeypatch, owner, name, lambda: calls.append(threading.current_thread()))
    return calls


async def test_a_new_launch_from_the_form(tmp_path, monkeypatch):
    monkeypatch.setenv("LAUNCH_ADMIN_TOKEN", "adm_home_test_123456")
    folder = tmp_path / "sessions"
    app = LaunchApp(home=folder, operator="dana")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        form = await wait_for_dialog(pilot, TargetDialog)
        form.query_one("#customer--name").value = "Globex Corp"
        await pilot.pause()
        assert form.query_one("#customer--tenant_slug").value == "globex-corp"  # derived as typed
        form.query_one("#api_url").value = "http://api.globex.com"
        await pilot.pause()
        assert "use https://" in str(form.query_one("#dialog-error").render())
        form.query_one("#api_url").value = "https://api.globex.com"
        form.query_one("#github--repo").value = "globex/platform"
        await pilot.pause()
        assert str(form.query_one("#dialog-error").render()) == ""
        assert "GitHub on" in str(form.query_one("#integrations").render())
        form.action_submit()
        await wait_for_dialog(pilot, SecretsDialog)  # GITHUB_TOKEN and the keys are not set
        assert app.launch.target.customer.tenant_slug == "globex-corp" and app.launch.operator == "dana"
    [session] = session_files(folder)
    assert "globex-corp" in session.name


async def test_resume_and_replay_from_the_list(tmp_path, target):
    from launch_tui.session import LiveSession

    folder = tmp_path / "sessions"
    LiveSession.create(target, "alice", folder).close()
    app = LaunchApp(home=folder, operator="bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot)
        await pilot.press("p")
        await app.workers.wait_for_complete()  # read in a thread: the list stays live meanwhile
        await pilot.pause()
        assert app.launch.read_only and isinstance(app.screen, TimelineScreen)


async def test_a_replay_opened_from_the_list_is_read_off_the_event_loop(tmp_path, target, monkeypatch):
    from launch_tui.session import LiveSession
    from launch_tui.session.replay import Replay

    folder = tmp_path / "sessions"
    LiveSession.create(target, "alice", folder).close()
    read_on = threads_calling(monkeypatch, Replay, "unverified")
    app = LaunchApp(home=folder, operator="bob")
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot)
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert read_on and read_on[0] is not threading.main_thread()
        assert app.launch.read_only and isinstance(app.screen, TimelineScreen)


async def test_an_unreadable_replay_is_a_notice_and_the_list_stays(tmp_path, target):
    from launch_tui.session import LiveSession

    folder = tmp_path / "sessions"
    live = LiveSession.create(target, "alice", folder)
    live.close()
    path = live.path
    app = LaunchApp(home=folder, operator="bob")
    notes = noted(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot)
        path.write_text("schema_version = 99\n")  # changed after the list was read
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.launch is None and isinstance(app.screen, HomeScreen)
        assert any("schema_version 99" in note for note in notes)


async def test_the_collector_is_on_again_once_the_first_frame_is_drawn(tmp_path):
    """cli.main turns the cyclic collector off for a TUI command's start-up; the app turns it
    back on with its first frame, or a long session would never collect."""
    import gc

    gc.disable()
    try:
        app = LaunchApp(home=tmp_path / "sessions")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()


async def test_resume_from_the_list_reads_off_the_loop_and_asks_about_a_cut_short_save(tmp_path, target, monkeypatch):
    """The file is read, verified and locked in a thread; a crash's half-written last event
    is put to the operator first (drop it, or leave the file as it is)."""
    from launch_tui.session import LiveSession
    from launch_tui.tui.dialogs.common import ConfirmDialog

    folder = tmp_path / "sessions"
    live = LiveSession.create(target, "alice", folder)
    live.close()
    whole = live.path.read_bytes()
    live.path.write_bytes(whole + b'\n[[events]]\nseq = 3\nat = "2026')  # a save cut short
    read_on = threads_calling(monkeypatch, LiveSession, "resume")
    app = LaunchApp(home=folder, operator="bob")
    async with app.run_test(size=(100, 30)) as pilot:
        await listed(pilot)
        await pilot.press("r")
        dialog = await wait_for_dialog(pilot, ConfirmDialog)
        assert "cut short" in str(dialog.query_one("#explanation").render())
        dialog.action_submit()  # drop only that event
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.launch is not None and not app.launch.read_only
        assert read_on and all(thread is not threading.main_thread() for thread in read_on)
        app.exit(0)
    assert live.path.read_bytes().startswith(whole) and b'at = "2026\n' not in live.path.read_bytes()


async def test_a_second_key_while_a_session_opens_opens_nothing_more(tmp_path, target, monkeypatch):
    """While the first read runs (made slow here), `r` and `p` again are ignored: no second
    resume meeting the first one's lock, no replay opened over it."""
    import time

    from launch_tui.session import LiveSession

    folder = tmp_path / "sessions"
    LiveSession.create(target, "alice", folder).close()
    calls: list[str] = []

    def slowly() -> None:
        calls.append("resume")
        time.sleep(1.0)  # in the worker's thread: a long session (and a margin on a loaded machine)

    spy(monkeypatch, LiveSession, "resume", slowly)
    app = LaunchApp(home=folder, operator="bob")
    notes = noted(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await listed(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert app.opening_a_session()
        await pilot.press("r", "p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls == ["resume"] and app.launch is not None and not app.launch.read_only
        assert not [note for note in notes if "lock" in note.lower()]
        app.exit(0)


async def test_the_first_frame_says_the_sessions_are_being_read_and_the_list_follows(tmp_path, target, monkeypatch):
    """The table and the buttons are built once the sessions are read, not before the first
    frame (it would be an empty header); a key meanwhile says so and opens nothing."""
    from launch_tui.session import LiveSession, listing

    folder = tmp_path / "sessions"
    LiveSession.create(target, "alice", folder).close()
    release = threading.Event()
    list_rows = listing.list_rows

    def slowly(path):
        release.wait(10)
        return list_rows(path)

    monkeypatch.setattr(listing, "list_rows", slowly)
    app = LaunchApp(home=folder, operator="bob")
    notes = noted(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "Reading the sessions" in str(screen.query_one("#home-reading").render())
        assert not screen.query("DataTable") and not screen.query("Button")
        await pilot.press("r")
        await pilot.pause()
        assert app.launch is None and any("still being read" in note for note in notes)
        release.set()
        await listed(pilot)
        table = screen.query_one("#home-sessions")
        assert table.row_count == 1 and app.focused is table
        assert [button.id for button in screen.query("Button")] == ["new", "resume", "replay"]
        assert not screen.query("#home-reading")
        app.exit(0)


async def test_a_listing_that_fails_still_gives_the_table_and_buttons(tmp_path, monkeypatch):
    """The failure is reported, and the screen does not stay at "Reading the sessions…"."""
    from launch_tui.session import listing

    def broken(path):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(listing, "list_rows", broken)
    app = LaunchApp(home=tmp_path / "sessions")
    notes = noted(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await listed(pilot)
        screen = app.screen
        assert screen.query("#home-sessions") and len(screen.query("Button")) == 3
        assert not screen.query("#home-reading")
        assert "could not be listed" in str(screen.query_one("#home-folder").render())
        assert any("list sessions failed: RuntimeError: disk on fire" in note for note in notes)
