"""The `launch-tui` command. Imports Textual only for the commands that open the TUI,
so that `check`, `verify` and friends start fast.

A subcommand is `add_command(commands, NAME)` plus its entry in launch_tui/cli_help.py
(description, exit codes, environment, example), which every `--help` shows."""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from pathlib import Path

from launch_tui import __version__
from launch_tui.cli_help import HELP
from launch_tui.errors import LaunchError, UsageError
from launch_tui.terminal import COLOR_CHOICES, has_terminal, no_terminal_message

TUI_COMMANDS = ("new", "resume", "replay", "demo", "home")
# Completion hints (shtab's own values, spelled here so parsing never imports shtab).
FILE = {"bash": "_shtab_compgen_files", "zsh": "_files"}
DIR = {"bash": "_shtab_compgen_dirs", "zsh": "_files -/"}


def common_options(*, top: bool) -> argparse.ArgumentParser:
    """Options every command takes, before or after its name. On subcommands their default
    is SUPPRESS, so that `launch-tui -v check` is not undone by check's own default."""
    options = argparse.ArgumentParser(add_help=False)
    default = (lambda value: value) if top else (lambda value: argparse.SUPPRESS)
    options.add_argument(
        "--color",
        choices=COLOR_CHOICES,
        default=default("auto"),
        help="colour in headless output: auto (a terminal, see NO_COLOR/FORCE_COLOR), always, never",
    )
    options.add_argument(
        "--no-color",
        dest="color",
        action="store_const",
        const="never",
        default=default("auto"),
        help="the same as --color never",
    )
    # A subcommand parses into a fresh namespace, so its -v count is kept apart and added.
    options.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=default(0),
        dest="verbose" if top else "more_verbose",
        help="log more (-v info, -vv debug), to stderr or --log-file; secrets are redacted",
    )
    path_argument(
        options,
        "--log-file",
        default=default(None),
        help="append the log here (created 0600); needed for -v with the TUI commands",
    )
    return options


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> argparse.ArgumentParser:
    """A subcommand with its description, exit codes, environment and example from cli_help.
    (One without an entry there still works; tests/test_cli_conventions.py asks for it.)"""
    text = HELP.get(name)
    if text is None:
        bare: argparse.ArgumentParser = commands.add_parser(name, parents=[common_options(top=False)])
        return bare
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=text.summary,
        description=textwrap.fill(text.description, 88),
        epilog=text.epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common_options(top=False)],
    )
    return parser


def path_argument(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    *flags: str,
    hint: dict[str, str] = FILE,
    **options: object,
) -> argparse.Action:
    """An option naming a file (or, with hint=DIR, a folder): the shells complete paths for it."""
    options.setdefault("metavar", "DIR" if hint is DIR else "FILE")
    action = parser.add_argument(*flags, **options)  # type: ignore[arg-type]
    action.complete = hint  # type: ignore[attr-defined]  # read by shtab
    return action


def sessions_dir_option(parser: argparse.ArgumentParser, help: str = "where to look for sessions") -> None:
    path_argument(parser, "--sessions-dir", hint=DIR, help=help)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="launch-tui",
        description="Walk a customer's assisted public launch, section by section, with live checks. "
        "Without a command: the home screen (new, resume, replay).",
        epilog="`launch-tui COMMAND --help` describes each command: its exit codes, environment and an example.",
        parents=[common_options(top=True)],
    )
    parser.add_argument("--version", action="version", version=f"launch-tui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    new = add_command(commands, "new")
    path_argument(new, "--target", required=True, help="target TOML file")
    sessions_dir_option(new, "where session files go (default ./sessions)")
    new.add_argument("--operator", metavar="NAME", help="who runs the launch (default: your login name)")

    resume = add_command(commands, "resume")
    resume.add_argument("session", nargs="?", metavar="SESSION", help="session path or id (none: pick one)")
    sessions_dir_option(resume)
    resume.add_argument("--operator", metavar="NAME", help="who continues the launch")
    resume.add_argument(
        "--drop-cut-short", action="store_true", help="drop a last event that a crash cut short (asked otherwise)"
    )
    resume.add_argument(
        "--take-over",
        action="store_true",
        help="take over the session's claim on the sessions remote from a machine that is gone (recorded as an event)",
    )

    replay = add_command(commands, "replay")
    replay.add_argument("session", metavar="SESSION", help="session path or id")
    sessions_dir_option(replay)

    demo = add_command(commands, "demo")
    demo.add_argument("--scenario", default="healthy", metavar="NAME[,NAME...]", help="sandbox fault scenarios")
    sessions_dir_option(demo, "where the demo session goes")
    demo.add_argument("--operator", metavar="NAME", help="who runs the demo")

    sandbox = add_command(commands, "sandbox")
    sandbox.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    sandbox.add_argument("--scenario", default="healthy", metavar="NAME[,NAME...]", help="fault scenarios")
    sandbox.add_argument("--latency-ms", type=int, default=0, metavar="N", help="added to every response")

    check = add_command(commands, "check")
    source = check.add_mutually_exclusive_group(required=True)
    path_argument(source, "--target", help="target TOML file")
    source.add_argument("session", nargs="?", metavar="SESSION", help="a session path or id")
    check.add_argument(
        "--section",
        action="append",
        metavar="ID",
        choices=section_ids(),
        help=f"only this section (repeatable): {', '.join(section_ids())}",
    )
    check.add_argument("--format", choices=["text", "json", "junit"], default="text")
    path_argument(check, "--output", help="write the report here instead of stdout")
    check.add_argument(
        "--strict",
        action="store_true",
        help="an item left to a person because a credential is not set is an error (exit 1)",
    )
    sessions_dir_option(check)
    check.add_argument(
        "--trust-session-origins",
        action="store_true",
        help="SESSION only: trust the origins its header names for their credentials (refused otherwise)",
    )

    report = add_command(commands, "report")
    report.add_argument("session", metavar="SESSION")
    report.add_argument("--format", choices=["md", "json"], default="md")
    path_argument(report, "--output", help="write here instead of stdout (created 0600)")
    report.add_argument("--force", action="store_true", help="replace FILE if it exists (refused otherwise)")
    sessions_dir_option(report)

    verify = add_command(commands, "verify")
    verify.add_argument("session", metavar="SESSION")
    verify.add_argument(
        "--last-hash",
        metavar="HASH",
        help="the last hash from an exported report: also catch events deleted from the end since",
    )
    path_argument(
        verify, "--allowed-signers", help="OpenSSH allowed_signers: also require every signature to be good and allowed"
    )
    path_argument(
        verify, "--revoked-keys", help="public keys, one a line, that no longer sign (ssh-keygen -Y verify -r)"
    )
    sessions_dir_option(verify)

    sign = add_command(commands, "sign")
    sign.add_argument("session", metavar="SESSION")
    sign.add_argument(
        "--operator", metavar="NAME", help="who signs: the principal in allowed_signers (default: login name)"
    )
    _signing_key_flag(sign)
    sessions_dir_option(sign)

    for signing in (new, resume, demo):
        _signing_key_flag(signing)

    sessions = add_command(commands, "sessions")
    sessions_dir_option(sessions, "folder to list (default ./sessions)")

    completion = add_command(commands, "completion")
    completion.add_argument("shell", choices=["bash", "zsh"])
    return parser


def _signing_key_flag(command: argparse.ArgumentParser) -> None:
    path_argument(
        command,
        "--signing-key",
        metavar="KEY",
        help="SSH key to sign with: a key file, or a public key held by ssh-agent (default: $LAUNCH_SIGNING_KEY)",
    )


SECTION_ID = re.compile(r'^\[\[sections\]\]\s*\nid = "([^"]+)"', re.MULTILINE)


def section_ids() -> list[str]:
    """The checklist's section ids, for --section's help: read from the packaged items.toml
    with a pattern, not tomllib and the checklist package (pydantic): every command builds
    this parser, the home screen included, and that cost 20-35 ms before its first frame.
    (tests/test_cli_conventions.py holds it to the checklist's own sections.)"""
    raw = (Path(__file__).parent / "checklist" / "items.toml").read_text(encoding="utf-8")
    return SECTION_ID.findall(raw)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "home"
    try:
        from launch_tui import logs

        verbosity = args.verbose + getattr(args, "more_verbose", 0)
        logs.configure(verbosity, args.log_file, tui=command in TUI_COMMANDS)
        return dispatch(command, args)
    except LaunchError as exc:
        print(f"launch-tui: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("launch-tui: interrupted", file=sys.stderr)
        return 130


def dispatch(command: str, args: argparse.Namespace) -> int:
    # Imports stay inside each branch: `check`, `report` and `verify` must not pay for Textual.
    from launch_tui.session import resolve_session, sessions_dir

    if command in TUI_COMMANDS:
        _tui_preflight(command, args)
    folder = sessions_dir(getattr(args, "sessions_dir", None))
    if command == "completion":
        return _completion(args.shell)
    if command == "sessions":
        from launch_tui.commands import listing

        return listing.run(folder)
    if command == "report":
        from launch_tui.commands import report

        return report.run(resolve_session(args.session, folder), args.format, args.output, force=args.force)
    if command == "verify":
        from launch_tui.commands import verify

        session = resolve_session(args.session, folder)
        return verify.run(session, args.last_hash, args.allowed_signers, args.revoked_keys)
    if command == "sign":
        from launch_tui.commands import sign

        return sign.run(resolve_session(args.session, folder), args.operator, args.signing_key)
    if command == "check":
        return _check(args, folder)
    if command == "sandbox":
        from launch_tui.sandbox import run_cli

        return run_cli(args.host, args.port, args.scenario, args.latency_ms)
    if command == "demo":
        from launch_tui.tui.run import run_demo

        return run_demo(args.scenario, folder, args.operator, args.signing_key)
    if command == "replay":
        from launch_tui.tui.run import run_replay

        return run_replay(resolve_session(args.session, folder))
    if command == "home":
        from launch_tui.tui.run import run_home

        return run_home(folder, None)
    if command in ("new", "resume"):
        from launch_tui.session import default_operator
        from launch_tui.sync.opening import connect_now

        shared = connect_now(folder, args.operator or default_operator())  # a shared folder: fetch first
    if command == "new":
        from launch_tui.tui.run import run_new

        return run_new(args.target, folder, args.operator, args.signing_key, shared=shared)
    if command == "resume":
        from launch_tui.tui.run import run_home, run_resume

        if not args.session:
            return run_home(folder, args.operator, args.signing_key)
        return run_resume(
            resolve_session(args.session, folder),
            args.operator,
            drop_cut_short=args.drop_cut_short,
            take_over=args.take_over,
            shared=shared,
            signing=args.signing_key,
        )
    raise LaunchError(f"the {command!r} command is not built yet")


def _tui_preflight(command: str, args: argparse.Namespace) -> None:
    """Before anything is read or created: without a terminal the TUI would write escape
    codes into a file and wait for keys that never come (a CI step hangs)."""
    if not has_terminal():
        raise UsageError(no_terminal_message(command))
    from launch_tui.terminal import prepare_tui_environment

    prepare_tui_environment(args.color)


def _check(args: argparse.Namespace, folder: Path) -> int:
    from launch_tui.engine.context import Facts
    from launch_tui.engine.headless import check_command
    from launch_tui.terminal import color_wanted

    color = args.format == "text" and not args.output and color_wanted(args.color, sys.stdout)
    if args.target:
        return check_command(
            args.target, args.section, args.format, args.output, color=color, strict=args.strict, trust_target=True
        )
    from launch_tui.session import open_read_only, resolve_session
    from launch_tui.trust import admit_session

    opened = open_read_only(resolve_session(args.session, folder))  # read-only: no lock, no writes
    admit_session(opened, trust_origins=args.trust_session_origins)  # before any request: exit 2 if not
    facts = Facts.from_dict(opened.state.facts)
    return check_command(
        opened.file.header.target, args.section, args.format, args.output, facts, color=color, strict=args.strict
    )


def _completion(shell: str) -> int:
    import shtab

    sys.stdout.write(shtab.complete(build_parser(), shell=shell))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
