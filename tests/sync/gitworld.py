"""A bare repository as the sessions remote and working copies as machines, with real
git on local paths (no network)."""

from __future__ import annotations

import asyncio
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from launch_tui.launch.live import LiveLaunch
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, NewEvent, read_session, verify_chain
from launch_tui.sync import opening
from launch_tui.sync.opening import Shared
from launch_tui.sync.worker import SessionSync

from ..conftest import make_target


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def bare_remote(path: Path) -> Path:
    git("init", "--quiet", "--bare", "--initial-branch=main", str(path))
    return path


def clone(remote: Path, folder: Path) -> Path:
    git("clone", "--quiet", str(remote), str(folder))
    return folder


def remote_copy(remote: Path, name: str, branch: str = "main") -> bytes | None:
    result = subprocess.run(
        ["git", "--git-dir", str(remote), "cat-file", "blob", f"{branch}:{name}"], capture_output=True
    )
    return result.stdout if result.returncode == 0 else None


def remote_claim(remote: Path, session_id: str) -> str | None:
    result = subprocess.run(
        ["git", "--git-dir", str(remote), "log", "-1", "--format=%B", f"refs/launch-tui/claims/{session_id}"],
        capture_output=True,
        text=True,
    )
    return result.stdout if result.returncode == 0 else None


def note(live: LiveSession, text: str) -> None:
    live.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note=text))


@dataclass
class Machine:
    """One working copy, one operator; its wizard and sync once a session is open."""

    folder: Path
    operator: str
    shared: Shared | None = None
    launch: LiveLaunch | None = None
    sync: SessionSync | None = None
    taken_over: object = None
    notes: list[str] = field(default_factory=list)

    def connect(self) -> Shared:
        self.shared = opening.connect_now(self.folder, self.operator)
        assert self.shared is not None
        return self.shared

    def start(self, session_id: str | None = None) -> Path:
        shared = self.connect()
        live = LiveSession.create(make_target(), self.operator, self.folder, session_id)
        opening.claim_now(shared, live.path.stem)
        self._attach(live)
        return live.path

    def resume(self, session_id: str, *, take_over: bool = False) -> None:
        shared = self.connect()
        self.taken_over = opening.claim_now(shared, session_id, take_over=take_over)
        self._attach(LiveSession.resume(self.folder / f"{session_id}.toml", self.operator), self.taken_over)

    def _attach(self, live: LiveSession, taken_over=None) -> None:
        self.launch = LiveLaunch(live, Secrets({}))
        self.sync = opening.attach(self.shared, self.launch, taken_over)  # type: ignore[arg-type]

    @property
    def live(self) -> LiveSession:
        assert self.launch is not None
        return self.launch.live

    def note(self, text: str) -> None:
        assert self.launch is not None
        self.launch.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note=text))  # listeners hear it

    def push(self) -> None:
        assert self.sync is not None
        asyncio.run(self.sync.sync_now())

    def quit(self) -> None:
        assert self.sync is not None and self.launch is not None
        asyncio.run(self.sync.finish())
        self.launch.close()


def chain_of(raw: bytes, tmp: Path) -> list[str]:
    path = tmp / "copy.toml"
    path.write_bytes(raw)
    session = read_session(path)
    assert verify_chain(session).intact
    return [event.hash for event in session.events]
