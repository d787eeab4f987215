"""The `launch-tui` command. Imports Textual only for the commands that open the TUI,
so that `check`, `verify` and friends start fast."""

from __future__ import annotations

import argparse
import sys

from launch_tui import __version__
from launch_tui.errors import LaunchError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="launch-tui",
        description="Walk a customer's assisted public launch, section by section, with live checks.",
    )
    parser.add_argument("--version", action="version", version=f"launch-tui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    new = commands.add_parser("new", help="start a session from a target file")
    new.add_argument("--target", required=True, metavar="FILE", help="target TOML file")
    new.add_argument("--sessions-dir", metavar="DIR", help="where session files go (default ./sessions)")
    new.add_argument("--operator", metavar="NAME", help="who runs the launch (default: your login name)")

    resume = commands.add_parser("resume", help="continue a session")
    resume.add_argument("session", nargs="?", metavar="SESSION", help="session path or id (none: pick one)")
    resume.add_argument("--sessions-dir", metavar="DIR", help="where to look for sessions")
    resume.add_argument("--operator", metavar="NAME", help="who continues the launch")
    resume.add_argument(
        "--drop-cut-short", action="store_true", help="drop a last event that a crash cut short (asked otherwise)"
    )

    replay = commands.add_parser("replay", help="review a session read-only: no writes, no network")
    replay.add_argument("session", metavar="SESSION", help="session path or id")
    replay.add_argument("--sessions-dir", metavar="DIR", help="where to look for sessions")

    demo = commands.add_parser("demo", help="start the sandbox and a session against it")
    demo.add_argument("--scenario", default="healthy", metavar="NAME[,NAME...]", help="sandbox fault scenarios")
    demo.add_argument("--sessions-dir", metavar="DIR", help="where the demo session goes")
    demo.add_argument("--operator", metavar="NAME", help="who runs the demo")

    sandbox = commands.add_parser("sandbox", help="serve the sandbox platform and its Render and GitHub look-alikes")
    sandbox.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    sandbox.add_argument("--scenario", default="healthy", metavar="NAME[,NAME...]", help="fault scenarios")
    sandbox.add_argument("--latency-ms", type=int, default=0, metavar="N", help="added to every response")

    check = commands.add_parser("check", help="run the read-only automated checks headless")
    source = check.add_mutually_exclusive_group(required=True)
    source.add_argument("--target", metavar="FILE", help="target TOML file")
    source.add_argument("session", nargs="?", metavar="SESSION", help="a session path or id")
    check.add_argument("--section", action="append", metavar="ID", help="only this section (repeatable)")
    check.add_argument("--format", choices=["text", "json", "junit"], default="text")
    check.add_argument("--output", metavar="FILE", help="write the report here instead of stdout")
    check.add_argument("--sessions-dir", metavar="DIR", help="where to look for sessions")
    check.add_argument(
        "--trust-session-origins", action="store_true",
        help="SESSION only: trust the origins its header names for their credentials (refused otherwise)",
    )

    report = commands.add_parser("report", help="the launch decision record")
    report.add_argument("session", metavar="SESSION")
    report.add_argument("--format", choices=["md", "json"], default="md")
    report.add_argument("--output", metavar="FILE", help="write here instead of stdout (created 0600)")
    report.add_argument("--force", action="store_true", help="replace FILE if it exists (refused otherwise)")
    report.add_argument("--sessions-dir", metavar="DIR", help="where to look for sessions")

    verify = commands.add_parser("verify", help="check a session's integrity (hash chain)")
    verify.add_argument("session", metavar="SESSION")
    verify.add_argument(
        "--last-hash",
        metavar="HASH",
        help="the last hash from an exported report: also catch events deleted from the end since",
    )
    verify.add_argument(
        "--allowed-signers",
        metavar="FILE",
        help="OpenSSH allowed_signers: also require every signature to be good and allowed",
    )
    verify.add_argument(
        "--revoked-keys", metavar="FILE", help="public keys, one a line, that no longer sign (ssh-keygen -Y verify -r)"
    )
    verify.add_argument("--sessions-dir", metavar="DIR", help="where to look for sessions")

    sign = commands.add_parser("sign", help="sign the session's chain head now with your SSH key")
    sign.add_argument("session", metavar="SESSION")
    sign.add_argument(
        "--operator", metavar="NAME", help="who signs: the principal in allowed_signers (default: login name)"
    )
    _signing_key_flag(sign)
    sign.add_argument("--sessions-dir", metavar="DIR", help="where to look for sessions")

    for signing in (new, resume, demo):
        _signing_key_flag(signing)

    sessions = commands.add_parser("sessions", help="list sessions")
    sessions.add_argument("--sessions-dir", metavar="DIR", help="folder to list (default ./sessions)")
    return parser


def _signing_key_flag(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--signing-key",
        metavar="KEY",
        help="SSH key to sign with: a key file, or a public key held by ssh-agent (default: $LAUNCH_SIGNING_KEY)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "home"
    try:
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

    folder = sessions_dir(getattr(args, "sessions_dir", None))
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
    if command == "new":
        from launch_tui.tui.run import run_new

        return run_new(args.target, folder, args.operator, args.signing_key)
    if command == "resume":
        from launch_tui.tui.run import run_home, run_resume

        if not args.session:
            return run_home(folder, args.operator, args.signing_key)
        return run_resume(
            resolve_session(args.session, folder), args.operator, drop_cut_short=args.drop_cut_short,
            signing=args.signing_key,
        )
    raise LaunchError(f"the {command!r} command is not built yet")


def _check(args: argparse.Namespace, folder) -> int:
    from launch_tui.engine.context import Facts
    from launch_tui.engine.headless import check_command

    if args.target:
        return check_command(args.target, args.section, args.format, args.output, trust_target=True)
    from launch_tui.session import open_read_only, resolve_session
    from launch_tui.trust import admit_session

    opened = open_read_only(resolve_session(args.session, folder))  # read-only: no lock, no writes
    admit_session(opened, trust_origins=args.trust_session_origins)  # before any request: exit 2 if not
    facts = Facts.from_dict(opened.state.facts)
    return check_command(opened.file.header.target, args.section, args.format, args.output, facts)


if __name__ == "__main__":
    raise SystemExit(main())
