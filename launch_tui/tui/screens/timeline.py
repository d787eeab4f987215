"""Replay's timeline: every event, filterable by section, actor and status. The
highlighted event is the replay position: every screen shows the state as of it."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Select, Static

from launch_tui.launch.view import Launch
from launch_tui.results import ItemStatus
from launch_tui.session import Event
from launch_tui.session.replay import Replay
from launch_tui.tui.look import replay_banner, safe, short_time, status_text
from launch_tui.tui.screens import TIMELINE
from launch_tui.tui.screens.base import StateScreen
from launch_tui.tui.widgets.line_table import LineTable

if TYPE_CHECKING:
    from launch_tui.signing.check import SignatureCheck


def event_line(event: Event, signature: SignatureCheck | None = None) -> tuple[str | Text, ...]:
    """One row. Every cell that comes from the file is a rich Text, never markup: an
    edited file must not style text or add links (the table draws each cell's text plain)."""
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
        Text(safe(what)[:WHAT]),
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


# The widest an actor or item column gets (an edited file may hold 200 characters); the
# banner shows the event in view whole.
NARROW, WIDE = 24, 40
WHAT = 200  # a row's "what" is cut here


@dataclass(frozen=True)
class Survey:
    """What the filters offer and how wide each column is, found in one pass over the
    events (the table draws only the rows on screen, but its columns fit them all)."""

    actors: tuple[str, ...]
    statuses: tuple[ItemStatus, ...]
    kinds: tuple[str, ...]
    items: tuple[str, ...]
    last_seq: int
    what: int

    @classmethod
    def of(cls, events: Sequence[Event]) -> Survey:
        actors: dict[str, None] = {}
        statuses: dict[ItemStatus, None] = {}
        kinds: dict[str, None] = {}
        items: dict[str, None] = {}
        what = 0
        for event in events:
            actors[event.actor] = None
            kinds[event.kind.value] = None
            if event.item:
                items[event.item] = None
            if event.status:
                statuses[event.status] = None
            text = event.summary or event.note or (_data_line(event) if event.data else "")
            if len(text) > what:
                what = len(text)
        last_seq = max(len(events), events[-1].seq) if events else 0
        return cls(tuple(actors), tuple(statuses), tuple(kinds), tuple(items), last_seq, min(what, WHAT))

    def columns(self, signatures: Iterable[SignatureCheck]) -> list[tuple[str, int]]:
        signed = [_signature_cells(check) for check in signatures]
        statuses = [status_text(status).plain for status in self.statuses] + [status.plain for status, _ in signed]
        return [
            ("#", len(str(self.last_seq))),
            ("time", len("10:00Z")),
            ("actor", min(NARROW, _widest(safe(actor) for actor in self.actors))),
            ("event", _widest(self.kinds)),
            ("item", min(WIDE, _widest(safe(item) for item in self.items))),
            ("status", _widest(statuses)),
            ("what", min(WHAT, max([self.what, *(cell_len(what) for _, what in signed)]))),
        ]


def _widest(texts: Iterable[str]) -> int:
    return max((cell_len(text) for text in texts), default=0)


class TimelineScreen(StateScreen):
    BINDINGS = [Binding("escape", "leave", "Back", show=False)]  # in the help: the footer is full at 80 columns

    def __init__(self, launch: Launch, replay: Replay) -> None:
        super().__init__(launch, TIMELINE)
        self.replay = replay  # the timeline exists only in a review
        self.shown: Sequence[int] = ()  # positions (1-based) of the rows on show

    def compose_main(self) -> ComposeResult:
        yield Static(id="section-title")
        with Horizontal(id="filters"):
            yield Select[str]([], prompt="section: any", id="filter-section", compact=True)
            yield Select[str]([], prompt="actor: any", id="filter-actor", compact=True)
            yield Select[str]([], prompt="status: any", id="filter-status", compact=True)
        yield LineTable(id="timeline")

    def on_mount(self) -> None:  # (StateScreen.on_mount runs too)
        self._survey = Survey.of(self.replay.events)
        self.query_one("#filter-section", Select).set_options(
            [(section.short, section.id) for section in self.launch.checklist.sections]
        )
        self.query_one("#filter-actor", Select).set_options([(actor, actor) for actor in self._survey.actors])
        self.query_one("#filter-status", Select).set_options(
            [(status.value, status.value) for status in self._survey.statuses]
        )
        table = self.query_one(LineTable)
        # Hidden until it has scrolled to the position, which it can only once it has a
        # size, after the first refresh: that refresh would draw the top rows, not the
        # cursor's (opened from the home screen, a frame of the wrong events).
        table.visible = False
        self.fill()
        self.call_after_refresh(self._placed_table_shown)

    def _placed_table_shown(self) -> None:
        table = self.query_one(LineTable)
        table.scroll_cursor_into_view()
        table.visible = True
        table.focus()  # a hidden widget takes no focus

    def _filter(self) -> Callable[[Event], bool] | None:
        """Whether an event passes the three filters (None: no filter is set), read once
        per fill (not per event: 10,000 events made 30,000 widget queries before the first frame)."""
        section = self.query_one("#filter-section", Select).value
        actor = self.query_one("#filter-actor", Select).value
        status = self.query_one("#filter-status", Select).value
        if section is Select.NULL and actor is Select.NULL and status is Select.NULL:
            return None

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
        if matches is None:
            self.shown = range(1, len(events) + 1)
        else:
            self.shown = [position for position, event in enumerate(events, start=1) if matches(event)]
        table = self.query_one(LineTable)
        table.set_columns(self._survey.columns(self.launch.signatures.values()))
        table.set_rows(self.shown, self._cells)
        self._follow_position()

    def _cells(self, position: int) -> tuple[str | Text, ...]:
        return event_line(self.replay.events[position - 1], self.launch.signatures.get(position))

    def _follow_position(self) -> None:
        """Put the cursor on the replay position (or the last shown event before it)."""
        index = bisect.bisect_right(self.shown, self.replay.position) - 1
        if index >= 0:
            self.query_one(LineTable).move_cursor(index)

    def on_select_changed(self, event: Select.Changed) -> None:
        self.fill()

    def on_line_table_highlighted(self, message: LineTable.Highlighted) -> None:
        # Only the operator's moves arrive here (the replay's own move the cursor silently);
        # one queued before a later move is stale, and following it would move back.
        if message.key == message.table.cursor_key:
            self.app.replay_to(message.key, follow=False)

    def on_line_table_selected(self, message: LineTable.Selected) -> None:
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
