"""Hostile files (issue 11): deeply nested TOML, CRLF line endings, a FIFO, /dev/zero,
symbolic links planted where launch-tui writes, URLs carrying a password. Each ends in
one line with exit 2 (or is read correctly), and no file outside the sessions folder
changes."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from launch_tui import cli
from launch_tui.commands import tui as tui_run
from launch_tui.errors import UsageError
from launch_tui.files import write_private
from launch_tui.session import LiveSession, SessionUnreadable
from launch_tui.toml_depth import MAX_DEPTH, too_deep

from ..conftest import ROOT, make_target
from .test_bad_session_files import documents, reseal

READERS = [["verify"], ["report"], ["check"], ["replay"], ["resume", "--operator", "mallory"]]


@pytest.fixture(autouse=True)
def _on_a_terminal(terminal):
    """These drive the CLI in-process: the TUI commands must get past "needs a terminal"
    (tests/test_cli_conventions.py shows that refusal) to reach what is tested here."""


@pytest.fixture(autouse=True)
def no_app(monkeypatch):
    """resume and replay refuse (or not) before any screen; no app starts here."""

    def fake_run_app(app) -> int:
        if not app.launch.read_only:
            app.launch.close()
        return 0

    monkeypatch.setattr(tui_run, "run_app", fake_run_app)


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def one_line_refusal(code: int, err: str) -> str:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("launch-tui: ") and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def session(tmp_path) -> Path:
    live = LiveSession.create(make_target(), "alice", tmp_path / "sessions")
    live.close()
    return live.path


# Nesting --------------------------------------------------------------------------------


def test_the_depth_bound_counts_only_brackets_outside_strings_and_comments():
    assert not too_deep(b"a = " + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)
    assert too_deep(b"a = " + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    assert too_deep(b"a = " + b"{b = " * 70 + b"1" + b"}" * 70)
    assert too_deep(b"a = " + b"[" * 5000)  # unclosed: still counted, stopping early
    assert too_deep(b"a = " + b'[ "]" ' * 100 + b"]" * 100)  # brackets in strings close nothing
    assert not too_deep(b'a = "' + b"[" * 100 + b"\"\nb = '" + b"{" * 100 + b"'\n# " + b"[" * 100)
    assert not too_deep(b'a = """\n' + b"[" * 100 + b'\n"""')
    assert too_deep(b'a = "\\\\"\nb = ' + b"[" * 70)  # an escaped backslash does not escape the quote
    assert too_deep(b"a" + b".b" * (MAX_DEPTH + 1) + b" = 1")  # a table per dot
    assert not too_deep(b"a" + b".b" * (MAX_DEPTH - 1) + b" = 1")
    assert not too_deep(b'summary = "' + b"." * 500 + b'"')  # dots in strings nest nothing


def nested_session(session: Path, depth: int, where: str) -> bytes:
    """The session with a `depth`-deep value in the header or in a re-sealed event."""
    header, events = documents(session.read_bytes())
    deep = "[" * depth + "1" + "]" * depth
    text = reseal(header, events).decode()
    if where == "header":
        return text.replace("[session]", f"deep = {deep}\n\n[session]", 1).encode()
    return (text + f"\n[[events]]\nseq = 2\ndeep = {{ inner = {deep} }}\n").encode()


@pytest.mark.parametrize("depth", [65, 2000])
@pytest.mark.parametrize("where", ["header", "event"])
def test_deep_nesting_is_refused_in_one_line_by_every_command(session, depth, where):
    session.write_bytes(nested_session(session, depth, where))
    before = session.read_bytes()
    for command in READERS:
        code, _, err = run_cli([command[0], str(session), *command[1:]])
        assert f"nest deeper than {MAX_DEPTH} levels" in one_line_refusal(code, err)
    code, out, _ = run_cli(["sessions", "--sessions-dir", str(session.parent)])
    assert code == 0 and "unreadable" in out and f"nest deeper than {MAX_DEPTH}" in out
    assert session.read_bytes() == before


def test_5000_deep_nesting_no_longer_crashes_the_process(session):
    """toml-rs segfaulted here, so run each command in a child and look at its exit code."""
    session.write_bytes(nested_session(session, 5000, "event"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for argv in (["verify", str(session)], ["sessions", "--sessions-dir", str(session.parent)]):
        done = subprocess.run(
            [sys.executable, "-m", "launch_tui", *argv], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode in (0, 2), done  # never -11
        assert "Traceback" not in done.stderr and "nest deeper" in done.stdout + done.stderr


def test_deep_dotted_keys_are_refused_too(session):
    """`data.x.x.x… = 1` nests a table per dot: parsed fine, then json.dumps (the seal) and
    the fold would raise RecursionError. Refused before parsing, like brackets."""
    dotted = "data." + ".".join(["x"] * 3000)
    with session.open("a") as handle:
        handle.write(f'\n[[events]]\nseq = 2\n{dotted} = 1\n\n[events.seal]\nhash = "sha256:{"0" * 64}"\n')
    for command in READERS:
        code, _, err = run_cli([command[0], str(session), *command[1:]])
        assert f"nest deeper than {MAX_DEPTH} levels" in one_line_refusal(code, err)


def test_a_deep_target_file_is_refused(tmp_path):
    target = tmp_path / "deep.toml"
    target.write_text("api_url = " + "[" * 3000 + "]" * 3000 + "\n")
    code, _, err = run_cli(["check", "--target", str(target)])
    assert "nest deeper" in one_line_refusal(code, err)


# Not a regular file ---------------------------------------------------------------------


def test_a_fifo_and_dev_zero_are_refused_without_reading(tmp_path):
    fifo = tmp_path / "sessions" / "pipe.toml"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    for command in READERS:
        code, _, err = run_cli([command[0], str(fifo), *command[1:]])
        assert "not a regular file" in one_line_refusal(code, err)
    code, _, err = run_cli(["verify", "/dev/zero"])
    assert "not a regular file" in one_line_refusal(code, err)
    code, _, err = run_cli(["check", "--target", "/dev/zero"])
    assert "not a regular file" in one_line_refusal(code, err)


# CRLF -------------------------------------------------------------------------------------


def test_crlf_is_read_correctly_and_never_appended_to(session):
    session.write_bytes(session.read_bytes().replace(b"\n", b"\r\n"))
    before = session.read_bytes()
    code, out, _ = run_cli(["verify", str(session)])
    assert code == 0 and "intact" in out
    assert run_cli(["report", str(session)])[0] == 0
    code, _, err = run_cli(["resume", str(session)])
    assert "CRLF" in one_line_refusal(code, err) and "dos2unix" in err
    assert session.read_bytes() == before


# Symbolic links where launch-tui writes ----------------------------------------------------


@pytest.fixture
def victim(tmp_path) -> Path:
    """A file outside the sessions folder that a planted link points to."""
    path = tmp_path / "outside" / "precious.txt"
    path.parent.mkdir()
    path.write_text("do not touch\n")
    return path


def test_a_symlinked_lock_note_is_replaced_never_followed(session, victim):
    lock = session.with_name(session.name + ".lock")
    lock.symlink_to(victim)
    with LiveSession.resume(session, "bob"):
        assert not lock.is_symlink() and '"operator": "bob"' in lock.read_text()
    assert victim.read_text() == "do not touch\n"


def test_a_symlinked_lock_note_survives_a_refused_resume(session, victim):
    session.write_bytes(session.read_bytes().replace(b'operator = "alice"', b'operator = "mallory"'))  # ALTERED
    lock = session.with_name(session.name + ".lock")
    lock.symlink_to(victim)
    code, _, err = run_cli(["resume", str(session)])
    assert "altered" in one_line_refusal(code, err)
    assert victim.read_text() == "do not touch\n"


def test_a_symlinked_session_file_is_not_resumed(session, victim, tmp_path):
    link = session.with_name("linked.toml")
    link.symlink_to(victim)
    with pytest.raises(SessionUnreadable, match="symbolic link"):
        LiveSession.resume(link, "bob")
    assert victim.read_text() == "do not touch\n"


@pytest.mark.parametrize("force", [False, True])
def test_a_symlinked_report_is_refused(session, victim, force):
    link = session.with_name("report.md")
    link.symlink_to(victim)
    code, _, err = run_cli(["report", str(session), "--output", str(link), *(["--force"] if force else [])])
    assert "symbolic link" in one_line_refusal(code, err)
    assert victim.read_text() == "do not touch\n" and link.is_symlink()


def test_every_private_write_refuses_a_link(tmp_path, victim):
    link = tmp_path / "handoff" / "guide.md"
    link.parent.mkdir()
    link.symlink_to(victim)
    for replace in (False, True):
        with pytest.raises(UsageError, match="symbolic link"):
            write_private(link, "guide", replace=replace)
    assert victim.read_text() == "do not touch\n"


def test_a_temp_file_left_by_a_killed_run_blocks_nothing(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    for pid in range(os.getpid() - 2, os.getpid() + 3):  # the names the old code picked
        (folder / f".report.md.{pid}.tmp").write_text("left behind")
    write_private(folder / "report.md", "fresh", replace=True)
    assert (folder / "report.md").read_text() == "fresh"


# URLs carrying credentials ------------------------------------------------------------------


def test_a_url_with_a_password_is_refused_without_echoing_it(tmp_path):
    target = tmp_path / "target.toml"
    target.write_text(
        tomli_w.dumps(
            {
                "environment": "production",
                "api_url": "https://ops:Pass-w0rd-9z@api.example.com",
                "team_mode": "solo",
                "customer": {"name": "Acme", "tenant_slug": "acme"},
            }
        )
    )
    for argv in (
        ["new", "--target", str(target), "--sessions-dir", str(tmp_path / "sessions")],
        ["check", "--target", str(target)],
    ):
        code, out, err = run_cli(argv)
        line = one_line_refusal(code, err)
        assert "user name or password" in line and "Pass-w0rd" not in out + err and "ops:" not in out + err
    assert not (tmp_path / "sessions").exists()


def test_a_session_whose_header_url_has_a_password_is_refused_without_echoing_it(session):
    header, events = documents(session.read_bytes())
    header["target"]["api_url"] = "https://ops:Pass-w0rd-9z@api.example.com"
    session.write_bytes(reseal(header, events))
    for command in READERS:
        code, out, err = run_cli([command[0], str(session), *command[1:]])
        assert "user name or password" in one_line_refusal(code, err) and "Pass-w0rd" not in out + err


@pytest.mark.parametrize("repo", ["../platform", "acme/..", "./x"])
def test_a_repository_that_walks_the_path_is_refused(repo):
    with pytest.raises(UsageError, match="is not owner/name"):
        make_target(github={"repo": repo})
