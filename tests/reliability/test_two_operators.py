"""Two operators: a second writer on one session is refused clearly (the CLI, one line,
the file untouched); replay, report and verify work alongside a live writer; two
sessions in one folder, written at once, do not interfere."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from launch_tui.cli import main
from launch_tui.session import LiveSession, open_read_only, read_session, session_files, verify_chain
from launch_tui.session.lock import holder_path

from ..conftest import make_target
from ..terminal import cli_on_a_terminal

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# Holds the session and keeps writing notes until told to stop (a line on stdin).
WRITER = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    from launch_tui.session import EventKind, LiveSession, NewEvent
    session = LiveSession.resume(Path(sys.argv[1]), "bob")
    print("locked", flush=True)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
    count = 0
    while not stop.wait(0.02):
        count += 1
        session.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note="bob was here " * 40 + str(count)))
    session.close()
    print(count, flush=True)
    """
)

# Creates a session in a folder at a given moment (to collide with another), then writes.
CREATOR = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from launch_tui.session import EventKind, LiveSession, NewEvent
    from launch_tui.target import target_from_dict
    folder, operator, start = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    target = target_from_dict({"environment": "production", "api_url": "https://api.example.com",
                               "team_mode": "solo", "customer": {"name": "Acme", "tenant_slug": "acme"}})
    while time.time() < start:
        pass
    with LiveSession.create(target, operator, folder) as live:
        for n in range(40):
            live.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note=f"{operator} {n}"))
        print(live.path, flush=True)
    """
)


@pytest.fixture
def session_path(tmp_path) -> Path:
    with LiveSession.create(make_target(), "alice", tmp_path / "sessions") as live:
        return live.path


@dataclass
class Writer:
    process: subprocess.Popen
    said_last: str = ""  # what it printed once stopped: how many notes it wrote


@contextlib.contextmanager
def bob_writing(session_path: Path) -> Iterator[Writer]:
    """Bob holds the session (WRITER) and writes notes while the block runs; then he is
    told to stop, and what he printed last is kept."""
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(session_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    writer = Writer(process)
    try:
        assert process.stdout.readline().strip() == "locked"
        yield writer
    finally:
        process.stdin.write("\n")
        process.stdin.flush()
        writer.said_last, _ = process.communicate(timeout=60)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "launch_tui.cli", *args], capture_output=True, text=True, env=ENV, timeout=120
    )


def in_process(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def test_a_second_operator_is_refused_in_one_line_while_replay_report_and_verify_work(session_path):
    with bob_writing(session_path) as writer:
        before = session_path.stat().st_size
        second = cli_on_a_terminal("resume", str(session_path), "--operator", "carol", env=ENV)
        assert second.returncode == 2 and second.stdout == ""
        assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
        assert f"open for writing by pid {writer.process.pid}" in second.stderr and "operator bob" in second.stderr
        assert "launch-tui replay" in second.stderr  # says what can be done meanwhile
        # Read-only work alongside the writer: every read sees whole events and an intact
        # chain (at most the event being written, as a cut-short tail, which it sets aside).
        for _ in range(10):
            opened = open_read_only(session_path)
            assert opened.verdict.intact, opened.verdict.problem
        report = in_process("report", str(session_path), "--format", "json")
        verify = in_process("verify", str(session_path))
        listing = in_process("sessions", "--sessions-dir", str(session_path.parent))
        assert report[0] == 0 and '"schema"' in report[1]
        assert verify[0] in (0, 1) and "ALTERED" not in verify[1], verify  # 1: an event mid-write
        assert listing[0] == 0 and "bob" in listing[1]
        assert session_path.stat().st_size > before  # the writer kept writing meanwhile
    count = int(writer.said_last)
    loaded = read_session(session_path)
    assert loaded.tail is None and verify_chain(loaded).intact
    assert sum(1 for e in loaded.events if e.actor == "bob" and e.note) == count
    assert not holder_path(session_path).exists()


def test_replay_opens_a_session_held_by_another_writer_and_writes_nothing(session_path, monkeypatch, terminal):
    from launch_tui import cli as cli_module
    from launch_tui.commands import tui as tui_run

    with bob_writing(session_path):
        shown = []
        monkeypatch.setattr(tui_run, "run_app", lambda app: shown.append(app) or 0)
        assert cli_module.main(["replay", str(session_path)]) == 0
        (app,) = shown
        assert app.launch.read_only and len(app.launch.replay.events) >= 2


def test_two_sessions_created_in_one_folder_at_the_same_moment_do_not_interfere(tmp_path):
    folder = tmp_path / "sessions"
    start = time.time() + 1.5  # both processes create at this instant: the same id, to the second
    creators = [
        subprocess.Popen(
            [sys.executable, "-c", CREATOR, str(folder), name, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for name in ("alice", "bob")
    ]
    results = [creator.communicate(timeout=120) for creator in creators]
    assert [creator.returncode for creator in creators] == [0, 0], [err for _, err in results]
    paths = {Path(out.strip()) for out, _ in results}
    assert len(paths) == 2 and set(session_files(folder)) == paths
    for path in paths:
        loaded = read_session(path)
        assert verify_chain(loaded).intact and loaded.tail is None
        assert {event.actor for event in loaded.events} == {loaded.header.session.operator}
        assert len(loaded.events) == 41
        assert not holder_path(path).exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temp file left behind
