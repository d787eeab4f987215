"""The `launch-tui` command: its parser, and the call of the chosen command's entry
point in launch_tui/commands/. A command's module is imported only when it runs, so that
`check --help`, `verify` and friends start fast and only the TUI commands load Textual.

A subcommand is `add_command(commands, NAME, Entry(MODULE))`, a `main(args)` in
launch_tui/commands/MODULE.py, and its entry in launch_tui/cli_help.py (description,
exit codes, environment, example), which every `--help` shows."""

from __future__ import annotations

import argparse
import gc
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from launch_tui import __version__
from launch_tui.errors import LaunchError
from launch_tui.terminal import COLOR_CHOICES

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


def sessions_options() -> argparse.ArgumentParser:
    """`--sessions-dir`, for every command that reads or writes sessions."""
    options = argparse.ArgumentParser(add_help=False)
    path_argument(options, "--sessions-dir", hint=DIR, help="the sessions folder (default ./sessions)")
    return options


@dataclass(frozen=True)
class Entry:
    """A command's entry point, `launch_tui.commands.<module>.<function>(args)`, imported
    when the command runs: building the parser (every `--help`) loads none of them."""

    module: str
    function: str = "main"
    tui: bool = False  # opens the TUI: it owns the screen, so logs go to --log-file only

    def load(self) -> Callable[[argparse.Namespace], int]:
        # __import__ rather than importlib.import_module: `python -X importtime` sees only the former.
        module = __import__(f"launch_tui.commands.{self.module}", fromlist=[self.function])
        run: Callable[[argparse.Namespace], int] = getattr(module, self.function)
        return run


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    entry: Entry,
    *parents: argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    """A subcommand with its description, exit codes, environment and example from cli_help.
    (One without an entry there still works; tests/test_cli_conventions.py asks for it.)"""
    from launch_tui.cli_help import HELP  # every command's texts (~1 ms): not for `launch-tui` alone, the home screen

    text = HELP.get(name)
    shared = [common_options(top=False), *parents]
    parser: argparse.ArgumentParser
    if text is None:
        parser = commands.add_parser(name, parents=shared)
    else:
        parser = commands.add_parser(
            name,
            help=text.summary,
            description=textwrap.fill(text.description, 88),
            epilog=text.epilog(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=shared,
        )
    parser.set_defaults(run=entry)
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


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; `commands=False`: only what `launch-tui` with no argument
    parses (the home screen, whose first frame waits for this: the subcommands are 5-8 ms)."""
    parser = argparse.ArgumentParser(
        prog="launch-tui",
        description="Walk a customer's assisted public launch, section by section, with live checks. "
        "Without a command: the home screen (new, resume, replay).",
        epilog="`launch-tui COMMAND --help` describes each command: its exit codes, environment and an example.",
        parents=[common_options(top=True)],
    )
    parser.add_argument("--version", action="version", version=f"launch-tui {__version__}")
    parser.set_defaults(run=Entry("tui", "home", tui=True), sessions_dir=None)  # no command: the home screen
    if not commands:
        parser.set_defaults(command=None)  # what the subcommands' action sets when none is given
        return parser
    add_commands(parser.add_subparsers(dest="command", metavar="COMMAND"))
    return parser


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sessions = sessions_options()

    new = add_command(commands, "new", Entry("tui", "new", tui=True), sessions)
    path_argument(new, "--target", required=True, help="target TOML file")
    new.add_argument("--operator", metavar="NAME", help="who runs the launch (default: your login name)")

    resume = add_command(commands, "resume", Entry("tui", "resume", tui=True), sessions)
    resume.add_argument("session", nargs="?", metavar="SESSION", help="session path or id (none: pick one)")
    resume.add_argument("--operator", metavar="NAME", help="who continues the launch")
    resume.add_argument(
        "--drop-cut-short", action="store_true", help="drop a last event that a crash cut short (asked otherwise)"
    )
    resume.add_argument(
        "--take-over",
        action="store_true",
        help="take over the session's claim on the sessions remote from a machine that is gone (recorded as an event)",
    )

    replay = add_command(commands, "replay", Entry("tui", "replay", tui=True), sessions)
    replay.add_argument("session", metavar="SESSION", help="session path or id")

    demo = add_command(commands, "demo", Entry("tui", "demo", tui=True), sessions)
    demo.add_argument("--scenario", default="healthy", metavar="NAME[,NAME...]", help="sandbox fault scenarios")
    demo.add_argument("--operator", metavar="NAME", help="who runs the demo")

    sandbox = add_command(commands, "sandbox", Entry("sandbox"))
    sandbox.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    sandbox.add_argument("--scenario", default="healthy", metavar="NAME[,NAME...]", help="fault scenarios")
    sandbox.add_argument("--latency-ms", type=int, default=0, metavar="N", help="added to every response")

    check = add_command(commands, "check", Entry("check"), sessions)
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
    check.add_argument(
        "--trust-session-origins",
        action="store_true",
        help="SESSION only: trust the origins its header names for their credentials (refused otherwise)",
    )

    report = add_command(commands, "report", Entry("report"), sessions)
    report.add_argument("session", metavar="SESSION")
    report.add_argument("--format", choices=["md", "json"], default="md")
    path_argument(report, "--output", help="write here instead of stdout (created 0600)")
    report.add_argument("--force", action="store_true", help="replace FILE if it exists (refused otherwise)")

    verify = add_command(commands, "verify", Entry("verify"), sessions)
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

    sign = add_command(commands, "sign", Entry("sign"), sessions)
    sign.add_argument("session", metavar="SESSION")
    sign.add_argument(
        "--operator", metavar="NAME", help="who signs: the principal in allowed_signers (default: login name)"
    )
    _signing_key_flag(sign)

    for signing in (new, resume, demo):
        _signing_key_flag(signing)

    add_command(commands, "sessions", Entry("sessions"), sessions)

    completion = add_command(commands, "completion", Entry("completion"))
    completion.add_argument("shell", choices=["bash", "zsh"])


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
    with a pattern, not through the checklist package, whose import loads pydantic (every
    command builds this parser, the home screen included: 20-35 ms before its first frame).
    tests/test_cli_conventions.py holds it to the checklist's own sections."""
    raw = (Path(__file__).parent / "checklist" / "items.toml").read_text(encoding="utf-8")
    return SECTION_ID.findall(raw)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(commands=bool(argv)).parse_args(argv)
    entry: Entry = args.run
    try:
        from launch_tui import logs  # after parsing: `--help` and a usage error need no logging

        verbosity = args.verbose + getattr(args, "more_verbose", 0)
        logs.configure(verbosity, args.log_file, tui=entry.tui)
        if entry.tui:
            # Until the first frame (run_app freezes what start-up built, LaunchApp.on_ready turns it on):
            # importing Textual and building the first screen ran ~100 collections (15-25 ms) for ~450 objects.
            gc.disable()
        return entry.load()(args)
    except LaunchError as exc:
        print(f"launch-tui: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("launch-tui: interrupted", file=sys.stderr)
        return 130
    finally:
        gc.enable()  # a TUI command that ended before run_app (no terminal, a refusal) leaves it as it was


if __name__ == "__main__":
    raise SystemExit(main())
