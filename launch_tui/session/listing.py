"""A sessions folder at a glance, one row a session: what `launch-tui sessions` prints
and the home screen lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from launch_tui.errors import LaunchError
from launch_tui.labels import environment_column
from launch_tui.session.live import open_read_only
from launch_tui.session.locate import session_files
from launch_tui.timefmt import parse_iso, utcnow

ABANDONED_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class SessionRow:
    path: Path
    id: str
    customer: str = ""
    environment: str = ""
    progress: str = ""
    state: str = ""
    updated: str = ""
    operator: str = ""
    warnings: tuple[str, ...] = ()
    error: str = ""


def summarise(path: Path, now: datetime | None = None) -> SessionRow:
    now = now or utcnow()
    try:
        opened = open_read_only(path)
    except LaunchError as exc:
        return SessionRow(path, path.stem, error=str(exc))
    state, header = opened.state, opened.file.header
    done, total = state.progress
    lifecycle = state.lifecycle
    if lifecycle != "complete" and state.last_at and now - parse_iso(state.last_at) > ABANDONED_AFTER:
        lifecycle = "abandoned"
    warnings = []
    stale = [item.id for item in state.checklist.items if state.items[item.id].is_stale(item, now)]
    if stale:
        warnings.append(f"{len(stale)} stale result{'s' if len(stale) > 1 else ''}")
    if not opened.verdict.intact:
        warnings.append("ALTERED")
    if opened.file.tail:
        warnings.append("last event cut short")
    if state.intents:
        warnings.append("unfinished action")
    return SessionRow(
        path=path,
        id=header.session.id,
        customer=header.target.customer.name,
        environment=environment_column(header),
        progress=f"{done}/{total}",
        state=lifecycle,
        updated=state.last_at or header.session.created_at,
        operator=", ".join(state.operators),
        warnings=tuple(warnings),
    )


def list_rows(folder: Path) -> list[SessionRow]:
    rows = [summarise(path) for path in session_files(folder)]
    return sorted(rows, key=lambda row: row.updated, reverse=True)


def render_rows(rows: list[SessionRow]) -> str:
    headings = ("SESSION", "CUSTOMER", "ENV", "PROGRESS", "STATE", "UPDATED", "OPERATOR", "WARNINGS")
    table = [headings]
    for row in rows:
        if row.error:
            table.append((row.id, "-", "-", "-", "unreadable", "-", "-", row.error))
            continue
        table.append(
            (
                row.id,
                row.customer,
                row.environment,
                row.progress,
                row.state,
                row.updated,
                row.operator,
                "; ".join(row.warnings),
            )
        )
    widths = [max(len(line[column]) for line in table) for column in range(len(headings) - 1)]
    lines = []
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)] + [line[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
