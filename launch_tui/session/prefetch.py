"""A long session's events parsed in a second process while this one starts the TUI.

`launch-tui replay` spends ~0.4 s loading Textual and building the app before it needs
the session, on one core. At 10,000 events, the nesting pre-scan and toml-rs take
~0.15 s of reading the file; on a machine with a second core, a child process does
that meanwhile and hands the events back as JSON, which pydantic validates in one pass
(~40% less than validating the dicts, and the dicts themselves are only built when the
hash chain is verified, after the first frame). Nothing is written to disk, as replay
promises: the bytes go to the child and the JSON comes back through memory files.

The child is a fresh interpreter (posix_spawn), not a fork: a forked child shares this
process's pages, and every page either one then touched was copied, which slowed this
process's own imports by about what the child saved (docs/benchmarks.md).

The child parses the very bytes this process read (it gets them, not the path), so what
it parsed is what is validated here. It also checks their shape (launch_tui.session.shape:
on the parsed values, which are the values the models then hold), so that this process
need not. Whatever is unusual (one core, no posix_spawn or memfd, a small file, the child
failing, finding damage or a malformed event, or a value JSON cannot carry
such as a TOML datetime, infinity or NaN; or JSON that does not validate), the session
is read here exactly as before, and judged with the same messages."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from launch_tui.session.rawfile import SessionUnreadable, as_lf, event_bounds, parse_events, read_bytes
from launch_tui.session.shape import first_malformed
from launch_tui.toml_depth import too_deep

if TYPE_CHECKING:
    from launch_tui.session.fileformat import SessionFile

# Below this, parsing costs less than starting a process and handing the result back.
FROM_BYTES = 256 * 1024

# The child's two descriptors: the session's bytes in, the events' JSON out.
BYTES_IN, JSON_OUT = 3, 4
# -P: nothing on the child's path that this process would not import from (not the cwd).
CHILD = [sys.executable, "-P", "-c", "import launch_tui.session.prefetch as p; raise SystemExit(p.child_main())"]


class Prefetch:
    def __init__(self, path: Path, raw: bytes, child: int, json_out: int) -> None:
        self.path = path
        self.raw = raw
        self._child = child
        self._json_out = json_out
        self.from_child = False  # whether session() used what the child parsed

    def session(self) -> SessionFile:
        """The session read from the bytes read at start(): unreadable, SessionUnreadable."""
        from launch_tui.session.fileformat import NotAsReadHere, parse_session  # the models: after the spawn

        events_json = self._collect()
        if events_json is not None:
            try:
                session = parse_session(self.raw, self.path, events_json=events_json)
            except NotAsReadHere:
                pass
            else:
                self.from_child = True
                return session
        return parse_session(self.raw, self.path)

    def _collect(self) -> bytes | None:
        try:
            _, status = os.waitpid(self._child, 0)
            if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
                return None
            with os.fdopen(os.dup(self._json_out), "rb") as handle:
                handle.seek(0)
                return handle.read()
        except OSError:
            return None
        finally:
            os.close(self._json_out)


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
    descriptors: list[int] = []
    try:
        bytes_in = os.memfd_create("launch-tui-session", os.MFD_CLOEXEC)
        descriptors.append(bytes_in)
        json_out = os.memfd_create("launch-tui-events", os.MFD_CLOEXEC)
        descriptors.append(json_out)
        with open(bytes_in, "wb", closefd=False) as handle:  # writes it all, however the kernel splits it
            handle.write(raw)
        os.lseek(bytes_in, 0, os.SEEK_SET)
        child = os.posix_spawn(
            CHILD[0],
            CHILD,
            _child_environment(),
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                # Never a line on the TUI's terminal: a failing child only means reading here.
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_DUP2, bytes_in, BYTES_IN),
                (os.POSIX_SPAWN_DUP2, json_out, JSON_OUT),
            ],
        )
    except OSError:
        for descriptor in descriptors:
            os.close(descriptor)
        return None
    os.close(bytes_in)  # the child holds its own copy
    return Prefetch(path, raw, child, json_out)


def _child_environment() -> dict[str, str]:
    """What finds and runs the interpreter's modules; no credential: the child needs none."""
    return {name: value for name, value in os.environ.items() if name.startswith(("PYTHON", "LANG", "LC_"))}


def _worth_a_second_process() -> bool:
    if not hasattr(os, "posix_spawn") or not hasattr(os, "memfd_create"):
        return False
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
    return len(cores) >= 2


def child_main() -> int:  # pragma: no cover - runs in the child; its exit code is what the tests see
    """0 once the events are in JSON_OUT; 1 for anything the parent must judge itself."""
    import gc

    gc.disable()  # ~500,000 objects without cycles, in a process that ends right after
    try:
        with os.fdopen(BYTES_IN, "rb") as source:
            raw = source.read()
        lf = as_lf(raw)
        if too_deep(lf):
            return 1
        header_end, complete_end = event_bounds(lf)
        events = parse_events(lf[header_end:complete_end], Path("session"))
        if first_malformed(events, Path("session")) is not None:  # the parent names it, reading the file itself
            return 1
        # allow_nan=False and no `default`: infinity, NaN or a datetime raise, never become other values.
        blob = json.dumps(events, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
        with os.fdopen(JSON_OUT, "wb") as target:
            target.write(blob)
    except BaseException:  # damage, a value JSON cannot carry, Ctrl-C: the parent reads it itself
        return 1
    return 0
