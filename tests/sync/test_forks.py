"""Forks are caught, never merged: at every interleaving of appends and pushes by two
machines (one took the session over while the other was still writing), a push lands
only as a fast-forward of the remote's chain, the other is refused naming the first
event where the copies part, and no machine's file loses an event."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from launch_tui.session import read_session
from launch_tui.session.live import SessionBlocked
from launch_tui.sync.forks import Relation, compare
from launch_tui.sync.remote import Forked, SessionClaimed
from launch_tui.sync.worker import SyncState

from .gitworld import Machine, bare_remote, chain_of, clone, remote_copy

STEPS = st.lists(st.sampled_from(["a.append", "b.append", "a.push", "b.push"]), min_size=1, max_size=6)


def hashes(machine: Machine) -> list[str]:
    return [event.hash for event in machine.live.writer.events]


def first_difference(mine: list[str], theirs: list[str]) -> int:
    shared = 0
    while shared < min(len(mine), len(theirs)) and mine[shared] == theirs[shared]:
        shared += 1
    return shared + 1


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS)
def test_every_interleaving_of_append_and_push(steps):
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        remote = bare_remote(root / "remote.git")
        alice = Machine(clone(remote, root / "a"), "alice")
        path = alice.start("acme-launch")
        alice.push()
        bob = Machine(clone(remote, root / "b"), "bob")
        bob.resume("acme-launch", take_over=True)  # alice's machine looked gone; it was not
        model = chain_of(remote_copy(remote, path.name), root)
        try:
            for number, step in enumerate(steps):
                who = alice if step.startswith("a") else bob
                if step.endswith("append"):
                    if who.sync.state is SyncState.STOPPED:
                        with pytest.raises(SessionBlocked):
                            who.note(f"{who.operator} {number}")
                    else:
                        who.note(f"{who.operator} {number}")
                    continue
                mine, was_stopped = hashes(who), who.sync.state is SyncState.STOPPED
                who.push()
                if was_stopped or (mine == model and who is bob):
                    pass  # nothing to push, or nothing more is pushed from a stopped machine
                elif mine[: len(model)] == model and who is bob:
                    assert who.sync.state is SyncState.SYNCED
                    model = mine
                else:
                    assert who.sync.state is SyncState.STOPPED
                    reason = who.sync.stop_reason
                    if mine[: len(model)] == model:
                        assert isinstance(reason, SessionClaimed) and "bob" in str(reason)
                    else:
                        assert isinstance(reason, Forked)
                        assert reason.comparison.first_diverging == first_difference(mine, model)
                        assert f"event #{first_difference(mine, model)}" in str(reason)
                assert chain_of(remote_copy(remote, path.name), root) == model  # the remote: only fast-forwards
                for machine in (alice, bob):  # no file lost an event
                    assert [event.hash for event in read_session(machine.live.path).events] == hashes(machine)
        finally:
            alice.launch.close()
            bob.launch.close()


def test_the_comparison_names_the_first_diverging_event(tmp_path):
    remote = bare_remote(tmp_path / "remote.git")
    alice = Machine(clone(remote, tmp_path / "a"), "alice")
    path = alice.start("acme-launch")
    alice.note("shared")
    alice.push()
    base = path.read_bytes()
    alice.note("alice's")
    ours = path.read_bytes()
    alice.launch.close()
    theirs_path = tmp_path / "theirs.toml"
    theirs_path.write_bytes(base)
    from launch_tui.session import LiveSession

    with LiveSession.resume(theirs_path, "bob") as other:
        pass
    theirs = theirs_path.read_bytes()
    found = compare(theirs, ours, path.name)
    assert found.relation is Relation.FORKED and found.first_diverging == 3
    assert "here event #3 (note.added" in found.explanation
    assert "on the remote event #3 (session.resumed" in found.explanation
    assert compare(base, ours).relation is Relation.AHEAD and compare(ours, base).relation is Relation.BEHIND
    assert compare(ours, ours).relation is Relation.SAME
    assert compare(b"not a session", ours, path.name).relation is Relation.UNRELATED
    del other
