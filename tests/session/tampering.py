"""Ways a person with a text editor changes a session file, as byte operations."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w

from launch_tui.session.chain import event_hash
from launch_tui.session.rawfile import EVENTS_LINE


def split(raw: bytes) -> tuple[bytes, list[bytes]]:
    """The header and each event's text (from its [[events]] line, blank lines stripped)."""
    starts = [match.start() for match in EVENTS_LINE.finditer(raw)]
    ends = [*starts[1:], len(raw)]
    return raw[: starts[0]], [raw[start:end].strip() + b"\n" for start, end in zip(starts, ends, strict=False)]


def join(header: bytes, events: list[bytes]) -> bytes:
    return header + b"".join(b"\n" + event for event in events)


def position(events: list[bytes], *needles: bytes) -> int:
    """The 1-based position of the only event holding every needle."""
    found = [index for index, event in enumerate(events, start=1) if all(needle in event for needle in needles)]
    assert len(found) == 1, (needles, found)
    return found[0]


def edit(text: bytes, old: bytes, new: bytes) -> bytes:
    assert text.count(old) == 1, (old, text.count(old))
    return text.replace(old, new)


def parse(event: bytes) -> dict:
    return tomllib.loads(event.decode())["events"][0]


def sealed(document: dict) -> bytes:
    """An event sealed the way the store seals one: what a forger who read the code writes."""
    body = {key: value for key, value in document.items() if key != "seal"}
    return tomli_w.dumps({"events": [{**body, "seal": {"hash": event_hash(body)}}]}).encode()


class TamperedFile:
    """A session file taken apart for editing; `save()` writes it back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.header, self.events = split(path.read_bytes())

    def at(self, *needles: bytes) -> int:
        return position(self.events, *needles)

    def edit_event(self, index: int, old: bytes, new: bytes) -> None:
        self.events[index - 1] = edit(self.events[index - 1], old, new)

    def save(self) -> Path:
        self.path.write_bytes(join(self.header, self.events))
        return self.path
