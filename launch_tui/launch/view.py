"""What the screens show, whichever launch is open: the one interface LiveLaunch (a
launch worked on here) and ReplayLaunch (a session under review) both implement.

The members that only one of them has are here as optional values, so that a screen
asks one question instead of trying attributes: `read_only` (nothing can be changed),
`replay` (the session under review, at the selected event; None when live), `sync`
(the git sync of a shared folder; None otherwise) and `writable` (the launch itself
when this machine works on it: the only way to the writing methods, None in replay)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from rich.text import Text

    from launch_tui.checklist import Checklist, Kind
    from launch_tui.launch.live import LiveLaunch
    from launch_tui.session import Event, SessionState
    from launch_tui.session.replay import Replay
    from launch_tui.signing.check import SignatureCheck
    from launch_tui.sync.worker import SessionSync
    from launch_tui.target import Target

Listener = Callable[["Event"], None]


class Launch(Protocol):
    @property
    def read_only(self) -> bool: ...

    @property
    def replay(self) -> Replay | None: ...

    @property
    def sync(self) -> SessionSync | None: ...

    @property
    def writable(self) -> LiveLaunch | None: ...

    @property
    def state(self) -> SessionState: ...

    @property
    def checklist(self) -> Checklist: ...

    @property
    def target(self) -> Target: ...

    @property
    def operator(self) -> str: ...

    @property
    def session_path(self) -> Path: ...

    @property
    def signatures(self) -> Mapping[int, SignatureCheck]:
        """Each signature event's check, by position: what a review shows ({} live)."""
        ...

    @property
    def results_preview(self) -> list[dict[str, Any]]:
        """The first result rows, shown on screen and never recorded."""
        ...

    @property
    def verified(self) -> bool:
        """Whether the file's hash chain and signatures are checked (a review opens before)."""
        ...

    def verify(self) -> None:
        """Check what was opened unchecked: slow on a long session, so the app calls it in a
        worker after the first frame. A live session was verified before it opened."""

    def subscribe(self, listener: Listener) -> None:
        """`listener` hears of every event recorded from now on."""

    def manual_reason(self, item_id: str) -> str | None:
        """Why an item is not automated right now (None: it is, or nothing runs here)."""

    def effective_kind(self, item_id: str) -> Kind: ...

    def item_extra(self, item_id: str) -> Text | None:
        """A live line for the item's detail (poll progress, an outdated read, a kept verdict)."""

    def enter_section(self, section_id: str) -> None: ...

    def close(self) -> None: ...
