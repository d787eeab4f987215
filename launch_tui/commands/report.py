"""`launch-tui report SESSION [--format md|json] [--output FILE] [--force]`: the launch
decision record. Read-only and lock-free, so it works while someone has the session
open; it writes nothing to the session (the TUI records `report.exported` itself).

Exit 0 whenever a record was written, even for an ALTERED session: the record says so
at the top. 2 when the session cannot be read or FILE cannot be written.

--output FILE is created 0600 (folders it creates 0700). An existing FILE is refused
unless --force: a record someone may have signed off is not replaced by accident;
with --force it is replaced whole, never left half-written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from launch_tui.errors import UsageError
from launch_tui.files import write_private
from launch_tui.report.decision import DecisionRecord, build_record
from launch_tui.report.decision_json import render_json
from launch_tui.report.decision_markdown import render_markdown
from launch_tui.session import open_read_only, resolve_session, sessions_dir

RENDERERS = {"md": render_markdown, "json": render_json}


def render(record: DecisionRecord, fmt: str) -> str:
    try:
        return RENDERERS[fmt](record)
    except KeyError:
        raise UsageError(f"--format {fmt!r} is not one of: {', '.join(RENDERERS)}") from None


def run(path: Path, fmt: str = "md", output: str | Path | None = None, *, force: bool = False) -> int:
    record = build_record(open_read_only(path))  # unreadable: SessionUnreadable, exit 2
    text = render(record, fmt)
    if output is None:
        sys.stdout.write(text)
        return 0
    written = Path(output).absolute()
    write_private(written, text, replace=force)
    print(f"wrote {written}: {record.integrity.status}, launch complete: {'yes' if record.launch_complete else 'no'}")
    return 0


def main(args: argparse.Namespace) -> int:
    path = resolve_session(args.session, sessions_dir(args.sessions_dir))
    return run(path, args.format, args.output, force=args.force)
