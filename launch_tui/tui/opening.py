"""What a session's first screen asks before work starts, in this order: origins not
trusted here (nothing is sent before a yes), then what happened since (on resume),
then missing credentials, then what a crash interrupted and which results are stale."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from launch_tui.errors import LaunchError
from launch_tui.launch.since import since_you_left
from launch_tui.tui import workers
from launch_tui.tui.dialogs.secrets import SecretsDialog, missing_secrets
from launch_tui.tui.dialogs.since import SinceYouLeftDialog
from launch_tui.tui.dialogs.trust import TrustDialog

if TYPE_CHECKING:
    from launch_tui.launch.live import LiveLaunch
    from launch_tui.trust import Untrusted
    from launch_tui.tui.app import LaunchApp


def ask_what_opening_needs(app: LaunchApp, launch: LiveLaunch) -> None:
    if launch.untrusted:

        def answered(agreed: bool | None) -> None:
            if _origins_answered(app, launch, agreed):
                ask_what_opening_needs(app, launch)

        app.push_screen(TrustDialog(launch.session_path.name, launch.untrusted), answered)
        return
    if launch.live.checklist_changed:
        app.notify(
            "the runbook changed since this session began: items are matched by id, new ones are pending",
            timeout=12,
        )
    if launch.live.resumed:
        _show_since_you_left(app, launch)
    else:
        _ask_for_credentials(app, launch)


def ask_before_opening(
    app: LaunchApp, path: Path, proceed: Callable[[list[Untrusted]], None], declined: Callable[[], None]
) -> bool:
    """From the home screen: origins the session names that are not trusted here are asked
    about before it is opened, so that a no leaves it as it was (not resumed, nothing
    written, nothing sent) and the list on screen. True when the question is on screen;
    a yes calls `proceed` with what was agreed to, a no `declined`. Nothing is trusted yet:
    only the header has been read, and an ALTERED file (a forged target, say) is refused
    when it is opened; the opening trusts what was agreed to once the file is known intact.
    False: nothing to ask, or the header cannot be read (opening it says why)."""
    from launch_tui import trust
    from launch_tui.session.fileformat import read_header

    try:
        untrusted = trust.untrusted_origins(read_header(path).target)
    except LaunchError:
        return False
    if not untrusted:
        return False

    def answered(agreed: bool | None) -> None:
        if not agreed:
            declined()
            # notify_error: a file's name is shown made safe, as every line from outside is.
            app.notify_error(
                f"{path.name}: not opened; the origins it names are not trusted here. Nothing was sent or written",
                severity="information",
            )
            return
        proceed(untrusted)

    app.push_screen(TrustDialog(path.name, untrusted), answered)
    return True


def _origins_answered(app: LaunchApp, launch: LiveLaunch, agreed: bool | None) -> bool:
    """True when the operator trusts the origins (and that is kept); otherwise the app exits."""
    if not agreed:
        name = launch.session_path.name
        message = f"launch-tui: {name}: the origins it names are not trusted on this machine; nothing was sent"
        app.exit(2, return_code=2, message=message)
        return False
    try:
        launch.agree_to_origins()
    except LaunchError as exc:  # the trusted-origins file cannot be written: nothing is sent
        app.exit(2, return_code=2, message=f"launch-tui: {exc}")
        return False
    return True


def _show_since_you_left(app: LaunchApp, launch: LiveLaunch) -> None:
    events = launch.live.events[:-1]  # not the resume's own event
    found = since_you_left(launch, events)
    look = found.demo_gone is None and bool(launch.facts.tenant_id or launch.facts.job_id)

    def read(_: None) -> None:
        _ask_for_credentials(app, launch, skip=bool(found.demo_gone))

    app.push_screen(SinceYouLeftDialog(launch, found, look=look), read)


def _ask_for_credentials(app: LaunchApp, launch: LiveLaunch, *, skip: bool = False) -> None:
    target = launch.target
    if not skip and missing_secrets(target, launch.secrets):
        dialog = SecretsDialog(target, launch.checklist, launch.secrets)
        app.push_screen(dialog, lambda _: workers.after_opening(app, launch))
    else:
        workers.after_opening(app, launch)
