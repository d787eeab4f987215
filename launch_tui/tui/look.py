"""How statuses and recorded text look on screen. Everything shown passes through
`safe()`: text from servers or typed by operators may hold terminal escape sequences,
and Rich markup is never parsed from it (we build Text objects, not markup strings)."""

from __future__ import annotations

from rich.text import Text

from launch_tui.results import ItemStatus
from launch_tui.safe_text import shown as safe  # noqa: F401  (screens import it from here)

GLYPHS = {
    ItemStatus.PENDING: ("·", "pending", "dim"),
    ItemStatus.PASS: ("✔", "pass", "bold green"),
    ItemStatus.WARN: ("▲", "warn", "bold yellow"),
    ItemStatus.FAIL: ("✖", "fail", "bold red"),
    ItemStatus.ERROR: ("!", "error", "bold magenta"),
    ItemStatus.SKIP: ("–", "skip", "dim"),
    ItemStatus.MANUAL: ("☐", "manual", "cyan"),
    ItemStatus.CONFIRMED: ("☑", "confirmed", "green"),
    ItemStatus.WAIVED: ("≈", "waived", "yellow"),
}
RUNNING = ("◌", "running", "bold blue")


def status_text(status: ItemStatus | None, *, running: bool = False, stale: bool = False) -> Text:
    glyph, word, style = RUNNING if running else GLYPHS[status or ItemStatus.PENDING]
    label = Text(f"{glyph} {word}", style=style)
    if stale and not running:
        label.append(" (stale)", style="italic yellow")
    return label


def short_time(iso: str | None) -> str:
    """`2026-11-30T10:00:00Z` -> `2026-11-30 10:00Z`: enough for a person, still UTC."""
    if not iso:
        return ""
    return iso[:16].replace("T", " ") + "Z"
