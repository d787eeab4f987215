"""`launch-tui sessions`: what is in the sessions folder, at a glance (the rows are
launch_tui.session.listing's, which the home screen shows too)."""

from __future__ import annotations

import argparse
from pathlib import Path

from launch_tui.safe_text import visible
from launch_tui.session import sessions_dir
from launch_tui.session.listing import list_rows, render_rows


def run(folder: Path) -> int:
    rows = list_rows(folder)
    if not rows:
        print(f"no sessions in {folder}; start one with `launch-tui new --target FILE` or try `launch-tui demo`")
        return 0
    print(visible(render_rows(rows), keep_newlines=True))  # operator names come from files: no escapes
    return 0


def main(args: argparse.Namespace) -> int:
    return run(sessions_dir(args.sessions_dir))
