"""Real keys, a real ssh-agent and real ssh-keygen, made at test time: nothing here is
mocked. Keys are made once per test session (RSA takes a moment). A pytest plugin
(tests/conftest.py), so that the fixtures `keys` and `agent` reach every test folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from launch_tui.session import EventKind, LiveSession, NewEvent

needs_ssh_keygen = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
needs_ssh_agent = pytest.mark.skipif(
    shutil.which("ssh-agent") is None or shutil.which("ssh-add") is None, reason="ssh-agent is not installed"
)
PASSPHRASE = "correct horse battery staple"


@dataclass(frozen=True)
class Key:
    path: Path  # the private key file
    kind: str

    @property
    def public(self) -> Path:
        return self.path.with_name(self.path.name + ".pub")

    @property
    def public_text(self) -> str:
        return self.public.read_text().strip()

    def allowed(self, principals: str, options: str = "") -> str:
        """This key's line in an allowed_signers file."""
        key_type, blob = self.public_text.split()[:2]
        return " ".join(part for part in (principals, options, key_type, blob) if part)


def make_key(folder: Path, name: str, kind: str, passphrase: str = "") -> Key:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    bits = ["-b", "2048"] if kind == "rsa" else []
    subprocess.run(["ssh-keygen", "-q", "-t", kind, *bits, "-N", passphrase, "-C", name, "-f", str(path)], check=True)
    return Key(path, kind)


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> dict[str, Key]:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    folder = tmp_path_factory.mktemp("keys")
    return {
        "ed25519": make_key(folder, "alice-ed25519", "ed25519"),
        "rsa": make_key(folder, "bob-rsa", "rsa"),
        "locked": make_key(folder, "carol-locked", "ed25519", PASSPHRASE),  # only usable through an agent
        "mallory": make_key(folder, "mallory", "ed25519"),
    }


@pytest.fixture
def agent(tmp_path, monkeypatch):
    """A real ssh-agent, ended by its own id afterwards; SSH_AUTH_SOCK points at it."""
    if shutil.which("ssh-agent") is None:
        pytest.skip("ssh-agent is not installed")
    socket = tmp_path / "agent.sock"
    process = subprocess.Popen(
        ["ssh-agent", "-D", "-a", str(socket)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(1000):  # not a timed assert: waiting, at most 10 s, for the socket to appear
            if socket.exists() or process.poll() is not None:
                break
            time.sleep(0.01)
        if not socket.exists():
            pytest.fail("ssh-agent did not start")
        monkeypatch.setenv("SSH_AUTH_SOCK", str(socket))
        yield socket
    finally:
        process.terminate()
        process.wait(timeout=10)


def add_to_agent(key: Key, passphrase: str = "") -> None:
    """ssh-add, answering the passphrase through SSH_ASKPASS (a script made here)."""
    script = key.path.with_name("askpass.sh")
    script.write_text(f"#!/bin/sh\necho '{passphrase}'\n")
    script.chmod(0o700)
    env = {**os.environ, "SSH_ASKPASS": str(script), "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0"}
    subprocess.run(
        ["ssh-add", str(key.path)],
        env=env,
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        start_new_session=True,
    )


def write_allowed(folder: Path, *lines: str) -> Path:
    path = folder / "allowed_signers"
    path.write_text("".join(line + "\n" for line in lines))
    return path


def recorded_session(folder: Path, target, operator: str = "alice", notes: int = 3) -> Path:
    """A session with a few events, closed (unlocked)."""
    with LiveSession.create(target, operator, folder) as live:
        for index in range(notes):
            live.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note=f"note {index}"))
        return live.path


def ssh_keygen_verify(allowed: Path, principal: str, message: str, armored: str, folder: Path) -> bool:
    """What `ssh-keygen -Y verify` says of the same signature: the cross-check."""
    signature = folder / "cross-check.sig"
    signature.write_text(armored)
    done = subprocess.run(
        ["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", principal, "-n", "launch-tui", "-s", str(signature)],
        input=message.encode(),
        capture_output=True,
        check=False,
    )
    return done.returncode == 0
