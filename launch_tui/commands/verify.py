"""`launch-tui verify`: 0 intact, 1 altered (or cut short), 2 unreadable."""

from __future__ import annotations

from pathlib import Path

from launch_tui.session import read_session, verify_chain


def run(path: Path) -> int:
    verdict = verify_chain(read_session(path))  # unreadable: SessionUnreadable, exit 2
    print(f"{path.name}: {verdict.line}")
    if not verdict.intact or verdict.tail:
        return 1
    return 0
