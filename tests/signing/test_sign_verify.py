"""Sign with real keys (a file, an agent), verify in pure Python, and get the same
answer as `ssh-keygen -Y verify` on the same data."""

from __future__ import annotations

import subprocess

import pytest

from launch_tui.cli import main
from launch_tui.commands import sign
from launch_tui.session import read_session, verify_chain
from launch_tui.signing.allowed import load_allowed_signers
from launch_tui.signing.check import check_signatures, signature_events
from launch_tui.signing.sign import SigningFailed, SigningKey, sign_head
from tests.sshkeys import (
    PASSPHRASE,
    add_to_agent,
    needs_ssh_agent,
    needs_ssh_keygen,
    recorded_session,
    ssh_keygen_verify,
    write_allowed,
)

pytestmark = needs_ssh_keygen


def signed(tmp_path, target, key_spec: str, operator: str = "alice"):
    path = recorded_session(tmp_path / "sessions", target, operator)
    assert sign.run(path, operator, key_spec) == 0
    return path


def last_signature(path):
    return signature_events(read_session(path).events)[-1][1]


@pytest.mark.parametrize("kind", ["ed25519", "rsa"])
def test_a_key_file_signs_and_verify_accepts_it_for_its_principal(tmp_path, target, keys, kind, capsys):
    key = keys[kind]
    path = signed(tmp_path, target, str(key.path))
    allowed = write_allowed(tmp_path, key.allowed("alice"))
    capsys.readouterr()

    assert main(["verify", str(path), "--allowed-signers", str(allowed)]) == 0
    out = capsys.readouterr().out
    assert "intact" in out and "signed by alice" in out and "events #1–#4" in out and ": good, allowed" in out
    assert f"SIGNED: events #1–#4 by alice, as allowed by {allowed.name}" in out

    event = last_signature(path)
    assert event.data["key_type"] == {"ed25519": "ED25519", "rsa": "RSA"}[kind]
    assert event.data["covers_seq"] == 4 and event.data["checkpoint"] == "on-demand"
    assert verify_chain(read_session(path)).intact  # the signature is an event in the chain like any other
    assert ssh_keygen_verify(allowed, "alice", event.data["covers_hash"], event.data["signature"], tmp_path)


@needs_ssh_agent
def test_a_public_key_signs_through_the_agent_that_holds_its_private_half(tmp_path, target, keys, agent):
    locked = keys["locked"]
    add_to_agent(locked, PASSPHRASE)
    for spec in (str(locked.public), "key::" + locked.public_text):  # a .pub file, or the key itself like git's
        path = signed(tmp_path / spec[:3], target, spec)
        allowed = write_allowed(tmp_path, locked.allowed("alice"))
        assert check_signatures(read_session(path), load_allowed_signers(allowed)).verified
        event = last_signature(path)
        assert ssh_keygen_verify(allowed, "alice", event.data["covers_hash"], event.data["signature"], tmp_path)


def test_a_locked_key_without_an_agent_is_one_line_and_nothing_is_recorded(tmp_path, target, keys, monkeypatch, capsys):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    path = recorded_session(tmp_path / "sessions", target)
    before = path.read_bytes()
    with pytest.raises(SigningFailed, match="passphrase") as failed:
        sign_head(SigningKey(str(keys["locked"].path)), "sha256:" + "0" * 64)
    assert "\n" not in str(failed.value)
    monkeypatch.setenv("LAUNCH_SIGNING_KEY", str(keys["locked"].public))  # the public half: ssh-keygen wants the agent
    assert main(["sign", str(path)]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert path.read_bytes() == before  # no event lost, none added


def test_no_key_and_a_missing_key_file_say_what_to_do(tmp_path, target, monkeypatch, capsys):
    monkeypatch.delenv("LAUNCH_SIGNING_KEY", raising=False)
    path = recorded_session(tmp_path / "sessions", target)
    assert main(["sign", str(path)]) == 2
    assert "set LAUNCH_SIGNING_KEY or pass --signing-key" in capsys.readouterr().err
    assert main(["sign", str(path), "--signing-key", str(tmp_path / "nope")]) == 1
    assert "no such key file" in capsys.readouterr().err


def test_the_signature_records_who_which_key_and_which_head(tmp_path, target, keys):
    path = signed(tmp_path, target, str(keys["ed25519"].path), operator="dana")
    session = read_session(path)
    event = last_signature(path)
    assert event.actor == "dana" and event.data["principal"] == "dana"
    assert event.data["covers_hash"] == session.events[event.data["covers_seq"] - 1].hash
    assert event.data["namespace"] == "launch-tui"
    assert event.data["signature"].startswith("-----BEGIN SSH SIGNATURE-----")
    listed = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(keys["ed25519"].public)], capture_output=True, text=True, check=True
    )
    assert event.data["fingerprint"] == listed.stdout.split()[1]  # the fingerprint ssh-keygen -l shows
    assert "PRIVATE KEY" not in path.read_text()


def test_verify_without_allowed_signers_lists_the_signatures_and_keeps_its_exit_code(tmp_path, target, keys, capsys):
    path = signed(tmp_path, target, str(keys["ed25519"].path))
    capsys.readouterr()
    assert main(["verify", str(path)]) == 0
    out = capsys.readouterr().out
    assert "signed by alice" in out and "not checked against allowed signers" in out and "--allowed-signers" in out


def test_events_after_the_last_signature_are_named_unsigned(tmp_path, target, keys, capsys):
    from launch_tui.session import EventKind, LiveSession, NewEvent

    path = signed(tmp_path, target, str(keys["ed25519"].path))
    live = LiveSession.resume(path, "eve")
    live.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note="appended later"))
    live.close()
    allowed = write_allowed(tmp_path, keys["ed25519"].allowed("alice"))
    capsys.readouterr()
    assert main(["verify", str(path), "--allowed-signers", str(allowed)]) == 0
    assert "unsigned: 2 events, #6–#7, recorded after the last good signature" in capsys.readouterr().out


def test_sign_refuses_a_session_open_elsewhere_or_altered(tmp_path, target, keys, capsys):
    from launch_tui.session import LiveSession

    path = recorded_session(tmp_path / "sessions", target)
    with LiveSession.resume(path, "bob"):  # bob has it open: he signs at his own checkpoints
        before = path.read_bytes()
        assert main(["sign", str(path), "--signing-key", str(keys["ed25519"].path)]) == 2
        assert path.read_bytes() == before
    path.write_bytes(path.read_bytes().replace(b'note = "note 1"', b'note = "note X"'))
    capsys.readouterr()
    assert main(["sign", str(path), "--signing-key", str(keys["ed25519"].path)]) == 2
    assert "altered" in capsys.readouterr().err
