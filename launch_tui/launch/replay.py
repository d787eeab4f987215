"""What the TUI reads, for a session under review: the same questions a LiveLaunch
answers (launch_tui.launch.view.Launch), from a Replay positioned at the selected
event. It has no way to write."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from launch_tui.checklist import Checklist, Kind
from launch_tui.errors import LaunchError
from launch_tui.session import EventKind, SessionState, Verdict, verify_chain
from launch_tui.session.replay import Replay
from launch_tui.signing.check import SignatureCheck, check_signatures
from launch_tui.target import Target

if TYPE_CHECKING:
    from launch_tui.launch.view import Listener

READ_ONLY = "replay is read-only: nothing can be changed here (resume the session to work on it)"


class ReplayLaunch:
    read_only = True
    sync: None = None  # a review syncs nothing
    writable: None = None  # and writes nothing

    def __init__(self, replay: Replay) -> None:
        self.replay = replay
        self.extras: dict[str, Any] = {}
        self.results_preview: list[dict[str, Any]] = []  # rows are never recorded: nothing to replay
        self._signatures: dict[int, SignatureCheck] | None = None

    @property
    def state(self) -> SessionState:
        return self.replay.state

    @property
    def checklist(self) -> Checklist:
        return self.replay.checklist

    @property
    def target(self) -> Target:
        return self.replay.file.header.target

    @property
    def operator(self) -> str:
        return self.replay.file.header.session.operator

    @property
    def session_path(self) -> Path:
        return self.replay.file.path

    @property
    def signatures(self) -> dict[int, SignatureCheck]:
        """Each signature event's check (matches the file or not), by position; {} if unsigned,
        and {} while the chain is being verified (`verify()` checks both)."""
        if self._signatures is None:
            if self.replay.verdict is None:
                return {}
            self._signatures = self._check_signatures(self.replay.verdict)
        return self._signatures

    @property
    def verified(self) -> bool:
        return self.replay.verdict is not None

    def verify(self) -> None:
        """The hash chain, then the signatures, of a replay opened unverified: slow at 10,000
        events, so the TUI calls this in a thread after the first frame. The verdict is set
        last, so that nothing reads a verdict whose signatures are not known yet."""
        if self.replay.verdict is not None:
            return
        verdict = verify_chain(self.replay.file)
        self._signatures = self._check_signatures(verdict)
        self.replay.verdict = verdict

    def _check_signatures(self, chain: Verdict) -> dict[int, SignatureCheck]:
        if not any(event.kind is EventKind.SESSION_SIGNED for event in self.replay.events):
            return {}
        checked = check_signatures(self.replay.file, chain=chain)
        return {check.event: check for check in checked.signatures}

    def subscribe(self, listener: Listener) -> None:
        """Nothing is recorded under review: moving the replay is the viewer's own doing."""

    def manual_reason(self, item_id: str) -> None:
        return None

    def effective_kind(self, item_id: str) -> Kind:
        return self.checklist.item(item_id).kind

    def item_extra(self, item_id: str) -> None:
        return None

    def enter_section(self, section_id: str) -> None:
        """Looking around writes nothing."""

    def close(self) -> None:
        """No lock was taken."""

    # Every writing method of a LiveLaunch refuses here (the screens hide their keys).
    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise LaunchError(READ_ONLY)

    record = confirm = add_note = waive = undo = save_record = run_checks = _refuse
