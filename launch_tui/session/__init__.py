"""Sessions: pydantic models, the append-only TOML store (lock, hash chain), the
fold from events to current state, and integrity checks. Only this package touches
session files."""

from launch_tui.session.fileformat import CutShortTail, SessionFile, SessionUnreadable, read_session
from launch_tui.session.integrity import Verdict, verify_chain
from launch_tui.session.live import LiveSession, OpenedSession, default_operator, open_read_only
from launch_tui.session.locate import resolve_session, session_files, sessions_dir
from launch_tui.session.lock import SessionLocked
from launch_tui.session.models import Event, EventKind, Header, NewEvent
from launch_tui.session.state import ItemState, SessionState, fold
from launch_tui.session.store import CutShort, SessionWriter

__all__ = [
    "CutShort",
    "CutShortTail",
    "Event",
    "EventKind",
    "Header",
    "ItemState",
    "LiveSession",
    "NewEvent",
    "OpenedSession",
    "SessionFile",
    "SessionLocked",
    "SessionState",
    "SessionUnreadable",
    "SessionWriter",
    "Verdict",
    "default_operator",
    "fold",
    "open_read_only",
    "read_session",
    "resolve_session",
    "session_files",
    "sessions_dir",
    "verify_chain",
]
