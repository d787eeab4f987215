"""A session file's bytes and its events' TOML, before any model sees them: reading the
file safely, where the events start and where the last sealed one ends, and parsing the
events with toml-rs. No pydantic here, so that a second process can start on this at
once (launch_tui.session.prefetch); launch_tui.session.fileformat validates the result.

The events are parsed by toml-rs (compiled; ~15x faster than tomllib, which takes
~2 s for the 5 MB of a 10,000-event session on the bench machine), held to TOML 1.0
as tomllib is. Whatever it refuses is parsed again by tomllib, whose messages name
the damage as before."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

import toml_rs

from launch_tui.errors import LaunchError

EVENTS_LINE = re.compile(rb"^\[\[events\]\]$", re.MULTILINE)
SEAL_BLOCK = re.compile(rb'^\[events\.seal\]\nhash = "sha256:[0-9a-f]{64}"\n?', re.MULTILINE)
MAX_SESSION_BYTES = 512 * 1024 * 1024
PIECE_CHARS = 256 * 1024


class SessionUnreadable(LaunchError):
    """The file cannot be used as a session (exit code 2); it is left untouched."""


def read_bytes(path: Path) -> bytes:
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


def as_lf(raw: bytes) -> bytes:
    """Line endings changed on the way (git on Windows, an editor): the content, and so
    every seal, is the same with LF."""
    if b"\r" not in raw:  # one byte: memchr's speed, where a two-byte search takes ~8 ms on 5 MB
        return raw
    return raw.replace(b"\r\n", b"\n") if b"\r\n" in raw else raw


def event_bounds(raw: bytes) -> tuple[int, int]:
    """Where the events start (the header ends) and where the last sealed one ends."""
    first_event = EVENTS_LINE.search(raw)
    header_end = first_event.start() if first_event else len(raw)
    return header_end, last_seal_end(raw, header_end)


def last_seal_end(raw: bytes, start: int) -> int:
    """Where the last sealed event ends (`start` if none is): the end of the last
    SEAL_BLOCK match, found from the end of the file rather than by matching them all."""
    end = len(raw)
    while (at := raw.rfind(b"[events.seal]\n", start, end)) >= 0:
        match = SEAL_BLOCK.match(raw, at)
        if match and (at == 0 or raw[at - 1] == 0x0A):  # `^`: the start of a line
            return match.end()
        end = at
    return start


def decode(raw: bytes, path: Path, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SessionUnreadable(
            f"{path}: {what} is not UTF-8 text (byte {exc.start}); this is not a session file"
        ) from None


def parse_events(raw: bytes, path: Path) -> list[dict[str, Any]]:
    """The sealed events' TOML (raw[header_end:complete_end]) as plain data. The caller has
    checked the nesting first (launch_tui.toml_depth): toml-rs must never see it deep."""
    if not raw.strip():
        return []
    text = decode(raw, path, "an event")
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
