"""Two processes as two operators on two machines: the second is refused on the
command line with the holder's name; after the holder is killed (-9) its claim stays
until an operator takes it over, and the takeover is an event."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from launch_tui.session import EventKind, read_session
from launch_tui.sync.remote import SessionClaimed

from ..terminal import cli_on_a_terminal
from .gitworld import Machine, bare_remote, chain_of, clone, remote_claim, remote_copy

ROOT = Path(__file__).resolve().parents[2]
ENV = {key: value for key, value in os.environ.items() if key != "LAUNCH_SESSIONS_REMOTE"} | {"PYTHONPATH": str(ROOT)}

# Opens a session on a shared folder as "alice", syncs it, says so, then waits to be killed.
HOLDER = textwrap.dedent(
    """
    import asyncio, sys, time
    from pathlib import Path
    from tests.sync.gitworld import Machine
    alice = Machine(Path(sys.argv[1]), "alice")
    path = alice.start("acme-launch")
    alice.note("alice was here")
    alice.push()
    print(alice.sync.state.value, flush=True)
    time.sleep(600)
    """
)


@pytest.fixture
def world(tmp_path):
    remote = bare_remote(tmp_path / "remote.git")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(clone(remote, tmp_path / "a"))],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "synced"
        yield remote, holder, tmp_path
    finally:
        holder.kill()
        holder.wait()


def test_the_second_operator_is_refused_with_the_holders_name_and_offered_replay(world):
    remote, _holder, tmp_path = world
    folder = clone(remote, tmp_path / "b")
    command = ["resume", "acme-launch", "--sessions-dir", str(folder), "--operator", "bob"]
    run = cli_on_a_terminal(*command, env=ENV, cwd=tmp_path)  # resume refuses without one before any claim
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "alice on" in run.stderr and "launch-tui replay" in run.stderr and "--take-over" in run.stderr
    assert "alice" in remote_claim(remote, "acme-launch")
    assert read_session(folder / "acme-launch.toml").events[-1].note == "alice was here"  # fetched, not written


def test_a_claim_left_by_a_killed_machine_is_taken_over_only_when_asked(world):
    remote, holder, tmp_path = world
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    bob = Machine(clone(remote, tmp_path / "b"), "bob")
    with pytest.raises(SessionClaimed, match="alice"):
        bob.resume("acme-launch")
    bob.resume("acme-launch", take_over=True)
    bob.note("bob carries on")
    bob.push()
    claim = remote_claim(remote, "acme-launch")
    assert '"operator": "bob"' in claim and "alice on" in claim  # the new claim says whom it replaced
    events = read_session(bob.folder / "acme-launch.toml").events
    took = [event for event in events if event.kind is EventKind.SESSION_TAKEN_OVER]
    assert len(took) == 1 and took[0].actor == "bob" and took[0].data["operator"] == "alice"
    assert chain_of(remote_copy(remote, "acme-launch.toml"), tmp_path) == [event.hash for event in events]
    assert [event.note for event in events if event.note] == ["alice was here", "bob carries on"]
