"""Reading a session file: header, complete events, and a cut-short tail if a crash
interrupted the last save. Never writes.

Every event ends with a seal block (`[events.seal]` and its hash line), written last
in a single append. So a file is: header, complete sealed events, and possibly a
tail that stops before its seal: exactly what a crash mid-save leaves behind.

The events are parsed by toml-rs (compiled; ~15x faster than tomllib, which takes
~2 s for the 5 MB of a 10,000-event session on the bench machine), held to TOML 1.0
as tomllib is. Whatever it refuses is parsed again by tomllib, whose messages name
the damage as before."""

from __future__ import annotations

import gc
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import toml_rs
from pydantic import TypeAdapter, ValidationError

from launch_tui.errors import LaunchError
from launch_tui.session.models import SCHEMA_VERSION, Event, EventKind, Header
from launch_tui.toml_depth import MAX_DEPTH, too_deep

EVENTS_LINE = re.compile(rb"^\[\[events\]\]$", re.MULTILINE)
SEAL_BLOCK = re.compile(rb'^\[events\.seal\]\nhash = "sha256:[0-9a-f]{64}"\n?', re.MULTILINE)
MAX_SESSION_BYTES = 512 * 1024 * 1024
PIECE_CHARS = 256 * 1024


class SessionUnreadable(LaunchError):
    """The file cannot be used as a session (exit code 2); it is left untouched."""


@dataclass(frozen=True)
class CutShortTail:
    """The bytes of a last event that a crash cut short."""

    offset: int
    size: int
    seq: int


@dataclass(frozen=True)
class SessionFile:
    path: Path
    header: Header
    header_raw: dict[str, Any]
    events: list[Event]
    events_raw: list[dict[str, Any]]
    tail: CutShortTail | None
    size: int
    # The first event whose content launch-tui never writes (wrong types, no item, a time
    # that is not one). `verify` still judges the chain; everything that folds the events
    # refuses the file with this line (see `usable()`).
    malformed: str | None = None
    # Read with its CRLF line endings turned into LF: offsets are not the file's own, so
    # nothing may append to it or cut it (the writer refuses it).
    crlf: bool = False

    def usable(self) -> SessionFile:
        if self.malformed:
            raise SessionUnreadable(self.malformed)
        return self


def read_session(path: str | Path) -> SessionFile:
    path = Path(path)
    try:
        raw = _read_bytes(path)
    except FileNotFoundError:
        raise SessionUnreadable(
            f"{path}: no such session file; `launch-tui sessions` lists the ones there are"
        ) from None
    except IsADirectoryError:
        raise SessionUnreadable(f"{path}: is a folder, not a session file") from None
    except PermissionError:
        raise SessionUnreadable(f"{path}: permission denied; the session file belongs to another user") from None
    except OSError as exc:
        raise SessionUnreadable(f"{path}: cannot read ({exc.strerror})") from None
    return parse_session(raw, path)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; a FIFO, a device (/dev/zero) or an oversized file is refused
    from its stat, before a byte is read (O_NONBLOCK: opening a FIFO does not wait)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(info.st_mode):
            raise SessionUnreadable(
                f"{path}: is not a regular file (a FIFO, a device, a socket); this is not a session file"
            )
        if info.st_size > MAX_SESSION_BYTES:
            raise SessionUnreadable(f"{path}: larger than {MAX_SESSION_BYTES // 2**20} MiB; this is not a session file")
        raw = handle.read(MAX_SESSION_BYTES + 1)
    if len(raw) > MAX_SESSION_BYTES:
        raise SessionUnreadable(f"{path}: larger than {MAX_SESSION_BYTES // 2**20} MiB; this is not a session file")
    return raw


def parse_session(raw: bytes, path: Path) -> SessionFile:
    crlf = b"\r\n" in raw
    if crlf:
        # Line endings changed on the way (git on Windows, an editor): the content, and so
        # every seal, is the same with LF. Read as such; writing refuses it (see `crlf`).
        raw = raw.replace(b"\r\n", b"\n")
    if too_deep(raw):
        raise SessionUnreadable(
            f"{path}: arrays or tables nest deeper than {MAX_DEPTH} levels; launch-tui never "
            "writes that, and no parser is given it. This is not a session file"
        )
    try:
        parsed = _parse_session(raw, path)
        return replace(parsed, crlf=True) if crlf else parsed
    except RecursionError:
        raise SessionUnreadable(
            f"{path}: its values nest too deeply (dotted keys?); launch-tui never writes that. "
            "This is not a session file"
        ) from None


def _parse_session(raw: bytes, path: Path) -> SessionFile:
    first_event = EVENTS_LINE.search(raw)
    header_end = first_event.start() if first_event else len(raw)
    header_raw = _parse_header(raw[:header_end], path)
    header = _validate_header(header_raw, path)

    complete_end = _last_seal_end(raw, header_end)
    with _collector_paused() as pause:
        events_raw = _parse_events(raw[header_end:complete_end], path)
        events = _validate_events(events_raw, path)
        pause.freeze = len(events) >= FREEZE_FROM

    tail_bytes = raw[complete_end:]
    tail = None
    if tail_bytes.strip():
        tail = CutShortTail(offset=complete_end, size=len(tail_bytes), seq=len(events) + 1)
    return SessionFile(path, header, header_raw, events, events_raw, tail, len(raw), _first_malformed(events, path))


@dataclass
class _Pause:
    freeze: bool = False


# From this many events, what was parsed is frozen out of the collector (below); fewer are
# handed back to it, cheap to walk, so that a long-lived TUI freezes no garbage needlessly.
FREEZE_FROM = 1_000


@contextmanager
def _collector_paused() -> Iterator[_Pause]:
    """Parsing and validating 10,000 events makes ~500,000 objects and no reference
    cycles; the cyclic garbage collector would only walk them again and again (about
    a third of the load time). Paused meanwhile; with `freeze` set, the objects are
    then frozen: re-enabled as they were, its next full collection walked all of them
    at the first allocations after (~80 ms, in the fold, before replay's first frame).
    Without cycles, refcounting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    pause = _Pause()
    try:
        yield pause
    finally:
        if pause.freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


def _last_seal_end(raw: bytes, start: int) -> int:
    """Where the last sealed event ends (`start` if none is): the end of the last
    SEAL_BLOCK match, found from the end of the file rather than by matching them all."""
    end = len(raw)
    while (at := raw.rfind(b"[events.seal]\n", start, end)) >= 0:
        match = SEAL_BLOCK.match(raw, at)
        if match and (at == 0 or raw[at - 1] == 0x0A):  # `^`: the start of a line
            return match.end()
        end = at
    return start


def _decode(raw: bytes, path: Path, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SessionUnreadable(
            f"{path}: {what} is not UTF-8 text (byte {exc.start}); this is not a session file"
        ) from None


def _parse_header(raw: bytes, path: Path) -> dict[str, Any]:
    try:
        header = tomllib.loads(_decode(raw, path, "the header"))
    except tomllib.TOMLDecodeError as exc:
        raise SessionUnreadable(f"{path}: the header is not valid TOML ({exc}); the file is damaged") from None
    version = header.get("schema_version")
    if version is None:
        raise SessionUnreadable(f"{path}: no schema_version; this is not a launch-tui session file")
    if version != SCHEMA_VERSION:
        raise SessionUnreadable(
            f"{path}: schema_version {version!r} is not one this launch-tui reads ({SCHEMA_VERSION}); "
            "open it with the launch-tui version that wrote it"
        )
    return header


def _validate_header(header: dict[str, Any], path: Path) -> Header:
    try:
        validated = Header.model_validate(header)
    except ValidationError as exc:
        raise SessionUnreadable(f"{path}: the header is invalid: {_first_error(exc)}") from None
    if not _is_time(validated.session.created_at):
        raise SessionUnreadable(
            f"{path}: the header is invalid: session.created_at is not a UTC time like 2026-11-30T10:00:00Z"
        )
    return validated


def _parse_events(raw: bytes, path: Path) -> list[dict[str, Any]]:
    if not raw.strip():
        return []
    text = _decode(raw, path, "an event")
    events = _events_in_pieces(text)
    if events is not None:
        return events
    try:  # something unusual: the whole text at once, so that it is judged as before
        document = toml_rs.loads(text, toml_version="1.0.0")
    except toml_rs.TOMLDecodeError:
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return _locate_bad_event(raw, path)
    events = document.get("events")
    if set(document) != {"events"} or not isinstance(events, list):
        raise SessionUnreadable(f"{path}: unexpected tables among the events; the file is damaged")
    return events


def _events_in_pieces(text: str) -> list[dict[str, Any]] | None:
    """The events, parsed by toml-rs a piece of about PIECE_CHARS at a time, each piece
    starting at an `[[events]]` line: parsed whole, its intermediate tree would cost
    ~35 MB more at 10,000 events. None for anything but pieces that are each nothing
    but events (a parse error, another table, an `[[events]]` line inside a multi-line
    string...): the caller then parses the whole text and judges it as before."""
    events: list[dict[str, Any]] = []
    start = 0
    while start < len(text):
        cut = text.find("\n[[events]]\n", start + PIECE_CHARS)
        end = len(text) if cut < 0 else cut + 1
        try:
            document = toml_rs.loads(text[start:end], toml_version="1.0.0")
        except toml_rs.TOMLDecodeError:
            return None
        if set(document) != {"events"} or not isinstance(document["events"], list):
            return None
        events += document["events"]
        start = end
    return events


def _locate_bad_event(raw: bytes, path: Path) -> list[dict[str, Any]]:
    """The whole parse failed: find which event is bad, to name it."""
    starts = [match.start() for match in EVENTS_LINE.finditer(raw)]
    for index, start in enumerate(starts, start=1):
        end = starts[index] if index < len(starts) else len(raw)
        try:
            tomllib.loads(raw[start:end].decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SessionUnreadable(f"{path}: event #{index} is not valid TOML ({exc}); the file is damaged") from None
    raise SessionUnreadable(f"{path}: the events are not valid TOML; the file is damaged")


@cache
def _events_adapter() -> TypeAdapter[list[Event]]:
    return TypeAdapter(list[Event])


def _validate_events(events: list[Any], path: Path) -> list[Event]:
    """All events in one call into pydantic-core (a fifth faster than one call per event);
    its first error is the first bad event's, named as before: `event #N is invalid: ...`."""
    try:
        return _events_adapter().validate_python(events)
    except ValidationError as exc:
        error = exc.errors()[0]
        index, *where = error["loc"]
        problem = f"{'.'.join(str(part) for part in where) or 'value'}: {error['msg']}"[:300]
        raise SessionUnreadable(f"{path}: event #{int(index) + 1} is invalid: {problem}") from None


def _first_malformed(events: list[Event], path: Path) -> str | None:
    times_read: set[str] = set()  # a session's times repeat (one a second at most): each is parsed once
    for index, event in enumerate(events, start=1):
        problem = _shape_problem(event, times_read)
        if problem:
            return f"{path}: event #{index} is invalid: {problem}; launch-tui never writes that (edited by hand?)"
    return None


# What launch-tui itself writes, beyond the model's types: the fold, the report and the
# listing rely on it. A file edited (and re-sealed) by hand may hold anything else, and
# is refused here in one line instead of failing somewhere downstream.
ITEM_KINDS = frozenset(
    {
        EventKind.CHECK_RESULT,
        EventKind.ACTION_INTENT,
        EventKind.ACTION_RESULT,
        EventKind.ITEM_CONFIRMED,
        EventKind.ITEM_WAIVED,
        EventKind.ITEM_UNCONFIRMED,
        EventKind.NOTE_ADDED,
        EventKind.RECORD_SAVED,
    }
)
_TEXT_DATA = ("idempotency_key", "action", "section", "reason", "owner", "until", "key_id")
_SCALAR = (str, int, bool)


def _is_time(text: str) -> bool:
    """Whether `parse_iso` reads it (inlined: called for every event and every piece of evidence)."""
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return False
    return True


def _shape_problem(event: Event, times_read: set[str]) -> str | None:
    if event.at not in times_read:
        if not _is_time(event.at):
            return "at: not a UTC time like 2026-11-30T10:00:00Z"
        times_read.add(event.at)
    if event.kind in ITEM_KINDS and not event.item:
        return f"item: a {event.kind.value} event names no item"
    for number, evidence in enumerate(event.evidence, start=1):
        if evidence.at not in times_read:
            if not _is_time(evidence.at):
                return f"evidence.{number}.at: not a UTC time"
            times_read.add(evidence.at)
    data = event.data
    return _data_problem(data) if data else None


def _data_problem(data: dict[str, Any]) -> str | None:
    for name in _TEXT_DATA:
        if name in data and not isinstance(data[name], str):
            return f"data.{name}: not text"
    if "partial" in data and not isinstance(data["partial"], bool):
        return "data.partial: not true or false"
    refs = data.get("refs", {})
    if not isinstance(refs, dict) or not all(isinstance(value, _SCALAR) for value in refs.values()):
        return "data.refs: not a table of plain values"
    files = data.get("files", {})
    if not isinstance(files, dict) or not all(isinstance(value, str) for value in files.values()):
        return "data.files: not a table of file names"
    fields = data.get("fields", {})
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


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "value"
    return f"{where}: {error['msg']}"[:300]
