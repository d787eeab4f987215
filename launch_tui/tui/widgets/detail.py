"""Everything about one item: the runbook's words, status, who and when, evidence, notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from launch_tui.checklist import Item, Kind
from launch_tui.session import ItemState
from launch_tui.tui.look import safe, short_time, status_text

KIND_WORDS = {
    Kind.AUTO: "checked automatically",
    Kind.ACTION: "an action on the platform (asks first)",
    Kind.MANUAL: "a person confirms",
    Kind.RECORD: "a person fills in fields",
}
HINTS = {
    Kind.AUTO: "r run · n note · w waive · u undo",
    Kind.ACTION: "enter/r do it · n note · w waive · u undo",
    Kind.MANUAL: "enter/c confirm · n note · w waive · u undo",
    Kind.RECORD: "enter/e fill in · n note · u undo",
}


@dataclass(frozen=True)
class ItemView:
    """What the detail panel shows of one item, as of now."""

    item: Item
    state: ItemState
    manual_reason: str | None  # why a person confirms it here (not automated), if so
    running_for: float | None  # seconds its check or action has run, while it runs
    now: datetime
    extra: Text | None = None  # a live line: poll progress, an outdated read, a kept verdict
    hints: bool = True  # the keys that act on it (not in replay)


class ItemDetail(VerticalScroll):
    DEFAULT_CSS = """
    ItemDetail {
        height: 1fr;
    }
    """

    _shown: Text | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")

    def show(self, view: ItemView, *, layout: bool = True) -> None:
        text = render_item(view)
        if text != self._shown:  # unchanged: nothing to draw
            self._shown = text
            self.query_one("#detail-body", Static).update(text, layout=layout)


def render_item(view: ItemView) -> Text:
    item, state, running_for = view.item, view.state, view.running_for
    out = Text()
    out.append(item.id, style="bold")
    out.append(
        f" · {KIND_WORDS[item.kind] if not view.manual_reason else 'a person confirms (not automated here)'}\n",
        style="dim",
    )
    out.append(safe(item.text) + "\n")
    for detail in item.details:
        out.append(f"  - {safe(detail)}\n", style="dim")
    out.append("\n")
    out.append_text(status_text(state.status, running=running_for is not None, stale=state.is_stale(item, view.now)))
    if running_for is not None:
        out.append(f"  {running_for:.1f}s", style="blue")
    elif state.who:
        out.append(f"  by {safe(state.who)} at {short_time(state.when)}", style="dim")
        if state.rerun and state.when == state.result_at:  # the time is a re-run's, not the step's
            out.append(f" (re-run; first run {short_time(state.first_result_at)}, {state.runs} runs)", style="dim")
    if state.critical:
        out.append("  CRITICAL", style="bold white on red")
    out.append("\n")
    if state.summary:
        out.append(safe(state.summary) + "\n")
    if view.manual_reason and state.result is None:
        out.append(safe(view.manual_reason) + "\n", style="italic")
    _waiver(out, state)
    _record(out, state)
    if view.extra is not None:
        out.append("\n")
        out.append_text(view.extra)
    _evidence(out, state)
    _notes(out, state)
    if view.hints:
        out.append(f"\n{HINTS[item.kind]}", style="dim")
    return out


def _waiver(out: Text, state: ItemState) -> None:
    if state.waiver:
        waiver = state.waiver
        out.append("Waived: ", style="bold yellow")
        out.append(
            f"{safe(waiver.reason)} (owner {safe(waiver.owner)}, until {waiver.until}; by {safe(waiver.by)} at {short_time(waiver.at)})\n"
        )


def _record(out: Text, state: ItemState) -> None:
    if not state.record:
        return
    for name, value in state.record.items():
        if isinstance(value, list):
            out.append(f"{name}: {len(value)} listed\n", style="bold")
            for row in value:
                out.append(
                    f"  - {safe(row.get('what', ''))} (owner {safe(row.get('owner', ''))}, due {safe(row.get('due', ''))})\n"
                )
            if not value:
                out.append("  none known\n", style="dim")
        else:
            out.append(f"{name}: ", style="bold")
            out.append(safe(value) + "\n")


def _evidence(out: Text, state: ItemState) -> None:
    if not state.evidence:
        return
    out.append("\nEvidence\n", style="bold underline")
    for evidence in state.evidence:
        code = evidence.status_code if evidence.status_code is not None else "no answer"
        out.append(f"  {evidence.method} {safe(evidence.url)} → {code}")
        out.append(
            f" · {safe(evidence.request_id or 'no request id')} · {evidence.duration_ms} ms · {short_time(evidence.at)}\n",
            style="dim",
        )
        if evidence.excerpt:
            out.append(f"    {safe(evidence.excerpt)}\n", style="italic dim")


def _notes(out: Text, state: ItemState) -> None:
    if not state.notes:
        return
    out.append("\nNotes\n", style="bold underline")
    for note in state.notes:
        out.append(f"  {short_time(note.at)} {safe(note.by)}: ", style="dim")
        out.append(safe(note.text) + "\n")
