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
    "SessionUnreadable": "rawfile",
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


if TYPE_CHECKING:  # what type checkers and editors see: the same names, eagerly (`X as X`: re-exported)
    from launch_tui.session.fileformat import (
        CutShortTail as CutShortTail,
        SessionFile as SessionFile,
        read_session as read_session,
    )
    from launch_tui.session.integrity import Verdict as Verdict, verify_chain as verify_chain
    from launch_tui.session.live import (
        LiveSession as LiveSession,
        OpenedSession as OpenedSession,
        default_operator as default_operator,
        open_read_only as open_read_only,
    )
    from launch_tui.session.locate import (
        resolve_session as resolve_session,
        session_files as session_files,
        sessions_dir as sessions_dir,
    )
    from launch_tui.session.lock import SessionLocked as SessionLocked
    from launch_tui.session.models import Event as Event, EventKind as EventKind, Header as Header, NewEvent as NewEvent
    from launch_tui.session.rawfile import SessionUnreadable as SessionUnreadable
    from launch_tui.session.state import ItemState as ItemState, SessionState as SessionState, fold as fold
    from launch_tui.session.store import CutShort as CutShort, SessionWriter as SessionWriter
