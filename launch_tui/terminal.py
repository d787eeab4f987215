"""What the terminal we run in allows: whether the TUI can start at all, and whether
headless output may be coloured. Light (no Textual, no httpx): every command asks.

Colour follows the conventions most tools share (the order is CPython's own, 3.13):
`--color always|never` wins; then a non-empty `NO_COLOR` (https://no-color.org) turns it
off; a non-empty `FORCE_COLOR` turns it on; `TERM=dumb` turns it off; otherwise colour
only on a terminal. An empty `NO_COLOR` or `FORCE_COLOR` counts as unset."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, MutableMapping
from typing import Literal, TextIO

ColorChoice = Literal["auto", "always", "never"]
COLOR_CHOICES: tuple[ColorChoice, ...] = ("auto", "always", "never")

# What to run instead when a TUI command finds no terminal (CI, a pipe, cron).
HEADLESS_INSTEAD = {
    "new": "`launch-tui check --target FILE` runs the automated checks headless",
    "resume": "`launch-tui check SESSION`, `launch-tui report SESSION` or `launch-tui verify SESSION` work headless",
    "replay": "`launch-tui report SESSION` or `launch-tui verify SESSION` work headless",
    "demo": "`launch-tui sandbox` and `launch-tui check --target FILE` work headless",
    "home": "`launch-tui sessions`, `check`, `report` and `verify` work headless",
}


def has_terminal(stdin: TextIO | None = None, stdout: TextIO | None = None) -> bool:
    """The TUI needs both: keys from stdin, the screen on stdout."""
    streams = (stdin or sys.stdin, stdout or sys.stdout)
    return all(stream is not None and _isatty(stream) for stream in streams)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def no_terminal_message(command: str) -> str:
    shown = "launch-tui" if command == "home" else f"launch-tui {command}"
    return f"{shown} needs a terminal (stdin and stdout); {HEADLESS_INSTEAD[command]}"


def color_wanted(
    choice: ColorChoice = "auto", stream: TextIO | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("TERM") == "dumb":
        return False
    return _isatty(stream or sys.stdout)


def prepare_tui_environment(choice: ColorChoice, environ: MutableMapping[str, str] | None = None) -> None:
    """Textual reads `NO_COLOR` itself and counts an empty one as set: say what we mean
    before it starts."""
    env: MutableMapping[str, str] = os.environ if environ is None else environ
    if choice == "never":
        env["NO_COLOR"] = "1"
    elif choice == "always" or not env.get("NO_COLOR"):
        env.pop("NO_COLOR", None)
