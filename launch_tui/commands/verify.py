"""`launch-tui verify`: 0 intact, 1 altered or cut short, 2 unreadable.

A cut-short last event exits 1 too: its bytes are covered by no seal, so the file is
not verified as a whole (`resume --drop-cut-short` removes them)."""

from __future__ import annotations

import re
from pathlib import Path

from launch_tui.errors import UsageError
from launch_tui.safe_text import visible
from launch_tui.session import read_session, verify_chain

HASH = re.compile(r"^sha256:[0-9a-f]{64}$")


def check_anchor(value: str | None) -> str | None:
    if value is None:
        return None
    anchor = value.strip().lower()
    if not HASH.match(anchor):
        raise UsageError(f"--last-hash {value!r} is not a hash like sha256:<64 hex digits>; copy it from a report")
    return anchor


def run(path: Path, last_hash: str | None = None) -> int:
    anchor = check_anchor(last_hash)
    session = read_session(path)  # unreadable: SessionUnreadable, exit 2
    verdict = verify_chain(session, last_hash=anchor)
    if verdict.intact:
        session.usable()  # sealed, but holding what launch-tui never writes: re-sealed by hand, exit 2
    print(visible(f"{path.name}: {verdict.line}"))  # event fields come from the file: no escapes reach the terminal
    if not verdict.intact or verdict.tail:
        return 1
    return 0
