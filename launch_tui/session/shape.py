"""What launch-tui itself writes, beyond the models' types: the fold, the report and the
listing rely on it. A file edited (and re-sealed) by hand may hold anything else, and is
refused in one line instead of failing somewhere downstream.

Checked on the events as parsed from TOML, once they validate: the values the models
hold are these same values. No pydantic here, so that replay's second process checks
them too (launch_tui.session.prefetch), before it hands the events back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

# The event kinds whose events always name an item (EventKind's values: no model here).
ITEM_KINDS = frozenset(
    {
        "check.result",
        "action.intent",
        "action.result",
        "item.confirmed",
        "item.waived",
        "item.unconfirmed",
        "note.added",
        "record.saved",
    }
)
_TEXT_DATA = ("idempotency_key", "action", "section", "reason", "owner", "until", "key_id")
_SCALAR = (str, int, bool)
_CHECKED_DATA = frozenset({*_TEXT_DATA, "partial", "refs", "files", "fields"})

Event = Mapping[str, Any]


def first_malformed(events: Sequence[Event], path: Path) -> str | None:
    """Found in a few comprehensions over all the events, where one function call per
    event took twice as long; only the events they single out (a bad time, an item
    missing, any `data`) are looked at one by one, first to last."""
    # A session's times repeat (one a second at most): each distinct one is parsed once.
    times = {event["at"] for event in events}
    times.update(evidence["at"] for event in events for evidence in event.get("evidence", ()))
    bad_times = {text for text in times if not is_time(text)}
    suspects = [
        index
        for index, event in enumerate(events)
        if event.get("data")
        or (event["kind"] in ITEM_KINDS and not event.get("item"))
        or (
            bad_times
            and (event["at"] in bad_times or any(evidence["at"] in bad_times for evidence in event.get("evidence", ())))
        )
    ]
    for index in suspects:
        problem = _shape_problem(events[index], bad_times)
        if problem:
            return f"{path}: event #{index + 1} is invalid: {problem}; launch-tui never writes that (edited by hand?)"
    return None


def is_time(text: str) -> bool:
    """Whether `parse_iso` reads it (inlined: called for every event and every piece of evidence)."""
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return False
    return True


def _shape_problem(event: Event, bad_times: set[str]) -> str | None:
    if event["at"] in bad_times:
        return "at: not a UTC time like 2026-11-30T10:00:00Z"
    if event["kind"] in ITEM_KINDS and not event.get("item"):
        return f"item: a {event['kind']} event names no item"
    for number, evidence in enumerate(event.get("evidence", ()), start=1):
        if evidence["at"] in bad_times:
            return f"evidence.{number}.at: not a UTC time"
    data = event.get("data")
    return _data_problem(data) if data else None


def _data_problem(data: dict[str, Any]) -> str | None:
    if data.keys().isdisjoint(_CHECKED_DATA):  # most: a section entered, a confirmation undone
        return None
    for name in _TEXT_DATA:
        if name in data and not isinstance(data[name], str):
            return f"data.{name}: not text"
    if "partial" in data and not isinstance(data["partial"], bool):
        return "data.partial: not true or false"
    if "refs" in data:
        refs = data["refs"]
        if not isinstance(refs, dict) or not all(isinstance(value, _SCALAR) for value in refs.values()):
            return "data.refs: not a table of plain values"
    if "files" in data:
        files = data["files"]
        if not isinstance(files, dict) or not all(isinstance(value, str) for value in files.values()):
            return "data.files: not a table of file names"
    if "fields" in data:
        fields = data["fields"]
        if not isinstance(fields, dict) or not all(_is_field_value(value) for value in fields.values()):
            return "data.fields: not a table of text (or of rows of text)"
    return None


def _is_field_value(value: Any) -> bool:
    """A record field: text, or a list of rows of text (known gaps)."""
    if isinstance(value, str):
        return True
    return isinstance(value, list) and all(
        isinstance(row, dict) and all(isinstance(cell, str) for cell in row.values()) for row in value
    )
