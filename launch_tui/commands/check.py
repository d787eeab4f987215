"""`launch-tui check (--target FILE | SESSION)`: the read-only checks of some sections,
headless, reported as text, JSON or JUnit. Never performs an action; imports no Textual."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from launch_tui.engine.context import Facts
from launch_tui.engine.headless import run_check, section_items
from launch_tui.errors import UsageError
from launch_tui.files import write_private
from launch_tui.report.check_output import FORMATS, exit_code, render_check
from launch_tui.secrets import Secrets
from launch_tui.session import open_read_only, resolve_session, sessions_dir
from launch_tui.target import Target, load_target
from launch_tui.terminal import color_wanted
from launch_tui.trust import admit_session, announce


def check_command(
    target_path_or_target: str | Path | Target,
    sections: list[str] | None = None,
    fmt: str = "text",
    output: str | Path | None = None,
    facts: Facts | dict[str, Any] | None = None,
    *,
    secrets: Secrets | None = None,
    color: bool | None = None,
    strict: bool = False,
    trust_target: bool = False,
) -> int:
    """The whole `check` command: returns its exit code. Raises UsageError (exit 2) for a bad
    target, section, format or output path, before any request is sent."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    target = target_path_or_target if isinstance(target_path_or_target, Target) else load_target(target_path_or_target)
    section_items(sections)  # validate before touching the network
    if trust_target:  # `check --target FILE`: the operator's own file names where their credentials go
        announce(target, f"target file {target_path_or_target}")
    out_path = Path(output) if output else None
    if out_path is not None and not out_path.parent.is_dir():
        raise UsageError(f"{out_path}: its folder does not exist")
    if color is None:
        color = fmt == "text" and out_path is None and color_wanted("auto", sys.stdout)
    run = asyncio.run(run_check(target, secrets or Secrets.from_env(), sections, facts, strict=strict))
    text = render_check(run, fmt, color)  # type: ignore[arg-type]
    if out_path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_private(out_path, text, replace=True)
    return exit_code(run)


def main(args: argparse.Namespace) -> int:
    color = args.format == "text" and not args.output and color_wanted(args.color, sys.stdout)
    if args.target:
        return check_command(
            args.target, args.section, args.format, args.output, color=color, strict=args.strict, trust_target=True
        )
    opened = open_read_only(
        resolve_session(args.session, sessions_dir(args.sessions_dir))
    )  # read-only: no lock, no writes
    admit_session(opened, trust_origins=args.trust_session_origins)  # before any request: exit 2 if not
    facts = Facts.from_dict(opened.state.facts)
    return check_command(
        opened.file.header.target, args.section, args.format, args.output, facts, color=color, strict=args.strict
    )
