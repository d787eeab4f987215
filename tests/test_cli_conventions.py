"""The conventions of a well-made command-line tool: no TUI without a terminal, colour
as the user says, complete help, shell completion, a redacted log, absolute paths."""

from __future__ import annotations

import argparse
import io
import logging
import os
import pty
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from launch_tui.cli import build_parser, main, section_ids
from launch_tui.cli_help import HELP
from launch_tui.commands.check import check_command
from launch_tui.secrets import Secrets
from launch_tui.session import LiveSession
from launch_tui.terminal import color_wanted

ROOT = Path(__file__).resolve().parent.parent


def launch(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdin=subprocess.DEVNULL,
    stdout=subprocess.PIPE,
) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "launch_tui", *args],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=60,
    )


@pytest.fixture(scope="module")
def sandbox(make_module_sandbox):
    return make_module_sandbox(job_seconds=0.2)


# No terminal, no TUI ---------------------------------------------------------------------------------


@pytest.fixture
def session_file(tmp_path, target):
    live = LiveSession.create(target, "alice", tmp_path / "sessions")
    live.close()
    return live.path


@pytest.mark.parametrize(
    "command, headless",
    [
        (["new", "--target", "{target}"], "check --target FILE"),
        (["resume", "{session}"], "report SESSION"),
        (["resume"], "report SESSION"),
        (["replay", "{session}"], "verify SESSION"),
        (["demo"], "launch-tui sandbox"),
        ([], "launch-tui sessions"),
    ],
)
def test_tui_commands_without_a_terminal_stop_at_once_with_one_line(tmp_path, sandbox, session_file, command, headless):
    target = sandbox.write_target(tmp_path / "target.toml")
    argv = [part.format(target=target, session=session_file) for part in command]
    before = sorted((tmp_path / "sessions").iterdir())
    with open(tmp_path / "out", "w") as out:  # `</dev/null >out`, as a CI step runs it
        result = (
            launch(*argv, "--sessions-dir", str(tmp_path / "sessions"), stdout=out)
            if argv
            else launch(cwd=tmp_path, stdout=out)
        )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "needs a terminal" in result.stderr and headless in result.stderr
    assert (tmp_path / "out").read_bytes() == b""  # not one escape code written
    assert sorted((tmp_path / "sessions").iterdir()) == before  # nothing created, no lock left


def test_a_terminal_on_stdin_is_not_enough(tmp_path, session_file):
    leader, follower = pty.openpty()
    try:
        with open(tmp_path / "out", "w") as out:
            result = launch("replay", str(session_file), stdin=follower, stdout=out)
    finally:
        os.close(leader)
        os.close(follower)
    assert result.returncode == 2 and "needs a terminal" in result.stderr
    assert (tmp_path / "out").read_bytes() == b""


# Help ------------------------------------------------------------------------------------------------


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_subcommand_help_has_a_description_exit_codes_environment_and_an_example(name, capsys):
    assert name in HELP, f"add {name!r} to launch_tui/cli_help.py"
    with pytest.raises(SystemExit):
        main([name, "--help"])
    out = capsys.readouterr().out
    assert HELP[name].description.split()[0] in out
    for heading in ("exit codes:", "environment:", "example"):
        assert f"\n{heading}" in out, (name, heading)
    assert "  0  " in out and "$ launch-tui " + name in out


def test_check_help_lists_the_section_ids(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert section_ids() == ["infra", "auth", "onboarding", "first-value", "guardrails", "billing", "decision"]
    assert ", ".join(section_ids()) in out


def test_an_unknown_section_is_a_usage_error_naming_the_ids(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["check", "--target", "t.toml", "--section", "nope"])
    assert exited.value.code == 2 and "first-value" in capsys.readouterr().err


# Colour ----------------------------------------------------------------------------------------------


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    "choice, env, tty, wanted",
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # empty: as if unset
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"FORCE_COLOR": ""}, False, False),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        ("auto", {"TERM": "dumb"}, True, False),
        ("auto", {"TERM": "dumb", "FORCE_COLOR": "1"}, True, True),
        ("always", {"NO_COLOR": "1", "TERM": "dumb"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_colour_follows_the_flag_then_no_color_force_color_and_term(choice, env, tty, wanted):
    stream = Tty() if tty else io.StringIO()
    assert color_wanted(choice, stream, env) is wanted


@pytest.mark.parametrize(
    "flags, env, coloured",
    [
        (["--color", "always"], {}, True),
        (["--no-color"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "x"}, False),
        ([], {}, False),  # a pipe
    ],
)
def test_check_colours_its_text_as_asked(tmp_path, sandbox, flags, env, coloured):
    target = sandbox.write_target(tmp_path / "target.toml")
    clean = {"NO_COLOR": "", "FORCE_COLOR": "", "TERM": "xterm", **sandbox.credentials, **env}
    result = launch("check", "--target", str(target), "--section", "infra", *flags, env=clean)
    assert result.returncode == 0, result.stderr
    assert ("\x1b[" in result.stdout) is coloured


# Completion ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_scripts_name_every_subcommand_and_parse(shell, tmp_path):
    result = launch("completion", shell)
    assert result.returncode == 0, result.stderr
    for name in subcommands():
        assert name in result.stdout
    if shell == "zsh":
        assert result.stdout.startswith("#compdef launch-tui")
    if shutil.which(shell):
        script = tmp_path / f"completion.{shell}"
        script.write_text(result.stdout)
        subprocess.run([shell, "-n", str(script)], check=True, timeout=30)


# Logging ---------------------------------------------------------------------------------------------


def test_the_log_file_gets_the_http_log_and_no_secret(tmp_path, sandbox):
    target = sandbox.write_target(tmp_path / "target.toml")
    log = tmp_path / "launch.log"
    result = launch("-v", "check", "--target", str(target), "-v", "--log-file", str(log), env=sandbox.credentials)
    assert result.returncode == 0, result.stderr
    text = log.read_text(encoding="utf-8")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "HTTP Request: GET" in text and "DEBUG launch_tui.http" in text  # -v twice: debug
    for secret in sandbox.credentials.values():
        assert secret not in text


def test_a_secret_logged_by_any_logger_is_redacted_in_the_file(tmp_path):
    from launch_tui import logs

    secret = "ghp_Sup3rSecretTokenValue0123456789"
    Secrets({"GITHUB_TOKEN": secret})
    log = tmp_path / "launch.log"
    handler = logs.configure(1, str(log))
    try:
        logging.getLogger("some.library").warning("sending Authorization: token %s", secret)
        try:
            raise RuntimeError(f"refused {secret}")
        except RuntimeError:
            logging.getLogger("launch_tui.engine").exception("a check crashed")
    finally:
        assert handler is not None
        logging.getLogger().removeHandler(handler)
        handler.close()
    text = log.read_text(encoding="utf-8")
    assert "sending Authorization: token [redacted]" in text and "refused [redacted]" in text
    assert secret not in text


def test_verbose_tui_commands_need_a_log_file(terminal, capsys):
    assert main(["-v", "replay", "anything"]) == 2
    assert "--log-file" in capsys.readouterr().err


# Paths and messages ----------------------------------------------------------------------------------


def test_printed_paths_are_absolute_and_messages_name_the_installed_command(tmp_path, session_file):
    empty = launch("sessions", "--sessions-dir", "nothing-here", cwd=tmp_path)
    assert f"no sessions in {tmp_path / 'nothing-here'};" in empty.stdout
    assert "`launch-tui demo`" in empty.stdout and "make demo" not in empty.stdout
    written = launch("report", str(session_file), "--output", "decision.md", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert written.stdout.startswith(f"wrote {tmp_path / 'decision.md'}:")


# check --strict --------------------------------------------------------------------------------------


def test_strict_check_counts_an_item_left_to_a_person_for_lack_of_a_credential_as_an_error(tmp_path, sandbox):
    import json

    target = sandbox.write_target(tmp_path / "target.toml")
    credentials = Secrets(
        {name: value for name, value in sandbox.credentials.items() if name not in ("RENDER_API_KEY", "GITHUB_TOKEN")}
    )
    lenient, strict = tmp_path / "lenient.json", tmp_path / "strict.json"
    assert check_command(target, ["infra", "guardrails"], "json", lenient, secrets=credentials) == 0
    assert check_command(target, ["infra", "guardrails"], "json", strict, secrets=credentials, strict=True) == 1
    before = {r["id"]: r for r in json.loads(lenient.read_text())["results"]}
    after = {r["id"]: r for r in json.loads(strict.read_text())["results"]}
    errors = {item for item, result in after.items() if result["status"] == "error"}
    assert errors and errors == {
        item for item, result in before.items() if result["status"] == "manual" and "is not set" in result["summary"]
    }
    assert "infra.database" in errors and "guardrails.contract-gate" in errors
    # A person's items stay manual: --strict is about credentials, not about people.
    assert after["guardrails.alert-routing"]["status"] == "manual"
    assert after["infra.database"]["summary"].startswith("--strict: RENDER_API_KEY not set")


def test_strict_check_passes_with_every_credential(tmp_path, sandbox):
    target = sandbox.write_target(tmp_path / "target.toml")
    assert (
        check_command(
            target,
            ["infra", "guardrails"],
            "text",
            tmp_path / "out.txt",
            secrets=Secrets(dict(sandbox.credentials)),
            strict=True,
        )
        == 0
    )


@pytest.mark.parametrize(
    "choice, before, after",
    [
        ("never", {}, "1"),  # Textual goes monochrome
        ("auto", {"NO_COLOR": ""}, None),  # an empty NO_COLOR is no NO_COLOR (Textual would count it)
        ("auto", {"NO_COLOR": "1"}, "1"),
        ("always", {"NO_COLOR": "1"}, None),
    ],
)
def test_the_tui_is_told_what_colour_means(choice, before, after):
    from launch_tui.terminal import prepare_tui_environment

    environ = dict(before)
    prepare_tui_environment(choice, environ)
    assert environ.get("NO_COLOR") == after


def test_section_ids_for_the_help_are_the_checklists_own():
    """cli.section_ids reads items.toml with a pattern (no pydantic before any command):
    it must name exactly the sections the checklist loads, in order."""
    from launch_tui.checklist import load_checklist
    from launch_tui.cli import section_ids

    assert section_ids() == [section.id for section in load_checklist().sections]
