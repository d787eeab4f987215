"""One launch in progress, Textual-free: the session (every change recorded at once),
the credentials (in memory), and the operator's decisions. The TUI calls these
methods; listeners hear about every recorded event so screens can redraw."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from launch_tui.checklist import Checklist, Item, Kind
from launch_tui.secrets import Secrets
from launch_tui.session import Event, EventKind, LiveSession, NewEvent, SessionState
from launch_tui.timefmt import utcnow
from launch_tui.wizard import inputs
from launch_tui.wizard.inputs import InputError

Listener = Callable[[Event], None]


class Wizard:
    def __init__(self, live: LiveSession, secrets: Secrets) -> None:
        self.live = live
        self.secrets = secrets
        self._listeners: list[Listener] = []

    # -- plumbing ------------------------------------------------------------------

    @property
    def state(self) -> SessionState:
        return self.live.state

    @property
    def checklist(self) -> Checklist:
        return self.live.state.checklist

    @property
    def operator(self) -> str:
        return self.live.operator

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def record(self, new: NewEvent) -> Event:
        event = self.live.record(new)
        for listener in list(self._listeners):
            listener(event)
        return event

    def today(self) -> date:
        return utcnow().date()

    def close(self) -> None:
        self.live.close()

    # -- navigation ----------------------------------------------------------------

    def enter_section(self, section_id: str) -> None:
        if self.state.current_section != section_id:
            self.record(NewEvent(kind=EventKind.SECTION_ENTERED, data={"section": section_id}))

    # -- a person's decisions --------------------------------------------------------

    def confirm(self, item_id: str, note: str | None = None) -> Event:
        item = self.checklist.item(item_id)
        if item.kind is Kind.RECORD:
            raise InputError(f"{item_id} is filled in, not ticked; press e to fill in its fields")
        state = self.state.item(item_id)
        if state.confirmed_at:
            raise InputError(f"{item_id} is confirmed already (by {state.confirmed_by} at {state.confirmed_at})")
        note = inputs.text(note, "the note") if note and note.strip() else None
        return self.record(NewEvent(kind=EventKind.ITEM_CONFIRMED, item=item_id, note=note))

    def add_note(self, item_id: str, note: str) -> Event:
        self.checklist.item(item_id)
        return self.record(NewEvent(kind=EventKind.NOTE_ADDED, item=item_id, note=inputs.text(note, "the note")))

    def waive(self, item_id: str, reason: str, owner: str, until: str) -> Event:
        self.checklist.item(item_id)
        data = inputs.waiver(reason, owner, until, today=self.today())
        return self.record(NewEvent(kind=EventKind.ITEM_WAIVED, item=item_id, data=data))

    def undo(self, item_id: str) -> Event:
        """Undo the last confirmation or waiver: a new event, never an edit."""
        state = self.state.item(item_id)
        if state.confirmed_at:
            undone = "confirmation"
        elif state.waiver:
            undone = "waiver"
        else:
            raise InputError(f"{item_id} has no confirmation or waiver to undo")
        return self.record(NewEvent(kind=EventKind.ITEM_UNCONFIRMED, item=item_id, data={"undid": undone}))

    def save_record(self, item_id: str, values: dict[str, Any]) -> Event:
        item = self.checklist.item(item_id)
        if item.kind is not Kind.RECORD:
            raise InputError(f"{item_id} has no fields to fill in")
        fields = inputs.record(item, values, today=self.today())
        return self.record(NewEvent(kind=EventKind.RECORD_SAVED, item=item_id, data={"fields": fields}))

    def item_of(self, item_id: str) -> Item:
        return self.checklist.item(item_id)

    # -- what the engine automates here (filled in with the engine) -------------------

    def manual_reason(self, item_id: str) -> str | None:
        return None

    def effective_kind(self, item_id: str) -> Kind:
        return self.checklist.item(item_id).kind

    def item_extra(self, item_id: str):
        return None

    def secrets_changed(self) -> None:
        """The operator typed credentials: what is automated may have changed."""
