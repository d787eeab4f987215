"""The git sync on screen: its worker, its one line in the top bar, and the question a
fork (or a lost claim) puts to the operator. The sync itself is launch_tui.sync."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.widgets import Static

from launch_tui.errors import LaunchError
from launch_tui.launch.live import LiveLaunch
from launch_tui.safe_text import shown as safe
from launch_tui.session.live import LiveSession, default_operator
from launch_tui.sync import opening
from launch_tui.sync.claims import Claim
from launch_tui.sync.opening import Shared
from launch_tui.sync.remote import Forked, SessionClaimed
from launch_tui.sync.worker import SessionSync
from launch_tui.target import Target
from launch_tui.tui.dialogs.common import ChoiceDialog, ConfirmDialog

if TYPE_CHECKING:
    from launch_tui.tui.app import LaunchApp

KEEP_REMOTE, STOP = 0, 1
SharedClaim = tuple[Shared, object]  # the shared folder, and the claim made on it (a Claim, when taken over)


def start(app: LaunchApp, sync: SessionSync) -> None:
    sync.on_change = lambda: show(app, sync)
    sync.on_stop = lambda exc: ask_after_stop(app, sync, exc)
    app.run_worker(sync.run(), group="sync", exit_on_error=False, description="git sync")


def show(app: LaunchApp, sync: SessionSync) -> None:
    """Every top bar on the screens in use, so a screen shown later is right too."""
    line = safe(sync.line)
    for screen in app.screen_stack:
        for label in screen.query("TopBar #sync").results(Static):
            label.update(line)
            label.set_class(sync.state.value in ("offline", "failed", "stopped"), "-problem")


def ask_after_stop(app: LaunchApp, sync: SessionSync, exc: LaunchError) -> None:
    if not isinstance(exc, Forked):
        app.notify_error(f"{exc}. Nothing more is written here; quit, and `replay` to review.", timeout=30)
        return
    first = exc.comparison.first_diverging
    dialog = ChoiceDialog(
        "The session forked: nothing more is written here",
        f"{exc}. Keep the remote's copy (this machine's copy is set aside in forks/, to replay "
        f"from event #{first}), or stop here and decide later (nothing is changed).",
        ["Keep the remote's, review mine", "Stop"],
    )

    def chosen(choice: int | None) -> None:
        if choice == KEEP_REMOTE:
            app.run_worker(_keep_remote(app, sync, first or 1), group="sync-fork", exit_on_error=False)

    app.push_screen(dialog, chosen)


async def _keep_remote(app: LaunchApp, sync: SessionSync, first: int) -> None:
    try:
        kept = await sync.keep_remote()
    except (LaunchError, OSError) as exc:
        app.notify_error(f"could not keep the remote's copy: {exc}", timeout=20)
        return
    # The screens show a session that is no longer this machine's: leave, and say how to review.
    app.exit(
        0,
        message=(
            f"launch-tui: took the remote's {sync.session_id}.toml; this machine's copy is in {kept}.\n"
            f"Review it from event #{first}: launch-tui replay {kept}\n"
            f"Continue the remote's: launch-tui resume {sync.session_id}"
        ),
    )


# -- opening from the home screen: the same steps as `new` and `resume` on the command line --------

DECLINED = object()


def open_shared(app: LaunchApp, path: Path, *, drop_cut_short: bool) -> None:
    app.run_worker(_open_shared(app, path, drop_cut_short), group="open", exit_on_error=False)


async def _open_shared(app: LaunchApp, path: Path, drop_cut_short: bool) -> None:
    try:
        shared = await opening.connect(path.parent, app.operator_name or default_operator())
        assert shared is not None
        taken = await _claim_asking(app, shared, path.stem)
    except LaunchError as exc:
        app.notify_error(exc, timeout=12)
        return
    if taken is not DECLINED:
        app.open_session(path, drop_cut_short=drop_cut_short, shared=(shared, taken))


async def _claim_asking(app: LaunchApp, shared: Shared, session_id: str) -> object:
    """The claim; if another machine holds it, the operator decides about a takeover."""
    try:
        return await opening.claim(shared, session_id)
    except SessionClaimed as exc:
        question = ConfirmDialog(
            "Another machine holds this session",
            f"{exc}. Take it over? Only if that machine is gone for good: if it comes back, its next sync is "
            "refused. The takeover is recorded in the session.",
            "Take over",
        )
        if not await app.push_screen_wait(question):
            return DECLINED
        return await opening.claim(shared, session_id, take_over=True)


def start_new_shared(app: LaunchApp, target: Target, folder: Path) -> None:
    app.run_worker(_start_new_shared(app, target, folder), group="open", exit_on_error=False)


async def _start_new_shared(app: LaunchApp, target: Target, folder: Path) -> None:
    try:
        shared = await opening.connect(folder, app.operator_name or default_operator())
        assert shared is not None
        live = LiveSession.create(target, shared.remote.operator, folder, trust_source="the new-launch form")
        try:
            await opening.claim(shared, live.path.stem)
        except BaseException:
            live.close()
            raise
    except LaunchError as exc:
        app.notify_error(exc, timeout=12)
        return
    launch = app.launch_for(live)  # as every other way of opening: the operator's signing key, a notice if refused
    if launch is None:
        if shared.online:
            await shared.remote.release(live.path.stem)  # nothing opened: give the claim back
        return
    opening.attach(shared, launch)
    app.use_launch(launch)


def attach_opened(launch: LiveLaunch, shared: SharedClaim) -> None:
    taken = shared[1] if isinstance(shared[1], Claim) else None
    opening.attach(shared[0], launch, taken)


def release_claim(app: LaunchApp, shared: SharedClaim, session_id: str) -> None:
    """Opening failed after the claim was made: give it back."""
    app.run_worker(shared[0].remote.release(session_id), group="open", exit_on_error=False)
