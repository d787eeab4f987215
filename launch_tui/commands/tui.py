"""The five commands that open the TUI: `new`, `resume`, `replay`, `demo`, and the home
screen (`launch-tui` alone, or `resume` without a SESSION).

Each stops at once, before anything is read or created, when there is no terminal. The
imports inside the functions are what one command needs and the home screen's first frame
must not wait for: Textual itself, the launch layer (pydantic, httpx), the sandbox
(uvicorn, starlette) and git sync."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from launch_tui.errors import UsageError
from launch_tui.session import resolve_session, sessions_dir
from launch_tui.terminal import has_terminal, no_terminal_message, prepare_tui_environment

if TYPE_CHECKING:
    from launch_tui.signing.sign import SigningKey
    from launch_tui.sync.opening import Shared
    from launch_tui.tui.app import LaunchApp


def home(args: argparse.Namespace) -> int:
    folder = _terminal_then_folder(args)
    return run_home(folder, None)


def new(args: argparse.Namespace) -> int:
    folder = _terminal_then_folder(args)
    shared = _connect(folder, args.operator)
    return run_new(args.target, folder, args.operator, args.signing_key, shared=shared)


def resume(args: argparse.Namespace) -> int:
    folder = _terminal_then_folder(args)
    shared = _connect(folder, args.operator)
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


def replay(args: argparse.Namespace) -> int:
    folder = _terminal_then_folder(args)
    return run_replay(resolve_session(args.session, folder))


def demo(args: argparse.Namespace) -> int:
    folder = _terminal_then_folder(args)
    return run_demo(args.scenario, folder, args.operator, args.signing_key)


def _terminal_then_folder(args: argparse.Namespace) -> Path:
    """Before anything is read or created: without a terminal the TUI would write escape
    codes into a file and wait for keys that never come (a CI step hangs)."""
    if not has_terminal():
        raise UsageError(no_terminal_message(args.command or "home"))
    prepare_tui_environment(args.color)
    return sessions_dir(args.sessions_dir)


def _connect(folder: Path, operator: str | None) -> Shared | None:
    """A shared sessions folder: fetch before a session is created or opened."""
    # Only new and resume: git sync is not on the home screen's path.
    from launch_tui.session import default_operator
    from launch_tui.sync.opening import connect_now

    return connect_now(folder, operator or default_operator())


def run_app(app: LaunchApp) -> int:
    gc.freeze()  # what exists now lives as long as the app: keep the collector off it
    # The collector, off since cli.main saw a TUI command, comes back with the first frame (LaunchApp.on_ready).
    code = app.run()
    for notice in app.farewell:  # what the quit checkpoint said (signed, or why not), once the screen is gone
        print(f"launch-tui: {notice}", file=sys.stderr)
    farewell(app)
    return code if isinstance(code, int) else 0


def farewell(app: LaunchApp) -> None:
    """After quitting, the exact command that continues: nothing to remember or look up.
    A demo's sandbox dies with the process, so a demo is pointed at replay instead."""
    # After the app has quit: nothing the first frame waits for.
    from launch_tui.launch.since import replay_command, resume_command

    launch = app.launch
    if launch is None or launch.read_only:
        return
    path = launch.session_path
    if launch.state.header.session.sandbox:
        print(
            f"launch-tui: demo saved; its sandbox is gone with it. Review it: {replay_command(path)}", file=sys.stderr
        )
    else:
        print(f"launch-tui: saved. Resume it: {resume_command(path)}", file=sys.stderr)


def signing_key(flag: str | None) -> SigningKey | None:
    from launch_tui.signing import configured_spec

    spec = configured_spec(flag)
    if spec is None:
        return None
    from launch_tui.signing.sign import SigningKey  # only with a key: the home screen starts without the signer

    return SigningKey(spec)


def run_home(folder: Path, operator: str | None, signing: str | None = None) -> int:
    # Textual, only now that a terminal is known to be there.
    from launch_tui.tui.app import LaunchApp

    return run_app(LaunchApp(home=folder, operator=operator, signing_key=signing_key(signing)))


def run_new(
    target_path: str, folder: Path, operator: str | None, signing: str | None = None, shared: Shared | None = None
) -> int:
    # What a launch needs (pydantic, httpx, Textual); the home screen's first frame does not.
    from launch_tui.launch.live import LiveLaunch
    from launch_tui.secrets import Secrets
    from launch_tui.session import LiveSession, default_operator
    from launch_tui.sync import opening
    from launch_tui.target import load_target
    from launch_tui.trust import announce
    from launch_tui.tui.app import LaunchApp

    target = load_target(target_path)  # a bad file: one line, exit 2, before any screen
    announce(target, f"target file {target_path}")  # the operator's own file: its origins are theirs
    live = LiveSession.create(target, operator or default_operator(), folder)
    print(f"launch-tui: session {live.path}", file=sys.stderr)
    launch = LiveLaunch(live, Secrets.from_env(), signing_key=signing_key(signing))
    if shared is not None:
        try:
            opening.claim_now(shared, live.path.stem)
        except BaseException:
            live.close()
            raise
        opening.attach(shared, launch)
    return run_app(LaunchApp(launch))


def run_resume(
    path: Path,
    operator: str | None,
    *,
    drop_cut_short: bool,
    take_over: bool = False,
    shared: Shared | None = None,
    signing: str | None = None,
) -> int:
    # What a launch needs (pydantic, httpx, Textual); the home screen's first frame does not.
    from launch_tui.launch.live import LiveLaunch
    from launch_tui.secrets import Secrets
    from launch_tui.session import CutShort, LiveSession, default_operator
    from launch_tui.sync import opening
    from launch_tui.tui.app import LaunchApp

    operator = operator or default_operator()
    taken_over = None
    if shared is not None:  # the remote's claim first: not one event is written before it holds
        taken_over = opening.claim_now(shared, path.stem, take_over=take_over)
    try:
        try:
            live = LiveSession.resume(path, operator, drop_cut_short=drop_cut_short)
        except CutShort as cut:
            if not _ask(f"launch-tui: {cut}.\nDrop only that event and continue? [y/N] "):
                raise
            live = LiveSession.resume(path, operator, drop_cut_short=True)
    except BaseException:
        if shared is not None:
            opening.release_now(shared, path.stem)
        raise
    launch = LiveLaunch(live, Secrets.from_env(), signing_key=signing_key(signing))
    if shared is not None:
        opening.attach(shared, launch, taken_over)
    return run_app(LaunchApp(launch))


def _ask(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False


def run_demo(scenarios: str, folder: Path, operator: str | None, signing: str | None = None) -> int:
    """The sandbox in this process on a free loopback port, a session against it, the
    wizard. The sandbox's credentials stay in memory: nothing to export, nothing written."""
    # The sandbox (uvicorn, starlette) and a launch: only the demo pays for them.
    from launch_tui.launch.live import LiveLaunch
    from launch_tui.sandbox import SandboxServer, parse_scenarios
    from launch_tui.secrets import Secrets
    from launch_tui.session import LiveSession, default_operator
    from launch_tui.target import target_from_dict
    from launch_tui.tui.app import LaunchApp

    names = parse_scenarios(scenarios)
    with SandboxServer(names) as sandbox:
        # Each demo sandbox starts empty, so a fixed slug never collides; the session
        # file's name carries the time.
        target = target_from_dict(
            sandbox.target_dict(customer_name="Acme Freight (demo)", tenant_slug="acme-freight-demo"), "sandbox target"
        )
        # The sandbox runs in this process: its loopback origins are its own, nothing to trust.
        live = LiveSession.create(target, operator or default_operator(), folder, trust_source=None, sandbox=True)
        launch = LiveLaunch(live, Secrets(sandbox.credentials), signing_key=signing_key(signing))
        launch.untrusted = []
        print(
            f"launch-tui demo: sandbox at {sandbox.base_url} ({', '.join(names)}); session {live.path}", file=sys.stderr
        )
        return run_app(LaunchApp(launch, mode="DEMO"))


def run_replay(path: Path) -> int:
    """Read-only review: no lock, no writes, no network."""
    from launch_tui.session import prefetch

    # Before Textual and the models load: a second core parses the events meanwhile.
    early = prefetch.start(path)
    # A replay's models and Textual: not on the home screen's path.
    from launch_tui.launch.replay import ReplayLaunch
    from launch_tui.session.replay import Replay
    from launch_tui.tui.app import LaunchApp

    # Unreadable: one line, exit 2. The chain is verified after the first frame.
    replay = ReplayLaunch(Replay.unverified(path, early))
    return run_app(LaunchApp(replay, mode="REPLAY · read-only"))
