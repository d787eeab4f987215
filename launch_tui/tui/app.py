"""The launch wizard's App: which screen shows, and the workers that run checks and
actions so the operator keeps working. Domain logic lives in launch_tui.launch."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from launch_tui.errors import LaunchError
from launch_tui.safe_text import shown as safe
from launch_tui.secrets import Secrets

if TYPE_CHECKING:
    from launch_tui.checklist import Checklist, Kind
    from launch_tui.launch.checkpoints import Checkpoint
    from launch_tui.launch.live import LiveLaunch
    from launch_tui.session import Event, SessionState
    from launch_tui.signing.sign import SigningKey
    from launch_tui.target import Target
    from launch_tui.tui.widgets.topbar import TopBar


SUMMARY = "summary"
TIMELINE = "timeline"
REPLAY_ACTIONS = {"replay_back", "replay_forward", "replay_first", "replay_last", "timeline"}


class LaunchApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "launch-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
        Binding("ctrl+q", "quit", "Quit", show=False),
        Binding("ctrl+z", "pause", "Pause", show=False),  # a checkpoint (signing...), then suspend
        # Replay only (check_action hides them otherwise):
        Binding("comma", "replay_back", "◀ Event"),
        Binding("full_stop", "replay_forward", "Event ▶"),
        Binding("g", "replay_first", "First", show=False),
        Binding("G", "replay_last", "Last", show=False),
        Binding("t", "timeline", "Timeline"),
    ]

    def __init__(
        self,
        launch: LiveLaunch | None = None,
        *,
        home: Path | None = None,
        mode: str = "",
        operator: str | None = None,
        signing_key: SigningKey | None = None,
    ) -> None:
        super().__init__()
        self.launch: LiveLaunch = launch  # type: ignore[assignment]  # set before any screen reads it
        self.home = home
        self.mode = mode
        self.operator_name = operator
        self.signing_key = signing_key  # for sessions opened from the home screen
        self.running: dict[str, float] = {}  # item id -> monotonic start
        self.farewell: list[str] = []  # the quit checkpoint's notices, printed once the screen is gone
        self._quitting = False
        if launch is not None:
            self._watch(launch)

    # -- what screens read -------------------------------------------------------

    @property
    def state(self) -> SessionState:
        return self.launch.state

    @property
    def checklist(self) -> Checklist:
        return self.launch.checklist

    @property
    def operator(self) -> str:
        return self.launch.operator

    @property
    def session_name(self) -> str:
        return self.launch.session_path.name

    @property
    def saved_at(self) -> str | None:
        return self.state.last_at

    def top_bar(self) -> TopBar:
        from launch_tui.labels import DEMO_BADGE, is_demo
        from launch_tui.tui.widgets.topbar import TopBar

        header = self.state.header
        demo = is_demo(header)
        mode = (
            self.mode if not demo or "DEMO" in self.mode else " · ".join(part for part in ("DEMO", self.mode) if part)
        )
        sync = getattr(self.launch, "sync", None)
        return TopBar(
            header.target.customer.name,
            header.target.environment,
            mode,
            badge=DEMO_BADGE if demo else None,
            sync=sync.line if sync else None,
        )

    def manual_reason(self, item_id: str) -> str | None:
        return self.launch.manual_reason(item_id)

    def effective_kind(self, item_id: str) -> Kind:
        return self.launch.effective_kind(item_id)

    def item_extra(self, item_id: str) -> Text | None:
        return self.launch.item_extra(item_id)

    # -- screens -----------------------------------------------------------------

    def on_mount(self) -> None:
        if self.launch is None:
            from launch_tui.session import sessions_dir
            from launch_tui.tui.screens.home import HomeScreen

            self.push_screen(HomeScreen(self.home or sessions_dir()))
        else:
            self._open_launch_screens()

    def _open_launch_screens(self) -> None:
        if getattr(self.launch, "sync", None) is not None:
            from launch_tui.tui import sync_view

            sync_view.start(self, self.launch.sync)
        if self.launch.read_only:
            self.show_section(TIMELINE, initial=True)
            if not self.launch.verified:
                self.call_after_refresh(self._verify_replay)
            return
        self.show_section(self.state.current_section or self.checklist.sections[0].id, initial=True)
        # Dialogs go on top of the section screen, so only once it is there.
        self.call_after_refresh(self._ask_what_opening_needs)

    def _ask_what_opening_needs(self) -> None:
        """On resume: origins not trusted here first (nothing is sent before a yes), then what
        happened since, then missing credentials, then what a crash interrupted, then stale results."""
        if self.launch.untrusted:
            from launch_tui.tui.dialogs.trust import TrustDialog

            dialog = TrustDialog(self.launch.session_path.name, self.launch.untrusted)
            self.push_screen(dialog, self._origins_answered)
            return
        if self.launch.live.checklist_changed:
            self.notify(
                "the runbook changed since this session began: items are matched by id, new ones are pending",
                timeout=12,
            )
        if self.launch.live.resumed:
            self._show_since_you_left()
        else:
            self._ask_for_credentials()

    def _show_since_you_left(self) -> None:
        from launch_tui.launch.since import since_you_left
        from launch_tui.tui.dialogs.since import SinceYouLeftDialog

        events = self.launch.live.events[:-1]  # not the resume's own event
        found = since_you_left(self.launch, events)
        look = found.demo_gone is None and bool(self.launch.facts.tenant_id or self.launch.facts.job_id)
        self.push_screen(
            SinceYouLeftDialog(found, look=look), lambda _: self._ask_for_credentials(skip=bool(found.demo_gone))
        )

    def _ask_for_credentials(self, *, skip: bool = False) -> None:
        from launch_tui.tui.dialogs.secrets import SecretsDialog, missing_secrets
        from launch_tui.tui.workers import after_opening

        target = self.state.header.target
        if not skip and missing_secrets(target, self.launch.secrets):
            self.push_screen(SecretsDialog(target, self.launch.secrets), lambda _: after_opening(self))
        else:
            after_opening(self)

    def _origins_answered(self, agreed: bool | None) -> None:
        if not agreed:
            name = self.launch.session_path.name
            self.exit(
                2,
                return_code=2,
                message=f"launch-tui: {name}: the origins it names are not trusted on this machine; nothing was sent",
            )
            return
        try:
            self.launch.agree_to_origins()
        except LaunchError as exc:  # the trusted-origins file cannot be written: nothing is sent
            self.exit(2, return_code=2, message=f"launch-tui: {exc}")
            return
        self._ask_what_opening_needs()

    def use_launch(self, launch: LiveLaunch) -> None:
        """From the home screen: a session was created, resumed or opened for replay."""
        import gc

        gc.freeze()  # the session just read lives as long as the app: keep the collector off it
        self.launch = launch
        self._watch(launch)
        self._open_launch_screens()
        self.refresh_bindings()

    def _watch(self, launch: LiveLaunch) -> None:
        launch.subscribe(self._on_event)
        if not launch.read_only:
            launch.on_checkpoint_due = self.run_checkpoint

    def start_new(self, target: Target, folder: Path) -> None:
        from launch_tui.session import LiveSession, default_operator
        from launch_tui.sync.remote import is_shared

        if is_shared(folder):  # fetch and claim first, in a worker
            from launch_tui.tui import sync_view

            sync_view.start_new_shared(self, target, folder)
            return

        self._guarded_open(
            lambda: LiveSession.create(
                target, self.operator_name or default_operator(), folder, trust_source="the new-launch form"
            )
        )

    def open_session(self, path: Path, *, drop_cut_short: bool = False, shared: tuple | None = None) -> None:
        from launch_tui.session import CutShort, LiveSession, default_operator
        from launch_tui.sync.remote import is_shared
        from launch_tui.tui import sync_view

        if shared is None and is_shared(path.parent):  # a shared folder: fetch and claim first, in a worker
            sync_view.open_shared(self, path, drop_cut_short=drop_cut_short)
            return
        try:
            live = LiveSession.resume(path, self.operator_name or default_operator(), drop_cut_short=drop_cut_short)
        except CutShort as cut:
            from launch_tui.tui.dialogs.common import ConfirmDialog

            dialog = ConfirmDialog(
                "The last save was cut short", f"{cut} Drop only that event and continue?", "Drop it"
            )
            self.push_screen(
                dialog,
                lambda yes: (
                    self.open_session(path, drop_cut_short=True, shared=shared)
                    if yes
                    else shared and sync_view.release_claim(self, shared, path.stem)
                ),
            )
            return
        except LaunchError as exc:
            self.notify(safe(str(exc)), severity="error", timeout=10)
            if shared:
                sync_view.release_claim(self, shared, path.stem)
            return
        launch = self._launch_for(live)
        if launch is None:
            if shared:
                sync_view.release_claim(self, shared, path.stem)
            return
        if shared:
            sync_view.attach_opened(self, launch, shared)
        self.use_launch(launch)

    def _guarded_open(self, opener) -> None:
        try:
            live = opener()
        except LaunchError as exc:
            self.notify(safe(str(exc)), severity="error", timeout=10)
            return
        self._use_live(live)

    def _use_live(self, live) -> None:
        launch = self._launch_for(live)
        if launch is not None:
            self.use_launch(launch)

    def _launch_for(self, live) -> LiveLaunch | None:
        from launch_tui.launch.live import LiveLaunch

        try:  # the wizard reads the trusted-origins file: a broken one is a notice, not a crash
            return LiveLaunch(live, Secrets.from_env(), signing_key=self.signing_key)
        except LaunchError as exc:
            live.close()
            self.notify(safe(str(exc)), severity="error", timeout=10)
            return None

    def open_replay(self, path: Path) -> None:
        from launch_tui.launch.replay import ReplayLaunch
        from launch_tui.session.replay import Replay

        try:
            replay = ReplayLaunch(Replay.unverified(path))
        except LaunchError as exc:
            self.notify(safe(str(exc)), severity="error", timeout=10)
            return
        self.mode = "REPLAY · read-only"
        self.use_launch(replay)

    # -- replay ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in REPLAY_ACTIONS:
            return self.launch is not None and self.launch.read_only
        return True

    def replay_to(self, position: int, *, follow: bool = True) -> None:
        """Move the "as of" point. `follow`: a section screen shows the event's item
        (switching section if need be); the timeline moves its own cursor."""
        if position == self.launch.replay.position:
            return
        event = self.launch.move_to(position)
        section = getattr(self.screen, "section", None)
        if follow and section is not None and event is not None and event.item:
            owner = event.item.split(".", 1)[0]
            if owner != section.id and owner in {s.id for s in self.checklist.sections}:
                self.show_section(owner)

    def action_replay_back(self) -> None:
        self.replay_to(self.launch.replay.position - 1)

    def action_replay_forward(self) -> None:
        self.replay_to(self.launch.replay.position + 1)

    def action_replay_first(self) -> None:
        self.replay_to(1)

    def action_replay_last(self) -> None:
        self.replay_to(len(self.launch.replay.events))

    def action_timeline(self) -> None:
        self.show_section(TIMELINE)

    def _verify_replay(self) -> None:
        """Replay's first frame does not wait for the hash chain: it is verified in a thread,
        and the banner says ALTERED (or BAD SIGNATURE) once the verdict is known."""

        def verify() -> None:
            self.launch.verify()
            self.call_from_thread(self._replay_verified)

        self.run_worker(verify, thread=True, group="verify", exit_on_error=False, description="verify the chain")

    def _replay_verified(self) -> None:
        timeline = self.get_screen(f"section-{TIMELINE}") if self.is_screen_installed(f"section-{TIMELINE}") else None
        if self.launch.signatures and getattr(timeline, "_ready", False):
            timeline.fill()  # its rows show each signature's check, known only now
        self.refresh_screen()

    def replay_banner(self) -> Text:
        replay = self.launch.replay
        banner = Text(" REPLAY · read-only ", style="bold black on yellow")
        banner.append(f" event {replay.position}/{len(replay.events)}", style="bold")
        event = replay.current_event
        if event is not None:
            banner.append(
                f" · {event.at[:16].replace('T', ' ')}Z · {safe(event.actor)} · {event.kind.value} {event.item or ''}"
            )
            if event.status:
                banner.append(f" → {event.status.value}")
        verdict = replay.verdict
        if verdict is None:
            banner.append(" · verifying the hash chain…", style="dim")
        elif not verdict.intact:
            banner.append(f"\n ALTERED: {safe(verdict.problem)}", style="bold white on red")
        bad = next((check for check in self.launch.signatures.values() if not check.valid), None)
        if bad is not None:  # the chain may hold (re-sealed): the signature is what tells
            banner.append(f"\n BAD SIGNATURE at event #{bad.event}: {safe(bad.problem)}", style="bold white on red")
        banner.append("\n , . step  g G first/last  t timeline", style="dim")
        return banner

    def show_section(self, section_id: str, *, initial: bool = False) -> None:
        """Each section's screen is built once and kept: switching back is instant and
        keeps the cursor where the operator left it."""
        name = f"section-{section_id}"
        if not self.is_screen_installed(name):
            self.install_screen(self._build_screen(section_id), name)
        if initial:
            self.push_screen(name)
        elif self.screen.name != name:
            self.switch_screen(name)

    def _build_screen(self, section_id: str) -> Screen:
        from launch_tui.tui.screens.section import SectionScreen
        from launch_tui.tui.screens.summary import SummaryScreen
        from launch_tui.tui.screens.timeline import TimelineScreen

        if section_id == TIMELINE:
            return TimelineScreen()
        if section_id == SUMMARY:
            return SummaryScreen(name=f"section-{SUMMARY}")
        return SectionScreen(self.checklist.section(section_id))

    def step_section(self, section_id: str, step: int) -> None:
        ids = [section.id for section in self.checklist.sections] + [SUMMARY]
        index = max(0, min(len(ids) - 1, ids.index(section_id) + step))
        if ids[index] != section_id:
            self.show_section(ids[index])

    def launch_entered(self, section_id: str) -> None:
        self.launch.enter_section(section_id)

    def _on_event(self, event: Event | None) -> None:
        from launch_tui.session import EventKind

        if (
            event is not None
            and event.kind in (EventKind.CHECK_RESULT, EventKind.ACTION_RESULT)
            and not event.data.get("partial")
        ):
            self.running.pop(event.item or "", None)
        self.refresh_screen()

    def refresh_screen(self) -> None:
        """Redraw what is on show; other screens redraw when they are shown again. Under
        a dialog, the screen beneath is redrawn too (it shows through)."""
        for screen in self.screen_stack[-2:]:
            refresh = getattr(screen, "refresh_state", None)
            if refresh:
                refresh()

    # -- running checks and actions ----------------------------------------------

    def start_item(self, item_id: str) -> None:
        from launch_tui.tui.workers import start_item

        start_item(self, item_id)

    def start_section(self, section_id: str) -> None:
        from launch_tui.tui.workers import start_section

        start_section(self, section_id)

    def cancel_runs(self) -> None:
        if not self.running:
            self.notify("nothing is running")
            return
        self.workers.cancel_group(self, "checks")
        self.notify("cancelled; the items keep their last recorded result")

    def mark_running(self, item_id: str) -> None:
        self.running[item_id] = time.monotonic()
        self.refresh_screen()

    def mark_done(self, item_id: str) -> None:
        self.running.pop(item_id, None)
        self.refresh_screen()

    # -- app-wide keys and commands ----------------------------------------------

    def action_help(self) -> None:
        from launch_tui.tui.dialogs.help import HelpDialog

        self.push_screen(HelpDialog(replay=self.launch is not None and self.launch.read_only))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Not super(): its "Screenshot" command would write the screen, perhaps a
        # revealed secret, to a file.
        yield SystemCommand("Theme", "Change the theme (light or dark)", self.action_change_theme)
        yield SystemCommand("Help", "Keys and how the wizard works", self.action_help)
        if self.launch is None:
            yield SystemCommand("Quit", "Quit", self.action_quit)
            return
        writable = not self.launch.read_only
        for section in self.checklist.sections:
            yield SystemCommand(
                f"Go to {section.heading}", f"Show section {section.number}", lambda s=section.id: self.show_section(s)
            )
            if writable:
                yield SystemCommand(
                    f"Run section {section.number}",
                    f"Run every check of {section.title}",
                    lambda s=section.id: self.start_section(s),
                )
        yield SystemCommand(
            "Summary", "Per-section counts and what is missing for launch", lambda: self.show_section(SUMMARY)
        )
        if writable:
            yield SystemCommand(
                "Export report", "Write the launch decision record next to the session", self.export_report
            )
            yield SystemCommand(
                "Pause", "Step away: sync the session now (it resumes on any machine), then quit", self.action_step_away
            )
            yield SystemCommand("Quit", "Quit; everything is saved already", self.action_quit)
        else:
            yield SystemCommand(
                "Timeline", "Every event; the screens show the state as of the selected one", self.action_timeline
            )
            yield SystemCommand("Quit", "Quit the review", self.action_quit)

    def export_report(self) -> None:
        from launch_tui.tui.workers import export_report

        export_report(self)

    # -- checkpoints (launch_tui/launch/checkpoints.py) ----------------------------

    def run_checkpoint(self, checkpoint: Checkpoint) -> None:
        """A checkpoint reached by recording an event (launch complete): its hooks run
        in a worker, and say what they did."""
        work = self.reach_checkpoint(checkpoint)
        self.run_worker(work, group="checkpoint", exit_on_error=False, description=f"checkpoint {checkpoint}")

    async def reach_checkpoint(self, checkpoint: Checkpoint) -> list[str]:
        if self.launch is None or self.launch.read_only:
            return []
        notices = await self.launch.reach(checkpoint)
        for notice in notices:
            self.notify(safe(notice), severity="warning" if "not signed" in notice else "information", timeout=10)
        return notices

    async def action_pause(self) -> None:
        from launch_tui.launch.checkpoints import Checkpoint

        await self.reach_checkpoint(Checkpoint.PAUSE)
        self.action_suspend_process()

    async def action_step_away(self) -> None:
        """Step away: the pause checkpoint (sync, sign), then quit; it resumes on any machine."""
        from launch_tui.launch.checkpoints import Checkpoint

        await self.reach_checkpoint(Checkpoint.PAUSE)
        await self.action_quit()

    async def action_quit(self) -> None:
        from launch_tui.launch.checkpoints import Checkpoint

        if self._quitting:
            return  # q pressed again while the quit checkpoint signs: one signature, one exit
        self._quitting = True
        self.workers.cancel_all()
        if self.launch is not None and not self.launch.read_only:
            self.farewell = await self.launch.reach(Checkpoint.QUIT)
        self.exit(0)

    def on_unmount(self) -> None:
        if self.launch is not None:
            self.launch.close()
