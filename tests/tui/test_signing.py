"""Signing in the TUI: at launch complete, report export, pause and quit, with a real
key against the real sandbox; a key that cannot sign is a notice, never a lost quit;
replay shows the signatures on the timeline."""

from __future__ import annotations

from pathlib import Path

from launch_tui.cli import main
from launch_tui.launch.live import LiveLaunch
from launch_tui.launch.replay import ReplayLaunch
from launch_tui.sandbox import SandboxServer
from launch_tui.secrets import Secrets
from launch_tui.session import (
    EventKind,
    LiveSession,
    NewEvent,
    open_read_only,
    read_session,
)
from launch_tui.session.replay import Replay
from launch_tui.signing.sign import SigningKey
from launch_tui.target import target_from_dict
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.look import replay_banner
from launch_tui.tui.widgets.line_table import LineTable
from tests.sshkeys import needs_ssh_keygen, write_allowed

from .conftest import TEST_SECRETS
from .driver import walk_whole_launch

pytestmark = needs_ssh_keygen


def signatures(path) -> list[str]:
    return [event.data["checkpoint"] for event in read_session(path).events if event.kind is EventKind.SESSION_SIGNED]


def signed_app(target, folder, key_path) -> LaunchApp:
    live = LiveSession.create(target, "alice", folder)
    return LaunchApp(LiveLaunch(live, Secrets(TEST_SECRETS), signing_key=SigningKey(str(key_path))))


async def test_a_whole_launch_is_signed_at_complete_and_at_quit(sessions, keys, tmp_path, capsys):
    with SandboxServer(job_seconds=0.3) as sandbox:
        live = LiveSession.create(target_from_dict(sandbox.target_dict()), "alice", sessions)
        app = LaunchApp(
            LiveLaunch(live, Secrets(sandbox.credentials), signing_key=SigningKey(str(keys["ed25519"].path)))
        )
        async with app.run_test(size=(120, 40)) as pilot:
            await walk_whole_launch(pilot)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.launch.state.launch_complete
            assert signatures(live.path) == ["complete"]
            app.launch.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note="after complete"))
            await pilot.press("q")
    assert signatures(live.path) == ["complete", "quit"]
    assert app.farewell and app.farewell[0].startswith("signed events #1–#")
    allowed = write_allowed(tmp_path, keys["ed25519"].allowed("alice"))
    capsys.readouterr()
    assert main(["verify", str(live.path), "--allowed-signers", str(allowed)]) == 0
    out = capsys.readouterr().out
    assert "UNSIGNED" not in out and "unsigned:" not in out  # the quit signature covers everything before it


async def test_exporting_a_report_signs_first_so_the_report_names_the_signature(sessions, target, keys):
    app = signed_app(target, sessions, keys["rsa"].path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.launch.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note="ready for review"))
        app.export_report()
        await app.workers.wait_for_complete()
        await pilot.pause()
        path = app.launch.live.path
        assert signatures(path) == ["report"]
        report = path.with_name(path.stem + "-report.md").read_text()
        assert "🔏 **SIGNED**" in report and "| alice | RSA `SHA256:" in report and "| report |" in report
        await pilot.press("ctrl+z")  # pause: report.exported came after the signature, so it signs again
        await pilot.pause()
        assert signatures(path) == ["report", "pause"]


async def test_a_key_that_cannot_sign_never_stops_a_quit(sessions, target, keys, tmp_path, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    locked = keys["locked"]
    app = signed_app(target, sessions, locked.public)  # its private half is in no agent
    async with app.run_test(size=(100, 30)) as pilot:
        app.launch.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note="kept"))
        await pilot.press("q")
    path = app.launch.live.path
    assert [line.split(":")[0] for line in app.farewell] == ["session not signed at quit"]
    assert signatures(path) == [] and read_session(path).events[-1].note == "kept"


async def test_replay_shows_signatures_on_the_timeline(tmp_path, target, keys):
    from launch_tui.commands import sign
    from tests.sshkeys import recorded_session

    path = recorded_session(tmp_path / "sessions", target)
    assert sign.run(path, "alice", str(keys["ed25519"].path)) == 0
    app = LaunchApp(ReplayLaunch(Replay(open_read_only(path))), mode="REPLAY · read-only")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        row = app.screen.query_one(LineTable).cells_of(5)
        assert row[3] == "session.signed" and row[5] == "🔏 signed"
        assert row[6].startswith("alice: events #1–#4 · ED25519 SHA256:") and row[6].endswith("· on-demand")


def resealed_signed_session(tmp_path, target, keys) -> Path:
    """A session signed by alice, then edited and re-sealed the way a forger who read the
    code would: the chain holds, the signature does not."""
    from launch_tui.commands import sign
    from tests.signing.test_forgery import reseal
    from tests.sshkeys import recorded_session

    path = recorded_session(tmp_path / "sessions", target)
    assert sign.run(path, "alice", str(keys["ed25519"].path)) == 0

    def edit(events):
        events[2]["note"] = "all good, launch"
        return events

    reseal(path, edit)
    return path


async def test_replay_of_a_resealed_signed_session_says_bad_signature(tmp_path, target, keys):
    path = resealed_signed_session(tmp_path, target, keys)
    app = LaunchApp(ReplayLaunch(Replay(open_read_only(path))), mode="REPLAY · read-only")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        banner = str(replay_banner(app.replay, app.launch.signatures))
        assert "ALTERED" not in banner  # the chain alone is fooled
        assert "BAD SIGNATURE at event #5: it signed event #4 as sha256:" in banner
        row = app.screen.query_one(LineTable).cells_of(5)
        assert row[5] == "✘ bad signature" and "it signed event #4 as sha256:" in row[6]


async def test_replay_opened_unverified_says_bad_signature_once_verified(tmp_path, target, keys):
    """As `launch-tui replay` opens it: the chain and the signatures are checked in a thread
    after the first frame; the banner and the timeline's row say BAD SIGNATURE once known."""
    path = resealed_signed_session(tmp_path, target, keys)
    app = LaunchApp(ReplayLaunch(Replay.unverified(path)), mode="REPLAY · read-only")
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "BAD SIGNATURE at event #5: it signed event #4 as sha256:" in str(
            replay_banner(app.replay, app.launch.signatures)
        )
        row = app.screen.query_one(LineTable).cells_of(5)
        assert row[5] == "✘ bad signature" and "it signed event #4 as sha256:" in row[6]
