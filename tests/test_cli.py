import argparse
import gc
import subprocess
import sys

import pytest

from launch_tui.cli import build_parser, main
from launch_tui.session import LiveSession

SPEC_COMMANDS = ["new", "resume", "replay", "demo", "sandbox", "check", "report", "verify", "sessions"]


def run_cli(*args, cwd=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "launch_tui", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def test_help_lists_every_command_of_the_spec():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in SPEC_COMMANDS:
        assert f"    {command} " in result.stdout


@pytest.mark.parametrize("command", SPEC_COMMANDS)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([command, "--help"])
    assert exited.value.code == 0
    assert "usage: launch-tui " + command in capsys.readouterr().out


@pytest.mark.parametrize("args", [["nonsense"], ["check"], ["report"], ["sandbox", "--port", "many"]])
def test_usage_errors_exit_2(args):
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2


def test_sessions_lists_the_sessions_folder(tmp_path, target):
    LiveSession.create(target, "alice", tmp_path / "sessions").close()
    result = run_cli("sessions", cwd=tmp_path)
    assert result.returncode == 0
    assert "Acme Freight" in result.stdout and "production" in result.stdout and "1/34" not in result.stdout
    assert "0/34" in result.stdout and "alice" in result.stdout and "in progress" in result.stdout


def test_sessions_dir_comes_from_the_environment_too(tmp_path, target):
    LiveSession.create(target, "alice", tmp_path / "elsewhere").close()
    env = {"LAUNCH_SESSIONS_DIR": str(tmp_path / "elsewhere"), "PATH": "/usr/bin:/bin"}
    assert "Acme Freight" in run_cli("sessions", cwd=tmp_path, env=env).stdout


def test_verify_does_not_import_textual(tmp_path, target):
    live = LiveSession.create(target, "alice", tmp_path)
    live.close()
    probe = (
        "import sys; from launch_tui.cli import main; code = main(['verify', sys.argv[1]]);"
        "assert not any(name.split('.')[0] == 'textual' for name in sys.modules), 'textual imported';"
        "sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(live.path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "intact" in result.stdout


def test_sessions_shows_escape_sequences_in_recorded_names_instead_of_sending_them(tmp_path, target, capsys):
    LiveSession.create(target, "mal\x1b]0;owned\x07ory", tmp_path).close()
    assert main(["sessions", "--sessions-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "mal\u241b]0;owned\u2407ory" in out


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_command_names_an_entry_point_that_exists(command):
    """cli.py names each command's module as a string, imported only when it runs: a typo
    there would pass every --help and fail only when the command is used."""
    entry = subcommands()[command].get_default("run")
    assert callable(entry.load())
    assert entry.tui == (command in ("new", "resume", "replay", "demo"))


def test_without_a_command_the_home_screen_runs():
    entry = build_parser().parse_args([]).run
    assert (entry.module, entry.function, entry.tui) == ("tui", "home", True)


def test_without_arguments_the_parser_without_subcommands_parses_the_same():
    """`launch-tui` alone builds no subcommand (the home screen's first frame waits for the
    parser): what it parses must be exactly what the whole command line parses."""
    assert build_parser(commands=False).parse_args([]) == build_parser().parse_args([])


def test_a_tui_command_that_ends_before_its_app_leaves_the_collector_on(tmp_path):
    """cli.main turns the collector off for a TUI command's start-up (its app turns it on):
    one refused before the app (here: no terminal under pytest) must not leave it off."""
    assert main(["resume", "--sessions-dir", str(tmp_path)]) == 2
    assert gc.isenabled()
