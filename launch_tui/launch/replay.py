"""What the TUI reads, for a session under review: the same questions the live Wizard
answers, from a Replay positioned at the selected event. It has no way to write."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from launch_tui.checklist import Checklist, Kind
from launch_tui.errors import LaunchError
from launch_tui.session import Event, EventKind, SessionState
from launch_tui.session.replay import Replay
from launch_tui.signing.check import SignatureCheck, check_signatures
from launch_tui.target import Target

READ_ONLY = "replay is read-only: nothing can be changed here (resume the session to work on it)"


class ReplayLaunch:
    read_only = True

    def __init__(self, replay: Replay) -> None:
        self.replay = replay
        self.extras: dict[str, Any] = {}
        self.results_preview: list[dict] = []  # rows are never recorded: nothing to replay
        self._listeners: list = []

    @property
    def state(self) -> SessionState:
        return self.replay.state

    @property
    def checklist(self) -> Checklist:
        return self.replay.checklist

    @property
    def target(self) -> Target:
        return self.replay.opened.file.header.target

    @property
    def operator(self) -> str:
        return self.replay.opened.file.header.session.operator

    @property
    def session_path(self) -> Path:
        return self.replay.opened.file.path

    @cached_property
    def signatures(self) -> dict[int, SignatureCheck]:
        """Each signature event's check (matches the file or not), by position; {} if unsigned."""
        if not any(event.kind is EventKind.SESSION_SIGNED for event in self.replay.events):
            return {}
        checked = check_signatures(self.replay.opened.file, chain=self.replay.opened.verdict)
        return {check.event: check for check in checked.signatures}

    def subscribe(self, listener) -> None:
        self._listeners.append(listener)

    def move_to(self, position: int) -> Event | None:
        self.replay.move_to(position)
        for listener in self._listeners:
            listener(None)
        return self.replay.current_event

    def manual_reason(self, item_id: str) -> None:
        return None

    def effective_kind(self, item_id: str) -> Kind:
        return self.checklist.item(item_id).kind

    def item_extra(self, item_id: str) -> None:
        return None

    def enter_section(self, section_id: str) -> None:
        """Looking around writes nothing."""

    def close(self) -> None:
        """No lock was taken."""

    # Every writing method of the live Wizard refuses here (the screens hide their keys).
    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise LaunchError(READ_ONLY)

    record = confirm = add_note = waive = undo = save_record = run_checks = _refuse
