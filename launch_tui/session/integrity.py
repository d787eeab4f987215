"""`verify`: recompute the hash chain and name the first event that does not hold.

The chain proves that nothing inside the file changed after it was sealed: an edit,
a deletion, a copy, a reordering or an insertion breaks it at that point. It cannot
prove that no events were cut off the end, nor that the whole file was not re-sealed
after an edit; a last hash taken earlier (an anchor, printed in every report) can."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from launch_tui.session.chain import event_hash, header_hash
from launch_tui.session.fileformat import CutShortTail, SessionFile
from launch_tui.session.models import Event, EventKind


@dataclass(frozen=True)
class Verdict:
    intact: bool
    events: int
    last_hash: str | None
    first_bad: int | None = None  # the position (1-based) of the first bad event; None if past the end
    problem: str = ""
    tail: CutShortTail | None = None
    anchor_seq: int | None = None  # the position of the event an anchor (--last-hash) named

    @property
    def line(self) -> str:
        if not self.intact:
            return f"ALTERED: {self.problem}"
        if self.tail:
            text = (
                f"intact up to event #{self.events}, then event #{self.tail.seq} was cut short "
                f"({self.tail.size} bytes, a crash while saving); last hash {self.last_hash}"
            )
        else:
            text = f"intact: {self.events} events, hash chain verified; last hash {self.last_hash}"
        if self.anchor_seq is not None:
            added = self.events - self.anchor_seq
            text += f"; the anchor is event #{self.anchor_seq}" + (
                f", {added} event(s) added since" if added else ", the last one"
            )
        return text


def verify_chain(session: SessionFile, *, last_hash: str | None = None) -> Verdict:
    """Check every seal and link; with `last_hash`, also that the file still holds that event."""
    seals: dict[str, int] = {}
    for position, event in enumerate(session.events, start=1):
        seals.setdefault(event.hash, position)
    expected_prev = header_hash(session.header_raw)
    for position, (event, raw) in enumerate(zip(session.events, session.events_raw, strict=False), start=1):
        found = _problem(session, position, event, raw, expected_prev, seals)
        if found:
            return _altered(session, *found)
        expected_prev = event.hash
    verdict = Verdict(True, len(session.events), session.events[-1].hash if session.events else None, tail=session.tail)
    if last_hash is None:
        return verdict
    if last_hash not in seals:
        return replace(
            verdict,
            intact=False,
            problem=(
                f"no event in the file has the anchored hash {last_hash}; the file ends at event #{verdict.events}: "
                "events after it were deleted, or the file was re-sealed after an edit"
            ),
        )
    return replace(verdict, anchor_seq=seals[last_hash])


def _problem(
    session: SessionFile, position: int, event: Event, raw: dict[str, Any], expected_prev: str, seals: dict[str, int]
) -> tuple[int, str] | None:
    """(first bad position, what is wrong) for the event at `position`, or None if it holds."""
    sealed = event.hash
    content = _content_hash(raw)
    if content == sealed and seals[sealed] == position and event.prev == expected_prev and event.seq == position:
        return None  # the common case, decided without building any message
    describe = describe_event(position, event)
    if content is None:
        return position, f"{describe} was edited: it holds a TOML date or time, which launch-tui never writes"
    if content != sealed:
        return position, f"{describe} was edited: its content no longer matches its seal"
    if seals[sealed] != position:
        return position, f"{describe} is a copy of event #{seals[sealed]}"
    if event.prev != expected_prev:
        return _broken_link(session, position, event, describe, seals)
    return position, f"{describe} carries seq {event.seq}: it was forged with a recomputed seal"


def _broken_link(
    session: SessionFile, position: int, event: Event, describe: str, seals: dict[str, int]
) -> tuple[int, str]:
    """The event is sealed, but not to the one before it: say what most likely happened."""
    follows = seals.get(event.prev)
    if position == 1 and event.seq == 1 and follows is None:
        return 1, _header_edit(session, event)
    if follows is not None and follows > position:
        return (
            position,
            f"{describe} was sealed to follow event #{follows}, which now stands after it: events were reordered",
        )
    if follows is not None:  # a fork: this event and event #follows+1 both claim to follow #follows
        after = session.events[position] if position < len(session.events) else None
        if after is not None and after.prev == session.events[position - 2].hash:
            return (
                position,
                f"{describe} was inserted: it claims to follow event #{follows}, while event #{position + 1} follows event #{position - 1}",
            )
        inserted = (
            f"event #{follows + 1}" if follows + 1 == position - 1 else f"events #{follows + 1} to #{position - 1}"
        )
        return (
            follows + 1,
            f"{inserted} did not exist when {describe} was sealed right after event #{follows}: inserted",
        )
    if event.seq > position:
        where = "the first" if position == 1 else f"between event #{position - 1} and it,"
        return position, f"{describe} carries seq {event.seq}: {where} {event.seq - position} event(s) were deleted"
    return (
        position,
        f"{describe} does not follow event #{position - 1}: one of the two was re-sealed after an edit, or forged",
    )


def _header_edit(session: SessionFile, first: Event) -> str:
    """Event #1 repeats some header fields; name the ones that no longer agree."""
    text = "the header (session, checklist or target) was edited after the session began"
    header = session.header
    if first.kind is not EventKind.SESSION_CREATED:
        return text
    changed = []
    if header.session.operator != first.actor:
        changed.append(f"the operator reads {header.session.operator!r}, event #1 was recorded by {first.actor!r}")
    if header.session.created_at != first.at:
        changed.append(f"created_at reads {header.session.created_at!r}, event #1 was recorded at {first.at!r}")
    recorded = first.data.get("checklist_hash")
    if recorded and recorded != header.checklist.hash:
        changed.append(f"the checklist hash reads {header.checklist.hash!r}, event #1 recorded {recorded!r}")
    if not changed:
        return text + " (event #1 does not repeat the changed field: the target, or the host or version)"
    return text + ": " + "; ".join(changed)


def describe_event(position: int, event: Event) -> str:
    return f"event #{position} ({event.kind.value}{', ' + event.item if event.item else ''}, {event.at})"


def _content_hash(raw: dict[str, Any]) -> str | None:
    try:
        return event_hash(raw)
    except (TypeError, ValueError):  # a TOML date/time: not JSON, so not something we sealed
        return None


def _altered(session: SessionFile, position: int, problem: str) -> Verdict:
    last = session.events[-1].hash if session.events else None
    return Verdict(False, len(session.events), last, first_bad=position, problem=problem, tail=session.tail)
