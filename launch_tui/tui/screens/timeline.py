"""Replay's timeline: every event, filterable by section, actor and status. The
highlighted event is the replay position: every screen shows the state as of it."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Select, Static

from launch_tui.launch.view import Launch
from launch_tui.session import Event
from launch_tui.session.replay import Replay
from launch_tui.tui.look import replay_banner, safe, short_time, status_text
from launch_tui.tui.screens import TIMELINE
from launch_tui.tui.screens.base import StateScreen

if TYPE_CHECKING:
    from launch_tui.signing.check import SignatureCheck

WINDOW = 100


def event_line(event: Event, signature: SignatureCheck | None = None) -> tuple[str | Text, ...]:
    """One row. Every cell that comes from the file is a rich Text: a plain str cell is
    parsed as markup by the DataTable, so an edited file could style text or add links."""
    status = status_text(event.status) if event.status else Text("")
    what = event.summary or event.note or _data_line(event)
    if signature is not None:
        status, what = _signature_cells(signature)
    return (
        str(event.seq),
        short_time(event.at)[11:],
        Text(safe(event.actor)),
        event.kind.value,
        Text(safe(event.item or "")),
        status,
        Text(safe(what)[:200]),
    )


def _signature_cells(check: SignatureCheck) -> tuple[Text, str]:
    """A signature on the timeline: whether it matches the file, and what it covers."""
    what = f"{check.principal}: {check.range} · {check.key_type} {check.fingerprint} · {check.checkpoint}"
    if check.valid:
        return Text("🔏 signed", style="bold green"), what
    return Text("✘ bad signature", style="bold red"), f"{what} · {check.problem}"


def _data_line(event: Event) -> str:
    keys = ("section", "action", "reason", "path", "dropped_seq")
    return ", ".join(f"{key}={event.data[key]}" for key in keys if key in event.data)


class TimelineScreen(StateScreen):
    BINDINGS = [Binding("escape", "leave", "Back", show=False)]  # in the help: the footer is full at 80 columns

    def __init__(self, launch: Launch, replay: Replay) -> None:
        super().__init__(launch, TIMELINE)
        self.replay = replay  # the timeline exists only in a review
        self.shown: list[int] = []  # positions (1-based) of the rows on show
        self._placed: int | None = None  # a row the cursor was put on to follow the position, not chosen
        self._window = (0, 0)  # the slice of `shown` in the table

    def compose_main(self) -> ComposeResult:
        yield Static(id="section-title")
        with Horizontal(id="filters"):
            yield Select[str]([], prompt="section: any", id="filter-section", compact=True)
            yield Select[str]([], prompt="actor: any", id="filter-actor", compact=True)
            yield Select[str]([], prompt="status: any", id="filter-status", compact=True)
        yield DataTable[str | Text](cursor_type="row", id="timeline")

    def on_mount(self) -> None:  # (StateScreen.on_mount runs too)
        events = self.replay.events
        self.query_one("#filter-section", Select).set_options(
            [(section.short, section.id) for section in self.launch.checklist.sections]
        )
        self.query_one("#filter-actor", Select).set_options(
            [(actor, actor) for actor in dict.fromkeys(event.actor for event in events)]
        )
        statuses = dict.fromkeys(event.status.value for event in events if event.status)
        self.query_one("#filter-status", Select).set_options([(status, status) for status in statuses])
        table = self.query_one(DataTable)
        table.add_columns("#", "time", "actor", "event", "item", "status", "what")
        # Hidden until it has scrolled to the position, which it does only after the first
        # refresh: that refresh would draw the window's top rows, not the cursor's (opened
        # from the home screen, a frame of the wrong events), or, when replay starts the app,
        # render ~33 rows of cells for a frame Textual does not display (~25 ms at 10,000).
        table.visible = False
        self.fill()
        self.call_after_refresh(self._placed_table_shown)

    def _placed_table_shown(self) -> None:
        table = self.query_one(DataTable)
        table.visible = True
        table.focus()  # a hidden widget takes no focus

    def _filter(self) -> Callable[[Event], bool]:
        """Whether an event passes the three filters, read once per fill (not per event:
        10,000 events made 30,000 widget queries before the first frame)."""
        section = self.query_one("#filter-section", Select).value
        actor = self.query_one("#filter-actor", Select).value
        status = self.query_one("#filter-status", Select).value

        def matches(event: Event) -> bool:
            if section is not Select.NULL and not (event.item or "").startswith(f"{section}."):
                return False
            if actor is not Select.NULL and event.actor != actor:
                return False
            return status is Select.NULL or (event.status is not None and event.status.value == status)

        return matches

    def fill(self) -> None:
        events = self.replay.events
        matches = self._filter()
        self.shown = [position for position, event in enumerate(events, start=1) if matches(event)]
        self._window = (0, 0)
        self._follow_position()

    def _show_window(self, center: int) -> None:
        """Only WINDOW rows around `center` (an index into `shown`) are in the table: a
        DataTable measures every cell it holds, and a long session has 10,000 events."""
        low = max(0, min(center - WINDOW // 2, len(self.shown) - WINDOW))
        high = min(len(self.shown), low + WINDOW)
        if (low, high) == self._window:
            return
        self._window = (low, high)
        table = self.query_one(DataTable)
        table.clear()
        events = self.replay.events
        signatures = self.launch.signatures
        for position in self.shown[low:high]:
            table.add_row(*event_line(events[position - 1], signatures.get(position)), key=str(position))

    def _follow_position(self) -> None:
        """Put the cursor on the replay position (or the last shown event before it)."""
        index = bisect.bisect_right(self.shown, self.replay.position) - 1
        if index < 0:
            return
        low, high = self._window
        at_an_edge = (index == low and low > 0) or (index == high - 1 and high < len(self.shown))
        if not low <= index < high or at_an_edge:
            self._show_window(index)  # re-centred, so the arrow keys can go on
        table = self.query_one(DataTable)
        row = index - self._window[0]
        if table.cursor_row != row:
            self._placed = self.shown[index]
            table.move_cursor(row=row, animate=False)

    def on_select_changed(self, event: Select.Changed) -> None:
        self.fill()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # A highlight queued before a later cursor move is stale: following it would
        # move the cursor back, and the two would chase each other.
        if event.cursor_row != event.data_table.cursor_row or event.row_key.value is None:
            return
        position = int(event.row_key.value)
        if position == self._placed:  # the cursor followed the position (a filter changed): it stays put
            self._placed = None
            return
        self._placed = None
        self.app.replay_to(position, follow=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on an event: show its item's section, as of that event."""
        replay_event = self.replay.current_event
        if replay_event and replay_event.item:
            self.app.show_section(replay_event.item.split(".")[0])

    def action_leave(self) -> None:
        """Escape: to the section of the event in view (or the first section)."""
        event = self.replay.current_event
        sections = [section.id for section in self.launch.checklist.sections]
        owner = (event.item or "").split(".", 1)[0] if event is not None else ""
        self.app.show_section(owner if owner in sections else (self.launch.state.current_section or sections[0]))

    def draw_main(self) -> None:
        self.query_one("#section-title", Static).update(replay_banner(self.replay, self.launch.signatures))
        self._follow_position()
