"""The git sync on screen: its worker, its one line in the top bar, and the question a
fork (or a lost claim) puts to the operator. The sync itself is launch_tui.sync."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from launch_tui.errors import LaunchError
from launch_tui.tui.look import safe

if TYPE_CHECKING:
    from launch_tui.sync.worker import SessionSync
    from launch_tui.tui.app import LaunchApp

KEEP_REMOTE, STOP = 0, 1


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
    from launch_tui.sync.remote import Forked
    from launch_tui.tui.screens.dialogs import ChoiceDialog

    if not isinstance(exc, Forked):
        app.notify(f"{safe(str(exc))}. Nothing more is written here; quit, and `replay` to review.",
                   severity="error", timeout=30)
        return
    first = exc.comparison.first_diverging
    dialog = ChoiceDialog(
        "The session forked: nothing more is written here",
        f"{exc}. Keep the remote's copy (this machine's copy is set aside in forks/, to replay "
        f"from event #{first}), or stop here and decide later (nothing is changed).",
        ["Keep the remote's, review mine", "Stop"],
    )
    app.push_screen(dialog, lambda choice: choice == KEEP_REMOTE and app.run_worker(
        _keep_remote(app, sync, first or 1), group="sync-fork", exit_on_error=False))


async def _keep_remote(app: LaunchApp, sync: SessionSync, first: int) -> None:
    try:
        kept = await sync.keep_remote()
    except (LaunchError, OSError) as exc:
        app.notify(f"could not keep the remote's copy: {safe(str(exc))}", severity="error", timeout=20)
        return
    # The screens show a session that is no longer this machine's: leave, and say how to review.
    app.exit(0, message=(f"launch-tui: took the remote's {sync.session_id}.toml; this machine's copy is in {kept}.\n"
                         f"Review it from event #{first}: launch-tui replay {kept}\n"
                         f"Continue the remote's: launch-tui resume {sync.session_id}"))
