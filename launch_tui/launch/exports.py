"""Exporting the launch decision record from the wizard: written next to the session,
replaced on each export (the session keeps every export's time and final hash)."""

from __future__ import annotations

from pathlib import Path

from launch_tui.commands.report import render
from launch_tui.files import write_private
from launch_tui.launch.live import LiveLaunch
from launch_tui.report.decision import build_record
from launch_tui.session import EventKind, NewEvent, open_read_only


def report_path(launch: LiveLaunch) -> Path:
    return launch.live.path.with_name(launch.live.path.stem + "-report.md")


def build_report_text(session_path: Path) -> tuple[str, str]:
    """Read and render (a thread's work for a long session); returns (markdown, last hash)."""
    record = build_record(open_read_only(session_path))
    return render(record, "md"), record.integrity.last_hash or ""


def save_report(launch: LiveLaunch, text: str, last_hash: str) -> Path:
    path = report_path(launch)
    write_private(path, text, replace=True)
    launch.record(NewEvent(kind=EventKind.REPORT_EXPORTED, data={"path": str(path), "covers_hash": last_hash}))
    return path
