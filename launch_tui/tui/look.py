"""How statuses and recorded text look on screen. Everything shown passes through
`safe()`: text from servers or typed by operators may hold terminal escape sequences,
and Rich markup is never parsed from it (we build Text objects, not markup strings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.text import Text

from launch_tui.results import ItemStatus
from launch_tui.safe_text import shown as safe

if TYPE_CHECKING:
    from launch_tui.session.replay import Replay
    from launch_tui.signing.check import SignatureCheck

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


def replay_banner(replay: Replay, signatures: Mapping[int, SignatureCheck]) -> Text:
    """A review's banner: the "as of" event, and whether the file was altered or a
    signature is bad (the chain may hold when re-sealed: the signature is what tells)."""
    banner = Text(" REPLAY · read-only ", style="bold black on yellow")
    banner.append(f" event {replay.position}/{len(replay.events)}", style="bold")
    event = replay.current_event
    if event is not None:
        banner.append(f" · {short_time(event.at)} · {safe(event.actor)} · {event.kind.value} {event.item or ''}")
        if event.status:
            banner.append(f" → {event.status.value}")
    verdict = replay.verdict
    if verdict is None:  # verified in a worker after the first frame
        banner.append(" · verifying the hash chain…", style="dim")
    elif not verdict.intact:
        banner.append(f"\n ALTERED: {safe(verdict.problem)}", style="bold white on red")
    bad = next((check for check in signatures.values() if not check.valid), None)
    if bad is not None:
        banner.append(f"\n BAD SIGNATURE at event #{bad.event}: {safe(bad.problem)}", style="bold white on red")
    banner.append("\n , . step  g G first/last  t timeline", style="dim")
    return banner
