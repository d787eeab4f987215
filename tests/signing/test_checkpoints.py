"""Checkpoints: hooks run in order, a failing hook is a notice, and the wizard signs
its session at each one when a signing key is set."""

from __future__ import annotations

import pytest

from launch_tui.launch.checkpoints import Checkpoint, Checkpoints
from launch_tui.launch.live import LiveLaunch
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, NewEvent, SessionState, read_session
from launch_tui.signing.check import check_signatures
from launch_tui.signing.sign import SigningKey
from tests.sshkeys import needs_ssh_keygen

pytestmark = needs_ssh_keygen


def note(text: str = "x") -> NewEvent:
    return NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note=text)


@pytest.fixture
def make_launch(tmp_path, target):
    made: list[LiveLaunch] = []

    def build(key: SigningKey | None) -> LiveLaunch:
        launch = LiveLaunch(LiveSession.create(target, "alice", tmp_path / "sessions"), Secrets({}), signing_key=key)
        made.append(launch)
        return launch

    yield build
    for launch in made:
        launch.close()


def kinds(launch: LiveLaunch) -> list[str]:
    return [event.kind.value for event in launch.live.writer.events]


async def test_hooks_run_in_order_and_a_failing_one_is_a_notice():
    checkpoints, seen = Checkpoints(), []

    async def first(checkpoint: Checkpoint) -> str | None:
        seen.append(("first", checkpoint))
        raise RuntimeError("the remote is gone\nfor good")

    async def second(checkpoint: Checkpoint) -> str | None:
        seen.append(("second", checkpoint))
        return "pushed"

    checkpoints.register("git sync", first)
    checkpoints.register("other", second)
    assert await checkpoints.reach(Checkpoint.QUIT) == ["git sync at quit: the remote is gone for good", "pushed"]
    assert seen == [("first", Checkpoint.QUIT), ("second", Checkpoint.QUIT)]
    assert [c.value for c in Checkpoint] == ["quit", "pause", "report", "complete", "on-demand"]


async def test_a_blocking_hook_runs_off_the_event_loop():
    import threading

    checkpoints, threads = Checkpoints(), []

    def push(checkpoint: Checkpoint) -> str:
        threads.append(threading.current_thread() is threading.main_thread())
        return f"pushed at {checkpoint}"

    checkpoints.register_blocking("git sync", push)
    assert await checkpoints.reach(Checkpoint.REPORT) == ["pushed at report"]
    assert threads == [False]


async def test_the_wizard_signs_at_a_checkpoint_and_not_twice_for_nothing_new(make_launch, keys):
    launch = make_launch(SigningKey(str(keys["ed25519"].path)))
    launch.record(note())
    notices = await launch.reach(Checkpoint.QUIT)
    assert kinds(launch)[-1] == "session.signed" and notices == [launch.live.writer.events[-1].summary]
    assert await launch.reach(Checkpoint.PAUSE) == []  # nothing recorded since the last signature
    assert kinds(launch).count("session.signed") == 1
    await launch.reach(Checkpoint.ON_DEMAND)  # asked for: signed again
    assert kinds(launch).count("session.signed") == 2
    signed = check_signatures(read_session(launch.session_path))
    assert signed.status == "signed" and [c.checkpoint for c in signed.signatures] == ["quit", "on-demand"]


async def test_a_key_that_cannot_sign_is_one_notice_and_the_session_goes_on(make_launch, keys, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    launch = make_launch(SigningKey(str(keys["locked"].public)))  # its private half is in no agent
    launch.record(note())
    before = kinds(launch)
    [notice] = await launch.reach(Checkpoint.QUIT)
    assert notice.startswith("session not signed at quit: ") and "\n" not in notice
    assert kinds(launch) == before  # nothing lost, nothing added
    launch.record(note("still recording"))
    assert kinds(launch) == [*before, "note.added"]


async def test_without_a_key_no_hook_runs_and_nothing_is_signed(make_launch):
    launch = make_launch(None)
    launch.record(note())
    assert await launch.reach(Checkpoint.QUIT) == []
    assert "session.signed" not in kinds(launch)


async def test_launch_complete_is_a_checkpoint_reached_once(make_launch, keys, monkeypatch):
    # Narrow: "complete" is stood in for by a count of events, so the transition is
    # tested here; tests/tui/test_signing.py reaches it for real against the sandbox.
    monkeypatch.setattr(SessionState, "launch_complete", property(lambda state: state.last_seq >= 3))
    launch = make_launch(SigningKey(str(keys["ed25519"].path)))
    launch.record(note())
    assert launch.due == []
    launch.record(note())  # event #3: complete now
    launch.record(note())
    assert launch.due == [Checkpoint.COMPLETE]
    await launch.reach_due()
    assert kinds(launch)[-1] == "session.signed"
    assert read_session(launch.session_path).events[-1].data["checkpoint"] == "complete"
