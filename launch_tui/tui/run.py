"""Entry points the CLI calls for the commands that open the TUI."""

from __future__ import annotations

import sys
from pathlib import Path

from launch_tui.secrets import Secrets
from launch_tui.session import CutShort, LiveSession, default_operator
from launch_tui.target import load_target
from launch_tui.tui.app import LaunchApp
from launch_tui.wizard.wizard import Wizard


def run_app(app: LaunchApp) -> int:
    code = app.run()
    return code if isinstance(code, int) else 0


def run_home(folder: Path, operator: str | None) -> int:
    return run_app(LaunchApp(home=folder, operator=operator))


def run_new(target_path: str, folder: Path, operator: str | None) -> int:
    target = load_target(target_path)  # a bad file: one line, exit 2, before any screen
    live = LiveSession.create(target, operator or default_operator(), folder)
    print(f"launch-tui: session {live.path}", file=sys.stderr)
    return run_app(LaunchApp(Wizard(live, Secrets.from_env())))


def run_resume(path: Path, operator: str | None, *, drop_cut_short: bool) -> int:
    operator = operator or default_operator()
    try:
        live = LiveSession.resume(path, operator, drop_cut_short=drop_cut_short)
    except CutShort as cut:
        if not _ask(f"launch-tui: {cut}.\nDrop only that event and continue? [y/N] "):
            raise
        live = LiveSession.resume(path, operator, drop_cut_short=True)
    return run_app(LaunchApp(Wizard(live, Secrets.from_env())))


def _ask(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False
