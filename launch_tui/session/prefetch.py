"""A long session's events parsed in a second process while this one starts the TUI.

`launch-tui replay` spends ~0.4 s loading Textual and building the app before it needs
the session, on one core. At 10,000 events, the nesting pre-scan and toml-rs take
~0.15 s of reading the file; on a machine with a second core, a forked child does
that meanwhile and hands the events back in marshal's format (built in, C speed,
plain data only) through a memory file: nothing is written to disk, as replay promises.
This process then only validates and folds them.

The child gets the very bytes this process read (fork copies them), so what it
parsed is what is validated here. Whatever is unusual (one core, no fork or memfd,
a small file, other threads running, the child failing, finding damage, or a value
marshal cannot carry such as a TOML datetime), the session is read here exactly as
before, and judged with the same messages."""

from __future__ import annotations

import marshal
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from launch_tui.session.rawfile import SessionUnreadable, as_lf, event_bounds, parse_events, read_bytes
from launch_tui.toml_depth import too_deep

if TYPE_CHECKING:
    from launch_tui.session.fileformat import SessionFile

# Below this, parsing costs less than forking and handing the result back.
FROM_BYTES = 256 * 1024


class Prefetch:
    def __init__(self, path: Path, raw: bytes, child: int, memfd: int) -> None:
        self.path = path
        self.raw = raw
        self._child = child
        self._memfd = memfd
        self.from_child = False  # whether session() used what the child parsed

    def session(self) -> SessionFile:
        """The session read from the bytes read at start(): unreadable, SessionUnreadable."""
        from launch_tui.session.fileformat import parse_session  # the models: after the fork

        events = self._collect()
        self.from_child = events is not None
        return parse_session(self.raw, self.path, events_raw=events)

    def _collect(self) -> list[dict[str, object]] | None:
        try:
            _, status = os.waitpid(self._child, 0)
            if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
                return None
            with os.fdopen(os.dup(self._memfd), "rb") as handle:
                handle.seek(0)
                # Our own child wrote it, from plain data it had just parsed: not foreign bytes.
                events = marshal.loads(handle.read())  # noqa: S302
        except (OSError, EOFError, ValueError, TypeError):
            return None
        finally:
            os.close(self._memfd)
        return events if isinstance(events, list) else None


def start(path: Path) -> Prefetch | None:
    """A child parsing the events of the session at `path`, or None where it would not pay
    (the caller then reads the file itself; a file that cannot be read is reported then)."""
    if not _worth_a_second_process():
        return None
    try:
        # From its size first: a small file (or a FIFO, size 0) is not read twice.
        if os.stat(path).st_size < FROM_BYTES:
            return None
        raw = read_bytes(path)
    except (OSError, SessionUnreadable):  # read_session says why, when the caller reads it
        return None
    try:
        memfd = os.memfd_create("launch-tui-events", os.MFD_CLOEXEC)
    except OSError:
        return None
    try:
        child = os.fork()
    except OSError:
        os.close(memfd)
        return None
    if child == 0:  # pragma: no cover - the child's exit code is what the tests see
        os._exit(_parse_for_parent(raw, path, memfd))
    return Prefetch(path, raw, child, memfd)


def _worth_a_second_process() -> bool:
    if not hasattr(os, "fork") or not hasattr(os, "memfd_create"):
        return False
    if threading.active_count() > 1:  # forking a threaded process can leave a lock held in the child
        return False
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
    return len(cores) >= 2


def _parse_for_parent(raw: bytes, path: Path, memfd: int) -> int:  # pragma: no cover - runs in the child
    """0 once the events are in the memory file; 1 for anything the parent must judge itself."""
    try:
        lf = as_lf(raw)
        if too_deep(lf):
            return 1
        header_end, complete_end = event_bounds(lf)
        blob = marshal.dumps(parse_events(lf[header_end:complete_end], path))
        with os.fdopen(memfd, "wb") as handle:
            handle.write(blob)
    except BaseException:  # damage, a datetime marshal refuses, Ctrl-C: the parent reads it itself
        return 1
    return 0
