"""Writing a session: created once (atomically), then one sealed event appended and
fsynced per change, under an exclusive lock. Saving costs the same at event 10 and
event 10,000: nothing already written is read or rewritten."""

from __future__ import annotations

import errno
import os
import socket
import stat
from pathlib import Path
from typing import Any

import tomli_w

from launch_tui import __version__
from launch_tui.checklist import load_checklist
from launch_tui.errors import LaunchError
from launch_tui.files import ensure_private_dir, temp_beside, write_all
from launch_tui.secrets import scrub
from launch_tui.session import lock
from launch_tui.session.chain import event_hash, header_hash
from launch_tui.session.fileformat import CutShortTail, SessionFile, read_session
from launch_tui.session.integrity import verify_chain
from launch_tui.session.models import SCHEMA_VERSION, Event, EventKind, Header, NewEvent
from launch_tui.session.rawfile import SessionUnreadable
from launch_tui.target import Target, target_to_dict
from launch_tui.timefmt import now_iso


class CutShort(LaunchError):
    """The last event was cut short by a crash; the operator decides whether to drop it."""

    def __init__(self, path: Path, tail: CutShortTail) -> None:
        self.path = path
        self.tail = tail
        super().__init__(
            f"{path.name}: the last event (#{tail.seq}, {tail.size} bytes) was cut short, "
            "probably by a crash while saving; resume with --drop-cut-short to drop only that event"
        )


class SessionExists(LaunchError):
    """A session file with this name exists (perhaps created a moment ago by another process)."""


def _event_text(document: dict[str, Any]) -> bytes:
    return ("\n" + tomli_w.dumps({"events": [document]})).encode("utf-8")


class SessionWriter:
    """The one open writer of a session file. Use as a context manager or call close()."""

    def __init__(self, path: Path, fd: int, loaded: SessionFile, actor: str) -> None:
        self.path = path
        self._fd = fd
        self.header = loaded.header
        self.events: list[Event] = list(loaded.events)
        self.actor = actor
        self._last_hash = self.events[-1].hash if self.events else header_hash(loaded.header_raw)
        self._needs_newline = loaded.size > 0 and not _ends_with_newline(fd)

    # -- opening -------------------------------------------------------------------

    @classmethod
    def create(
        cls, path: Path, target: Target, operator: str, session_id: str, *, sandbox: bool = False
    ) -> SessionWriter:
        """Write the header and the first event to a new file, atomically, and lock it."""
        ensure_private_dir(path.parent)
        checklist = load_checklist()
        header: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "session": {
                "id": session_id,
                "created_at": now_iso(),
                "operator": operator,
                "host": socket.gethostname(),
                "tool_version": __version__,
            },
            "checklist": {"id": checklist.id, "hash": checklist.content_hash},
            "target": target_to_dict(target),
        }
        if sandbox:
            header["session"]["sandbox"] = True
        Header.model_validate(header)
        first = _seal(
            {
                "seq": 1,
                "at": header["session"]["created_at"],
                "actor": operator,
                "kind": EventKind.SESSION_CREATED.value,
                "prev": header_hash(header),
                "data": {"checklist_hash": checklist.content_hash, "tool_version": __version__},
            }
        )
        body = tomli_w.dumps(header).encode("utf-8") + _event_text(first)
        fd, temp = temp_beside(path)  # an unpredictable name: a temp a killed run left never blocks this one
        try:
            write_all(fd, body)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            temp.unlink(missing_ok=True)
            raise
        os.close(fd)
        try:
            os.link(temp, path)  # unlike rename, refuses to replace an existing session (or a link there)
        except FileExistsError:
            raise SessionExists(f"{path}: a session with this name exists already; choose another") from None
        finally:
            temp.unlink(missing_ok=True)
        _fsync_dir(path.parent)
        return cls.open(path, operator)

    @classmethod
    def open(cls, path: Path, actor: str, *, drop_cut_short: bool = False) -> SessionWriter:
        """Lock an existing session for writing. A cut-short last event stops here
        (CutShort) unless the operator agreed to drop it."""
        try:
            # O_NOFOLLOW: a session file that is a link is refused, never appended through.
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            raise SessionUnreadable(f"{path}: no such session file") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise SessionUnreadable(
                    f"{path}: is a symbolic link; launch-tui writes only to the session file "
                    "itself: resume the file it points to"
                ) from None
            raise SessionUnreadable(f"{path}: cannot open for writing ({exc.strerror})") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise SessionUnreadable(f"{path}: is not a regular file; this is not a session file")
        try:
            lock.acquire(fd, path, actor)
        except BaseException:
            os.close(fd)
            raise
        try:
            loaded = read_session(path)  # read under the lock: nobody appends meanwhile
            verdict = verify_chain(loaded)
            if not verdict.intact:
                raise SessionUnreadable(
                    f"{path.name} was altered ({verdict.problem}); it cannot be resumed. "
                    "`launch-tui verify` explains, `launch-tui replay` still opens it"
                )
            loaded.usable()
            if loaded.crlf:
                raise SessionUnreadable(
                    f"{path.name} has Windows (CRLF) line endings, probably from a copy on the way; launch-tui "
                    "appends LF lines only. Convert it back (dos2unix) to resume; replay, report and verify read it"
                )
            if loaded.tail and not drop_cut_short:
                raise CutShort(path, loaded.tail)
            writer = cls(path, fd, loaded, actor)
            if loaded.tail:
                writer._drop_tail(loaded.tail)
        except BaseException:
            lock.release(fd, path)
            os.close(fd)
            raise
        return writer

    def _drop_tail(self, tail: CutShortTail) -> None:
        os.ftruncate(self._fd, tail.offset)
        os.fsync(self._fd)
        self._needs_newline = not _ends_with_newline(self._fd)
        self.append(
            NewEvent(
                kind=EventKind.SESSION_RECOVERED,
                summary=f"dropped the cut-short event #{tail.seq} ({tail.size} bytes) left by a crash",
                data={"dropped_seq": tail.seq, "dropped_bytes": tail.size},
            )
        )

    # -- writing -------------------------------------------------------------------

    def append(self, new: NewEvent, *, actor: str | None = None) -> Event:
        document = {
            "seq": len(self.events) + 1,
            "at": now_iso(),
            "actor": actor or self.actor,
            **new.model_dump(mode="json", exclude_none=True, exclude_defaults=True),
            "prev": self._last_hash,
        }
        document["kind"] = new.kind.value
        sealed = _seal(scrub(document))  # last line of defence: no registered secret reaches the disk
        event = Event.model_validate(sealed)
        text = _event_text(sealed)
        if self._needs_newline:
            text = b"\n" + text
        write_all(self._fd, text)
        os.fsync(self._fd)
        self._needs_newline = False
        self._last_hash = event.hash
        self.events.append(event)
        return event

    def close(self) -> None:
        if self._fd < 0:
            return
        try:
            lock.release(self._fd, self.path)
        finally:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> SessionWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _seal(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "seal": {"hash": event_hash(document)}}


def _ends_with_newline(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return size == 0 or os.pread(fd, 1, size - 1) == b"\n"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
