"""Two working copies of one bare repository as two machines: a session started on one
is resumed on the other with nothing lost and nothing written twice."""

from __future__ import annotations

import pytest

from launch_tui.session import EventKind, read_session, verify_chain
from launch_tui.sync.remote import REMOTE_ENV, SessionClaimed
from launch_tui.sync.worker import SyncState

from .gitworld import Machine, bare_remote, chain_of, clone, git, remote_claim, remote_copy


@pytest.fixture
def remote(tmp_path):
    return bare_remote(tmp_path / "remote.git")


def test_started_on_one_machine_resumed_on_the_other_nothing_lost_nothing_twice(remote, tmp_path, monkeypatch):
    monkeypatch.setenv(REMOTE_ENV, str(remote))  # machine A: a plain folder, the remote from the environment
    alice = Machine(tmp_path / "a" / "sessions", "alice")
    path = alice.start()
    session_id = path.stem
    alice.push()
    assert alice.sync.state is SyncState.SYNCED and alice.sync.line.startswith("synced ")
    alice.note("alice 1")
    alice.quit()
    assert remote_copy(remote, path.name) == path.read_bytes()
    assert remote_claim(remote, session_id) is None  # released on quit, everything being pushed

    monkeypatch.delenv(REMOTE_ENV)  # machine B: the folder is a clone
    bob = Machine(clone(remote, tmp_path / "b" / "sessions"), "bob")
    bob.resume(session_id)
    assert "bob" in remote_claim(remote, session_id)
    bob.note("bob 1")
    bob.push()
    bob.quit()

    monkeypatch.setenv(REMOTE_ENV, str(remote))
    alice.connect()  # fetching brings alice's copy forward: it was a prefix of the remote's
    assert path.read_bytes() == remote_copy(remote, path.name) == (bob.folder / path.name).read_bytes()
    events = read_session(path).events
    assert verify_chain(read_session(path)).intact
    assert [e.note for e in events if e.kind is EventKind.NOTE_ADDED] == ["alice 1", "bob 1"]
    assert [e.actor for e in events if e.kind is EventKind.SESSION_RESUMED] == ["bob"]
    assert len({e.hash for e in events}) == len(events)
    log = git("--git-dir", str(remote), "log", "--format=%an %s", "main")
    assert "bob" in log and "alice" in log


def test_a_second_machine_is_refused_with_the_holders_name(remote, tmp_path):
    alice = Machine(clone(remote, tmp_path / "a"), "alice")
    path = alice.start()
    alice.push()
    bob = Machine(clone(remote, tmp_path / "b"), "bob")
    with pytest.raises(SessionClaimed, match=r"alice on .*replay.*--take-over"):
        bob.resume(path.stem)
    assert not (bob.folder / path.name).exists() or read_session(bob.folder / path.name).events[-1].actor == "alice"
    assert remote_copy(remote, path.name) == path.read_bytes()  # untouched


def test_a_session_of_the_same_name_made_on_two_machines_at_once_is_claimed_once(remote, tmp_path):
    alice = Machine(clone(remote, tmp_path / "a"), "alice")
    path = alice.start()
    bob = Machine(clone(remote, tmp_path / "b"), "bob")
    bob.connect()
    from launch_tui.sync import opening

    with pytest.raises(SessionClaimed, match="alice"):
        opening.claim_now(bob.shared, path.stem)


def test_offline_keeps_working_then_pushes_everything(remote, tmp_path):
    alice = Machine(clone(remote, tmp_path / "a"), "alice")
    path = alice.start()
    alice.push()
    away = remote.with_name("away.git")
    remote.rename(away)  # the remote is unreachable
    alice.note("on the train 1")
    alice.push()
    assert alice.sync.state is SyncState.OFFLINE
    assert alice.sync.line.startswith("not synced since ") and "unreachable" in alice.sync.line
    alice.note("on the train 2")
    away.rename(remote)
    alice.push()
    assert alice.sync.state is SyncState.SYNCED and alice.sync.unsynced == 0
    chain = chain_of(remote_copy(remote, path.name), tmp_path)
    assert chain == [event.hash for event in alice.live.writer.events]


def test_opening_offline_claims_at_the_first_push(remote, tmp_path):
    folder = clone(remote, tmp_path / "a")
    away = remote.with_name("away.git")
    remote.rename(away)
    alice = Machine(folder, "alice")
    path = alice.start()
    assert not alice.shared.online and alice.sync.state is SyncState.OFFLINE
    alice.note("offline")
    away.rename(remote)
    alice.push()
    assert alice.sync.state is SyncState.SYNCED
    assert "alice" in remote_claim(remote, path.stem)


def test_sessions_of_two_machines_in_one_branch_do_not_interfere(remote, tmp_path):
    alice = Machine(clone(remote, tmp_path / "a"), "alice")
    bob = Machine(clone(remote, tmp_path / "b"), "bob")
    first = alice.start("launch-a")
    alice.push()
    second = bob.start("launch-b")
    bob.push()  # the branch moved since bob fetched (alice's session): rebuilt on top, not a fork
    alice.note("more")
    alice.push()
    assert bob.sync.state is SyncState.SYNCED and alice.sync.state is SyncState.SYNCED
    assert remote_copy(remote, first.name) == first.read_bytes()
    assert remote_copy(remote, second.name) == second.read_bytes()


def test_a_claim_made_offline_loses_to_one_made_meanwhile_and_stops_instead_of_pushing(remote, tmp_path):
    alice = Machine(clone(remote, tmp_path / "a"), "alice")
    path = alice.start("acme-launch")
    alice.push()
    alice.quit()  # released
    bob = Machine(clone(remote, tmp_path / "b"), "bob")
    bob.connect()
    away = remote.with_name("away.git")
    remote.rename(away)
    bob.resume("acme-launch")  # offline: claimed here only
    assert bob.sync.state is SyncState.OFFLINE
    bob.note("bob offline")
    away.rename(remote)
    alice.resume("acme-launch")  # alice is online: she claims it
    bob.push()
    assert bob.sync.state is SyncState.STOPPED and "alice" in bob.sync.line
    assert b"bob" not in remote_copy(remote, path.name)  # nothing of bob's reached the remote
    with pytest.raises(Exception, match="not recorded"):
        bob.note("no more")
    assert (bob.folder / path.name).read_bytes().count(b"bob offline") == 1  # and nothing of his is lost
