"""`verify`: recompute the hash chain and name the first event that does not hold."""

from __future__ import annotations

from dataclasses import dataclass

from launch_tui.session.chain import event_hash, header_hash
from launch_tui.session.fileformat import CutShortTail, SessionFile


@dataclass(frozen=True)
class Verdict:
    intact: bool
    events: int
    last_hash: str | None
    first_bad: int | None = None  # the seq position (1-based) of the first bad event
    problem: str = ""
    tail: CutShortTail | None = None

    @property
    def line(self) -> str:
        if not self.intact:
            return f"ALTERED: {self.problem}"
        if self.tail:
            return (
                f"intact up to event #{self.events}, then event #{self.tail.seq} was cut short "
                f"({self.tail.size} bytes, a crash while saving); last hash {self.last_hash}"
            )
        return f"intact: {self.events} events, hash chain verified; last hash {self.last_hash}"


def verify_chain(session: SessionFile) -> Verdict:
    expected_prev = header_hash(session.header_raw)
    last = None
    for position, (event, raw) in enumerate(zip(session.events, session.events_raw), start=1):
        describe = f"event #{position} ({event.kind.value}{', ' + event.item if event.item else ''}, {event.at})"
        if position == 1 and event.prev != expected_prev:
            return _altered(session, position, "the header (session, checklist or target) was edited after the session began")
        if event.seq != position:
            return _altered(session, position, f"{describe} carries seq {event.seq}: events were deleted, duplicated or reordered")
        if event.prev != expected_prev:
            return _altered(session, position, f"{describe} does not follow event #{position - 1}: an event was removed or reordered")
        if event_hash(raw) != event.hash:
            return _altered(session, position, f"{describe} was edited: its content no longer matches its seal")
        expected_prev = last = event.hash
    return Verdict(True, len(session.events), last, tail=session.tail)


def _altered(session: SessionFile, position: int, problem: str) -> Verdict:
    last = session.events[-1].hash if session.events else None
    return Verdict(False, len(session.events), last, first_bad=position, problem=problem, tail=session.tail)
