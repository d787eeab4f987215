"""Reading a session file: header, complete events, and a cut-short tail if a crash
interrupted the last save. Never writes.

Every event ends with a seal block (`[events.seal]` and its hash line), written last
in a single append. So a file is: header, complete sealed events, and possibly a
tail that stops before its seal: exactly what a crash mid-save leaves behind.

The bytes and the events' TOML are read in launch_tui.session.rawfile (no models: a
second process may have done that part, launch_tui.session.prefetch); here the header
and the events are validated into models."""

from __future__ import annotations

import gc
import json
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, overload

from pydantic import TypeAdapter, ValidationError

from launch_tui.session.models import SCHEMA_VERSION, Event, Header
from launch_tui.session.rawfile import (
    SessionUnreadable,
    as_lf,
    decode,
    event_bounds,
    parse_events,
    read_bytes,
)
from launch_tui.session.shape import first_malformed, is_time
from launch_tui.toml_depth import MAX_DEPTH, too_deep


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
    events_raw: Sequence[dict[str, Any]]  # as parsed, for the hash chain (a list, or JSONEvents)
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
    return parse_session(_file_bytes(path), path)


def read_header(path: Path) -> Header:
    """The header alone, validated (what a session would send where, before opening it);
    refused with the same lines as reading the whole file."""
    lf = as_lf(_file_bytes(path))
    header_end, _ = event_bounds(lf)
    _refuse_too_deep(lf[:header_end], path)
    with _values_nesting_refused(path):
        return _validate_header(_parse_header(lf[:header_end], path), path)


def _file_bytes(path: Path) -> bytes:
    try:
        return read_bytes(path)
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


def _refuse_too_deep(lf: bytes, path: Path) -> None:
    if too_deep(lf):
        raise SessionUnreadable(
            f"{path}: arrays or tables nest deeper than {MAX_DEPTH} levels; launch-tui never "
            "writes that, and no parser is given it. This is not a session file"
        )


@contextmanager
def _values_nesting_refused(path: Path) -> Iterator[None]:
    try:
        yield
    except RecursionError:
        raise SessionUnreadable(
            f"{path}: its values nest too deeply (dotted keys?); launch-tui never writes that. "
            "This is not a session file"
        ) from None


class NotAsReadHere(Exception):
    """The events a second process handed back do not validate: read the file here instead,
    so that what is wrong is named exactly as reading it here names it."""


def parse_session(raw: bytes, path: Path, *, events_json: bytes | None = None) -> SessionFile:
    """`events_json`: the sealed events already parsed from these same bytes, their nesting
    checked first and their shape after (launch_tui.session.shape), as JSON
    (launch_tui.session.prefetch); they validate or raise NotAsReadHere. None: all is done here."""
    lf = as_lf(raw)
    if events_json is None:
        _refuse_too_deep(lf, path)
    with _values_nesting_refused(path):
        parsed = _parse_session(lf, path, events_json)
    # CRLF read as LF: offsets are not the file's own, and writing refuses it (see `crlf`).
    return replace(parsed, crlf=True) if lf is not raw else parsed


def _parse_session(raw: bytes, path: Path, events_json: bytes | None) -> SessionFile:
    header_end, complete_end = event_bounds(raw)
    header_raw = _parse_header(raw[:header_end], path)
    header = _validate_header(header_raw, path)

    events_raw: Sequence[dict[str, Any]]
    with _collector_paused() as pause:
        if events_json is None:
            events_raw = parse_events(raw[header_end:complete_end], path)
            events = _validate_events(events_raw, path)
            malformed = first_malformed(events_raw, path)
        else:  # the second process found nothing malformed (it hands back no events otherwise)
            events, events_raw, malformed = _validate_events_json(events_json), JSONEvents(events_json), None
        pause.freeze = len(events) >= FREEZE_FROM

    tail_bytes = raw[complete_end:]
    tail = None
    if tail_bytes.strip():
        tail = CutShortTail(offset=complete_end, size=len(tail_bytes), seq=len(events) + 1)
    return SessionFile(path, header, header_raw, events, events_raw, tail, len(raw), malformed)


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


def _parse_header(raw: bytes, path: Path) -> dict[str, Any]:
    try:
        header = tomllib.loads(decode(raw, path, "the header"))
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
    if not is_time(validated.session.created_at):
        raise SessionUnreadable(
            f"{path}: the header is invalid: session.created_at is not a UTC time like 2026-11-30T10:00:00Z"
        )
    return validated


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


def _validate_events_json(events_json: bytes) -> list[Event]:
    """From JSON in one pass (~40% less than building the dicts, then validating them).
    For these models lax JSON validation takes what lax Python validation takes of TOML's
    values (tests/session/test_json_validation.py holds them to it); whatever fails is read again here."""
    try:
        return _events_adapter().validate_json(events_json)
    except ValidationError:
        raise NotAsReadHere from None


class JSONEvents(Sequence[dict[str, Any]]):
    """The events' parsed TOML, built from their JSON when first used: only the hash chain
    needs them, and replay verifies it after its first frame."""

    def __init__(self, events_json: bytes) -> None:
        self._json: bytes | None = events_json
        self._events: list[dict[str, Any]] = []

    def _loaded(self) -> list[dict[str, Any]]:
        # Read once into a local: two threads (the verify's, the loop's) may both get here;
        # both then parse, and the events are set before the JSON is let go of.
        events_json = self._json
        if events_json is not None:
            with _collector_paused() as pause:  # ~500,000 objects, no cycles: as when parsed here
                self._events, self._json = json.loads(events_json), None
                pause.freeze = len(self._events) >= FREEZE_FROM
        return self._events

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        return self._loaded()[index]

    def __len__(self) -> int:
        return len(self._loaded())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._loaded())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, JSONEvents):
            other = other._loaded()
        return isinstance(other, Sequence) and self._loaded() == list(other)

    __hash__ = None  # type: ignore[assignment]  # a list's contents: unhashable, as a list is

    def __repr__(self) -> str:
        return repr(self._loaded())


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "value"
    return f"{where}: {error['msg']}"[:300]
