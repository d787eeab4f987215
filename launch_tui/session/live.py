"""A session in use: the locked writer and the folded state, kept in step.

Every change goes through `record()`: appended and fsynced first, then folded, so the
state on screen is never ahead of the file."""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launch_tui import __version__
from launch_tui.checklist import load_checklist
from launch_tui.errors import LaunchError
from launch_tui.files import ensure_private_dir
from launch_tui.session.fileformat import SessionFile, read_session
from launch_tui.session.integrity import Verdict, verify_chain
from launch_tui.session.locate import new_session_id
from launch_tui.session.models import Event, EventKind, Header, NewEvent
from launch_tui.session.prefetch import Prefetch
from launch_tui.session.state import SessionState, apply, fold
from launch_tui.session.store import SessionExists, SessionWriter
from launch_tui.target import Target


def default_operator() -> str:
    try:
        return getpass.getuser() or "operator"
    except (KeyError, OSError):
        return "operator"


@dataclass
class OpenedSession:
    """A session read without a lock: for replay, report, verify and listings."""

    file: SessionFile
    state: SessionState
    verdict: Verdict


def open_read_only(path: str | Path) -> OpenedSession:
    session, state = read_and_fold(path)
    return OpenedSession(session, state, verify_chain(session))


def read_and_fold(path: str | Path, prefetch: Prefetch | None = None) -> tuple[SessionFile, SessionState]:
    """The file and its state, the hash chain not yet verified: for replay, which shows its
    first frame before the verdict is known (it writes nothing; resume verifies before any write).
    `prefetch`: its events parsed by a second process meanwhile (launch_tui.session.prefetch)."""
    session = (prefetch.session() if prefetch is not None else read_session(path)).usable()
    return session, fold(session.header, load_checklist(), session.events)


class SessionBlocked(LaunchError):
    """The session is not written further (a fork, or its claim was taken over)."""


class LiveSession:
    def __init__(self, writer: SessionWriter) -> None:
        self.writer = writer
        self.state = fold(writer.header, load_checklist(), writer.events)
        self.blocked: str | None = None  # set by the git sync: why nothing more may be written
        self.resumed = False  # opened by `resume`: the wizard shows what happened since

    @classmethod
    def create(
        cls,
        target: Target,
        operator: str,
        folder: Path,
        session_id: str | None = None,
        *,
        trust_source: str | None = "a target given to launch-tui",
        sandbox: bool = False,
    ) -> LiveSession:
        """A new session for a target this machine's operator gave (a file of theirs, the form):
        its origins become trusted here (launch_tui.trust), unless `trust_source` is None."""
        if trust_source is not None:
            from launch_tui import trust  # only a new session: reading and listing sessions never load it

            trust.trust(target, trust_source)
        ensure_private_dir(folder)
        session_id = session_id or new_session_id(target.customer.tenant_slug)
        for suffix in range(1, 1000):
            path = folder / (f"{session_id}.toml" if suffix == 1 else f"{session_id}-{suffix}.toml")
            if path.exists():
                continue
            try:
                return cls(SessionWriter.create(path, target, operator, path.stem, sandbox=sandbox))
            except SessionExists:
                continue  # another process took this name between the look and the link: the next one
        raise SessionExists(f"{folder}: too many sessions named {session_id}; wait a second and try again")

    @classmethod
    def resume(cls, path: Path, operator: str, *, drop_cut_short: bool = False) -> LiveSession:
        # The writer refuses an altered or malformed file before it drops a cut-short tail.
        writer = SessionWriter.open(path, operator, drop_cut_short=drop_cut_short)
        try:
            live = cls(writer)
            live.resumed = True
            live.record(NewEvent(kind=EventKind.SESSION_RESUMED, data=live._resume_data()))
        except BaseException:
            writer.close()
            raise
        return live

    def _resume_data(self) -> dict[str, Any]:
        checklist = load_checklist()
        data = {"host": socket.gethostname(), "tool_version": __version__, "checklist_hash": checklist.content_hash}
        if checklist.content_hash != self.header.checklist.hash:
            data["checklist_changed_from"] = self.header.checklist.hash
        return data

    @property
    def path(self) -> Path:
        return self.writer.path

    @property
    def header(self) -> Header:
        return self.writer.header

    @property
    def operator(self) -> str:
        return self.writer.actor

    @property
    def events(self) -> list[Event]:
        return self.writer.events

    @property
    def checklist_changed(self) -> bool:
        changed: bool = self.header.checklist.hash != load_checklist().content_hash
        return changed

    def record(self, new: NewEvent) -> Event:
        if self.blocked:
            raise SessionBlocked(f"not recorded: {self.blocked}")
        event = self.writer.append(new)
        apply(self.state, event)
        return event

    def close(self) -> None:
        self.writer.close()

    def __enter__(self) -> LiveSession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
