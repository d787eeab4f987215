"""Replay: the state as of event N, for any N, without writing or locking anything.

Stepping forward applies one event; stepping back or jumping refolds from the nearest
checkpoint (a copy of the state every CHECKPOINT events), so a reviewer moves through
a 10,000-event session without waiting."""

from __future__ import annotations

import copy
from pathlib import Path

from launch_tui.checklist import load_checklist
from launch_tui.session.fileformat import SessionFile
from launch_tui.session.integrity import Verdict
from launch_tui.session.live import OpenedSession, read_and_fold
from launch_tui.session.models import Event
from launch_tui.session.prefetch import Prefetch
from launch_tui.session.state import SessionState, apply, fold

CHECKPOINT = 256


class Replay:
    def __init__(self, opened: OpenedSession) -> None:
        self._open(opened.file, opened.state, opened.verdict)

    @classmethod
    def unverified(cls, path: str | Path, prefetch: Prefetch | None = None) -> Replay:
        """Read and folded, the hash chain not verified yet (0.1-0.3 s at 10,000 events): the
        first frame need not wait for it. `ReplayLaunch.verify()` sets the verdict (the TUI, in a thread)."""
        replay = cls.__new__(cls)
        replay._open(*read_and_fold(path, prefetch), None)
        return replay

    def _open(self, file: SessionFile, state: SessionState, verdict: Verdict | None) -> None:
        self.file = file
        self.verdict = verdict  # None: not known yet
        self.events: list[Event] = file.events
        self.checklist = load_checklist()
        self._checkpoints: dict[int, SessionState] = {}
        self.position = len(self.events)
        self.state = state  # the fold of every event, made when the file was opened

    def state_at(self, position: int) -> SessionState:
        """The state after the first `position` events (0: the header alone)."""
        position = max(0, min(position, len(self.events)))
        base = (position // CHECKPOINT) * CHECKPOINT
        state = self._checkpoint(base)
        for event in self.events[base:position]:
            apply(state, event)
        return state

    def _checkpoint(self, base: int) -> SessionState:
        if base not in self._checkpoints:
            below = max((mark for mark in self._checkpoints if mark < base), default=0)
            state = (
                copy.deepcopy(self._checkpoints[below])
                if below in self._checkpoints
                else fold(self.file.header, self.checklist, [])
            )
            for event in self.events[below:base]:
                apply(state, event)
            self._checkpoints[base] = state
        return copy.deepcopy(self._checkpoints[base])

    def move_to(self, position: int) -> SessionState:
        position = max(0, min(position, len(self.events)))
        if position == self.position + 1:
            apply(self.state, self.events[self.position])
        elif position != self.position:
            self.state = self.state_at(position)
        self.position = position
        return self.state

    @property
    def current_event(self) -> Event | None:
        return self.events[self.position - 1] if self.position else None
