"""Sessions: pydantic models, the append-only TOML store (lock, hash chain), the
fold from events to current state, and integrity checks. Only this package touches
session files.

The names below load on first use: `from launch_tui.session import sessions_dir`
must not pay for pydantic and the models (the home screen and `--help` start faster)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "CutShortTail": "fileformat",
    "SessionFile": "fileformat",
    "SessionUnreadable": "fileformat",
    "read_session": "fileformat",
    "Verdict": "integrity",
    "verify_chain": "integrity",
    "LiveSession": "live",
    "OpenedSession": "live",
    "default_operator": "live",
    "open_read_only": "live",
    "resolve_session": "locate",
    "session_files": "locate",
    "sessions_dir": "locate",
    "SessionLocked": "lock",
    "Event": "models",
    "EventKind": "models",
    "Header": "models",
    "NewEvent": "models",
    "ItemState": "state",
    "SessionState": "state",
    "fold": "state",
    "CutShort": "store",
    "SessionWriter": "store",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'launch_tui.session' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"launch_tui.session.{module}"), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # what type checkers and editors see: the same names, eagerly
    from launch_tui.session.fileformat import CutShortTail, SessionFile, SessionUnreadable, read_session
    from launch_tui.session.integrity import Verdict, verify_chain
    from launch_tui.session.live import LiveSession, OpenedSession, default_operator, open_read_only
    from launch_tui.session.locate import resolve_session, session_files, sessions_dir
    from launch_tui.session.lock import SessionLocked
    from launch_tui.session.models import Event, EventKind, Header, NewEvent
    from launch_tui.session.state import ItemState, SessionState, fold
    from launch_tui.session.store import CutShort, SessionWriter
