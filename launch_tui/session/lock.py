"""One writer per session: an advisory lock on the session file itself, plus a small
holder note beside it so a refused second writer can say who holds it.

flock is released by the kernel when the holder dies, so a crash never leaves a
stale lock behind; the holder note may outlive it, and is simply replaced: written to a
temp file and renamed over it, so a symbolic link planted at `SESSION.toml.lock` is
replaced as a link, never followed (its target is left as it was)."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
from pathlib import Path

from launch_tui.errors import LaunchError
from launch_tui.files import temp_beside, write_all
from launch_tui.timefmt import now_iso


class SessionLocked(LaunchError):
    """Another process is writing this session."""


def holder_path(session_path: Path) -> Path:
    return session_path.with_name(session_path.name + ".lock")


def describe_holder(session_path: Path) -> str:
    try:
        fd = os.open(holder_path(session_path), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            holder = json.loads(handle.read(4096).decode("utf-8"))
        operator = f", operator {holder['operator']}" if holder.get("operator") else ""
        return f"pid {holder['pid']} on {holder['host']} since {holder['since']}{operator}"
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "another process (no holder note found)"


def acquire(fd: int, session_path: Path, operator: str) -> None:
    """Take the lock on an open session file descriptor, or refuse naming the holder."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise
        raise SessionLocked(
            f"{session_path.name} is open for writing by {describe_holder(session_path)}; "
            "close it there first, or use `launch-tui replay` to look at it read-only"
        ) from None
    note = {"pid": os.getpid(), "host": socket.gethostname(), "since": now_iso(), "operator": operator}
    note_path = holder_path(session_path)
    note_fd, temp = temp_beside(note_path)
    try:
        try:
            write_all(note_fd, json.dumps(note).encode("utf-8"))
        finally:
            os.close(note_fd)
        os.replace(temp, note_path)
    except OSError:
        pass  # the note only names the holder for a refused second writer; the lock holds without it
    finally:
        temp.unlink(missing_ok=True)


def release(fd: int, session_path: Path) -> None:
    try:
        holder_path(session_path).unlink(missing_ok=True)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
