"""`launch-tui report` and `verify` end to end: through main(), and as a process."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from launch_tui.cli import main
from launch_tui.session import LiveSession

NO_TEXTUAL = (
    "import sys; from launch_tui.cli import main; code = main(sys.argv[1:]);"
    "assert not any(name.split('.')[0] == 'textual' for name in sys.modules), 'textual imported';"
    "sys.exit(code)"
)


def run_process(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-c", NO_TEXTUAL, *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_report_prints_markdown_by_default_and_json_on_request(scripted, capsys):
    assert main(["report", str(scripted)]) == 0
    assert capsys.readouterr().out.startswith("# Launch decision record: Acme Freight\n")
    assert main(["report", str(scripted), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["schema"] == "launch-tui/report/v1"


def test_report_finds_a_session_by_id_in_the_sessions_folder(scripted, capsys):
    assert main(["report", scripted.stem, "--sessions-dir", str(scripted.parent), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["session"]["id"] == scripted.stem


def test_report_reads_a_session_someone_has_open(tmp_path, target, capsys):
    with LiveSession.create(target, "alice", tmp_path) as live:  # holds the writer's lock
        assert main(["report", str(live.path)]) == 0
    assert "Acme Freight" in capsys.readouterr().out


def test_output_is_private_in_private_new_folders_and_never_silently_replaced(scripted, tmp_path, capsys):
    out = tmp_path / "records" / "acme" / "decision.md"
    assert main(["report", str(scripted), "--output", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out and out.read_text().startswith("# Launch decision record")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    for folder in (out.parent, out.parent.parent):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    out.write_text("signed off by Dana\n")
    assert main(["report", str(scripted), "--output", str(out)]) == 2
    assert "--force" in capsys.readouterr().err and out.read_text() == "signed off by Dana\n"
    assert main(["report", str(scripted), "--output", str(out), "--format", "json", "--force"]) == 0
    assert json.loads(out.read_text())["schema"] == "launch-tui/report/v1"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert [path.name for path in out.parent.iterdir()] == ["decision.md"]  # no temporary file left


def test_output_to_a_folder_is_a_usage_error(scripted, tmp_path, capsys):
    assert main(["report", str(scripted), "--output", str(tmp_path)]) == 2
    assert main(["report", str(scripted), "--output", str(tmp_path), "--force"]) == 2
    assert "is a folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    "breaker", [lambda raw: b"", lambda raw: raw.replace(b"schema_version = 1", b"schema_version = 9")]
)
def test_an_unreadable_session_exits_2_with_one_line(scripted, capsys, breaker):
    scripted.write_bytes(breaker(scripted.read_bytes()))
    for command in (["report", str(scripted)], ["verify", str(scripted)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err


def test_report_and_verify_as_processes_without_textual(scripted):
    report = run_process("report", str(scripted), "--format", "json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["integrity"]["status"] == "intact"
    anchor = json.loads(report.stdout)["integrity"]["last_hash"]
    verify = run_process("verify", str(scripted), "--last-hash", anchor)
    assert verify.returncode == 0 and "intact: 58 events" in verify.stdout, verify.stderr

    scripted.write_bytes(
        scripted.read_bytes().replace(
            b'summary = "12 TRADE results readable"', b'summary = "13 TRADE results readable"'
        )
    )
    verify = run_process("verify", str(scripted))
    assert verify.returncode == 1 and "ALTERED: event #" in verify.stdout and "first-value.results" in verify.stdout
    report = run_process("report", str(scripted))
    assert report.returncode == 0 and "**ALTERED**" in report.stdout

    scripted.write_bytes(b"not a session")
    assert run_process("verify", str(scripted)).returncode == 2
    assert run_process("report", str(scripted)).returncode == 2


def test_the_command_line_entry_point_runs_report(scripted):
    result = subprocess.run(
        [sys.executable, "-m", "launch_tui", "report", str(scripted)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "## Integrity" in result.stdout
