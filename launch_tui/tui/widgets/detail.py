"""Everything about one item: the runbook's words, status, who and when, evidence, notes."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
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


class ItemDetail(VerticalScroll):
    DEFAULT_CSS = """
    ItemDetail {
        height: 1fr;
    }
    """

    def compose(self):
        yield Static(id="detail-body")

    def show(
        self,
        item: Item,
        state: ItemState,
        *,
        manual_reason: str | None,
        running_for: float | None,
        now: datetime,
        extra: Text | None = None,
        hints: bool = True,
        layout: bool = True,
    ) -> None:
        text = render_item(
            item, state, manual_reason=manual_reason, running_for=running_for, now=now, extra=extra, hints=hints
        )
        if text != getattr(self, "_shown", None):  # unchanged: nothing to draw
            self._shown = text
            self.query_one("#detail-body", Static).update(text, layout=layout)


def render_item(
    item: Item,
    state: ItemState,
    *,
    manual_reason: str | None,
    running_for: float | None,
    now: datetime,
    extra: Text | None = None,
    hints: bool = True,
) -> Text:
    out = Text()
    out.append(item.id, style="bold")
    out.append(
        f" · {KIND_WORDS[item.kind] if not manual_reason else 'a person confirms (not automated here)'}\n", style="dim"
    )
    out.append(safe(item.text) + "\n")
    for detail in item.details:
        out.append(f"  - {safe(detail)}\n", style="dim")
    out.append("\n")
    out.append_text(status_text(state.status, running=running_for is not None, stale=state.is_stale(item, now)))
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
    if manual_reason and state.result is None:
        out.append(safe(manual_reason) + "\n", style="italic")
    _waiver(out, state)
    _record(out, state)
    if extra is not None:
        out.append("\n")
        out.append_text(extra)
    _evidence(out, state)
    _notes(out, state)
    if hints:
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
