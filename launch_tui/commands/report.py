"""`launch-tui report SESSION [--format md|json] [--output FILE] [--force]`: the launch
decision record. Read-only and lock-free, so it works while someone has the session
open; it writes nothing to the session (the TUI records `report.exported` itself).

Exit 0 whenever a record was written, even for an ALTERED session: the record says so
at the top. 2 when the session cannot be read or FILE cannot be written.

--output FILE is created 0600 (folders it creates 0700). An existing FILE is refused
unless --force: a record someone may have signed off is not replaced by accident;
with --force it is replaced whole, never left half-written."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from launch_tui.errors import UsageError
from launch_tui.report.decision import DecisionRecord, build_record
from launch_tui.report.decision_json import render_json
from launch_tui.report.decision_markdown import render_markdown
from launch_tui.session import open_read_only
from launch_tui.session.store import ensure_private_dir, write_all

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
    write_private(Path(output), text, replace=force)
    print(f"wrote {output}: {record.integrity.status}, launch complete: {'yes' if record.launch_complete else 'no'}")
    return 0


def write_private(path: Path, text: str, *, replace: bool) -> None:
    data = text.encode("utf-8")
    try:
        ensure_private_dir(path.parent)
        if replace:
            _replace(path, data)
        else:
            _create(path, data)
    except FileExistsError:
        raise UsageError(f"{path} exists; pass --force to replace it, or choose another file name") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder; give a file name for --output") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path} ({exc.strerror})") from None


def _create(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # refuses an existing file, atomically
    try:
        _write(fd, data)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


def _replace(path: Path, data: bytes) -> None:
    if path.is_dir():
        raise IsADirectoryError(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        _write(fd, data)
    finally:
        os.close(fd)
    try:
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _write(fd: int, data: bytes) -> None:
    write_all(fd, data)
    os.fsync(fd)
