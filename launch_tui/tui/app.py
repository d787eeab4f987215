"""The launch wizard's App: which screen shows, the one redraw signal, and how work
started from the screens reaches the operator (dialogs, notices, worker failures).
What the screens show comes from one Launch (launch_tui.launch.view); domain logic
lives in launch_tui.launch.

This module is on the path to the home screen's first frame, which must not wait for
the session store, pydantic, the engine or httpx: what needs them is imported in the
method that needs it (each such import says so), everything else at the top."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from launch_tui.errors import LaunchError
from launch_tui.launch.checkpoints import Checkpoint
from launch_tui.safe_text import shown as safe
from launch_tui.secrets import Secrets
from launch_tui.session import sessions_dir  # the session package loads its modules on first use: this one is small
from launch_tui.tui.running import Running
from launch_tui.tui.screens import SUMMARY, TIMELINE, screen_name

if TYPE_CHECKING:
    from launch_tui.launch.live import LiveLaunch
    from launch_tui.launch.view import Launch
    from launch_tui.session import Event, LiveSession
    from launch_tui.session.replay import Replay
    from launch_tui.signing.sign import SigningKey
    from launch_tui.target import Target
    from launch_tui.trust import Untrusted
    from launch_tui.tui.sync_view import SharedClaim

Answer = TypeVar("Answer")

REPLAY_ACTIONS = {"replay_back", "replay_forward", "replay_first", "replay_last", "timeline"}
STALE_REDRAW = 0.5  # seconds: a redraw due longer than this was lost (see redraw)
READ_ONLY = "nothing can be changed in a review (resume the session to work on it)"


# The workers that open a session from the home screen (sync_view's "open": fetch and claim).
OPENING = frozenset({"open", "resume", "open-replay"})


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
        launch: Launch | None = None,
        *,
        home: Path | None = None,
        mode: str = "",
        operator: str | None = None,
        signing_key: SigningKey | None = None,
    ) -> None:
        super().__init__()
        self.launch: Launch | None = None  # None only on the home screen, before a session is opened
        self.home = home
        self.mode = mode
        self.operator_name = operator
        self.signing_key = signing_key  # for sessions opened from the home screen
        # What the state screens show changed: each redraws once per frame (see redraw).
        self.state_changed: Signal[None] = Signal(self, "state-changed")
        self._redraw_due: float | None = None  # when a redraw was last asked for, until it is published
        self.running = Running(self.redraw)
        self.farewell: list[str] = []  # the quit checkpoint's notices, printed once the screen is gone
        self._quitting = False
        if launch is not None:
            self._watch(launch)

    # -- the launch ----------------------------------------------------------------

    @property
    def live_launch(self) -> LiveLaunch:
        """The launch that workers and writing keys act on. Their keys are hidden in
        replay (check_action), so this refuses only what no key should have started."""
        writable = self.launch.writable if self.launch is not None else None
        if writable is None:
            raise LaunchError(READ_ONLY)
        return writable

    @property
    def replay(self) -> Replay:
        """The session under review; only the replay keys ask (check_action hides them live)."""
        replay = self.launch.replay if self.launch is not None else None
        if replay is None:
            raise LaunchError("not a replay")
        return replay

    def _watch(self, launch: Launch) -> None:
        self.launch = launch
        launch.subscribe(self._on_event)
        live = launch.writable
        if live is not None:
            live.on_checkpoint_due = self.run_checkpoint

    def _on_event(self, event: Event) -> None:
        from launch_tui.session import EventKind  # pydantic (see the module's docstring); loaded by now

        if event.kind in (EventKind.CHECK_RESULT, EventKind.ACTION_RESULT) and not event.data.get("partial"):
            self.running.finish(event.item or "")
        self.redraw()

    def redraw(self) -> None:
        """Something the state screens show changed (an event recorded, a run started or
        ended, the replay moved). They redraw once, after the frame, however many changes
        it saw: a sweep's results arrive faster than a person can read them."""
        if not self.is_running:
            return  # before the app runs: every screen draws when it is first shown
        now = time.monotonic()
        if self._redraw_due is not None and now - self._redraw_due < STALE_REDRAW:
            return
        # One redraw is due; one that was due long ago was lost with the screen it waited on
        # (Textual runs it after *that* screen's refresh), so it is asked for again.
        self._redraw_due = now
        self.call_after_refresh(self._publish_redraw)

    def _publish_redraw(self) -> None:
        self._redraw_due = None
        self.state_changed.publish(None)

    # -- telling the operator ---------------------------------------------------------

    def notify_error(
        self, error: BaseException | str, *, severity: SeverityLevel = "error", timeout: float | None = 10
    ) -> None:
        """One line for a refusal or a failure: never a traceback, never raw escape codes."""
        self.notify(safe(str(error)), severity=severity, timeout=timeout)

    def ask(self, dialog: Screen[Answer | None], then: Callable[[Answer], object]) -> None:
        """Show `dialog`; when it is answered (not cancelled), `then(answer)`. A refusal
        of what the answer asked for becomes a one-line notice and the state stays."""

        def answered(answer: Answer | None) -> None:
            if answer is None:
                return
            try:
                then(answer)
            except LaunchError as exc:
                self.notify_error(exc, severity="warning", timeout=6)

        self.push_screen(dialog, answered)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker of the app that fails ends here: a refusal (LaunchError) as its
        message, anything else as what it was, so that nothing fails silently."""
        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        if isinstance(error, LaunchError):
            self.notify_error(error, severity="warning", timeout=8)
        else:
            what = event.worker.description or event.worker.name or "a background task"
            self.notify_error(f"{what} failed: {type(error).__name__}: {error}", timeout=20)

    # -- screens -----------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """Without a launch the home screen is the first screen itself: pushed over the default
        one, that blank screen was composed, laid out and drawn before the home screen's first frame."""
        if self.launch is not None:
            return super().get_default_screen()
        from launch_tui.tui.screens.home import HomeScreen  # it imports this module (its typed app)

        return HomeScreen(self.home or sessions_dir())

    def on_ready(self) -> None:
        """The collector, off for a TUI command's start-up (cli.main, run_app), is on again
        once the first frame is drawn. Ready comes just before that frame is rendered: on
        here, it ran ~30 collections (~20 ms) in the first frame of every screen measured."""
        self.call_after_refresh(gc.enable)

    def on_mount(self) -> None:
        if self.launch is not None:
            self._open_launch_screens(self.launch)

    def _open_launch_screens(self, launch: Launch) -> None:
        if launch.sync is not None:
            from launch_tui.tui import sync_view  # loads the git sync: only for a shared folder

            sync_view.start(self, launch.sync)
        if launch.read_only:
            self.show_section(TIMELINE, initial=True)
            if not launch.verified:
                self.call_after_refresh(self._verify_replay, launch)
            return
        self.show_section(launch.state.current_section or launch.checklist.sections[0].id, initial=True)
        # Dialogs go on top of the section screen, so only once it is there.
        self.call_after_refresh(self._ask_what_opening_needs)

    def _ask_what_opening_needs(self) -> None:
        """On resume: origins not trusted here first (nothing is sent before a yes), then what
        happened since, then missing credentials, then what a crash interrupted, then stale results."""
        from launch_tui.tui import opening  # the dialogs of a session's first screen, after its first frame

        opening.ask_what_opening_needs(self, self.live_launch)

    def use_launch(self, launch: Launch) -> None:
        """From the home screen: a session was created, resumed or opened for replay."""
        gc.freeze()  # the session just read lives as long as the app: keep the collector off it
        self._watch(launch)
        self._open_launch_screens(launch)
        self.refresh_bindings()

    def start_new(self, target: Target, folder: Path) -> None:
        # The session store and the sync: not before a session is opened (module docstring).
        from launch_tui.session import LiveSession, default_operator
        from launch_tui.sync.remote import is_shared
        from launch_tui.tui import sync_view

        if is_shared(folder):  # fetch and claim first, in a worker
            sync_view.start_new_shared(self, target, folder)
            return
        try:
            live = LiveSession.create(
                target, self.operator_name or default_operator(), folder, trust_source="the new-launch form"
            )
        except LaunchError as exc:
            self.notify_error(exc)
            return
        launch = self.launch_for(live)
        if launch is not None:
            self.use_launch(launch)

    def open_session(
        self,
        path: Path,
        *,
        drop_cut_short: bool = False,
        shared: SharedClaim | None = None,
        agreed: list[Untrusted] | None = None,
    ) -> None:
        """Resume the session at `path` (a shared folder's: fetched and claimed first, in a worker).
        `agreed`: the origins the operator said yes to before it was opened (opening.ask_before_opening);
        None: not asked yet."""
        # The sync and the dialogs: not before a session is opened (module docstring).
        from launch_tui.sync.remote import is_shared
        from launch_tui.tui import opening, sync_view

        if shared is None and is_shared(path.parent):
            sync_view.open_shared(self, path, drop_cut_short=drop_cut_short)
            return

        def give_back_the_claim() -> None:
            if shared is not None:
                sync_view.release_claim(self, shared, path.stem)

        def once_agreed(untrusted: list[Untrusted]) -> None:
            self.open_session(path, drop_cut_short=drop_cut_short, shared=shared, agreed=untrusted)

        if agreed is None and opening.ask_before_opening(self, path, once_agreed, give_back_the_claim):
            return
        self.run_worker(self._resume(path, drop_cut_short, shared, give_back_the_claim, agreed), group="resume")

    async def _resume(
        self,
        path: Path,
        drop_cut_short: bool,
        shared: SharedClaim | None,
        give_back_the_claim: Callable[[], None],
        agreed: list[Untrusted] | None,
    ) -> None:
        """Read, verified and locked in a thread (10,000 events: about half a second), so that
        the list stays live; then the wizard, on the loop."""
        import asyncio

        # The session store and the dialogs: not before a session is opened (module docstring).
        from launch_tui.session import CutShort, LiveSession, default_operator
        from launch_tui.tui import sync_view
        from launch_tui.tui.dialogs.common import ConfirmDialog

        operator = self.operator_name or default_operator()
        try:
            live = await asyncio.to_thread(LiveSession.resume, path, operator, drop_cut_short=drop_cut_short)
        except CutShort as cut:
            dialog = ConfirmDialog(
                "The last save was cut short", f"{cut} Drop only that event and continue?", "Drop it"
            )

            def dropping(drop: bool | None) -> None:
                if drop:
                    # The origins were asked about already: [] when there was nothing to ask.
                    self.open_session(path, drop_cut_short=True, shared=shared, agreed=agreed or [])
                else:
                    give_back_the_claim()

            self.push_screen(dialog, dropping)
            return
        except LaunchError as exc:
            self.notify_error(exc)
            give_back_the_claim()
            return
        if self.launch is not None:  # a replay opened meanwhile: it stays
            live.close()
            give_back_the_claim()
            return
        launch = self.launch_for(live)
        if launch is None:
            give_back_the_claim()
            return
        if agreed:  # read and verified intact: only now is the yes kept
            try:
                launch.agree_to_origins_asked(agreed)
            except LaunchError as exc:  # the trusted-origins file cannot be written: the opening asks again
                self.notify_error(exc)
        if shared is not None:
            sync_view.attach_opened(launch, shared)
        self.use_launch(launch)

    def launch_for(self, live: LiveSession) -> LiveLaunch | None:
        from launch_tui.launch.live import LiveLaunch  # the engine: not before a session is opened

        try:  # the wizard reads the trusted-origins file: a broken one is a notice, not a crash
            return LiveLaunch(live, Secrets.from_env(), signing_key=self.signing_key)
        except LaunchError as exc:
            live.close()
            self.notify_error(exc)
            return None

    def opening_a_session(self) -> bool:
        """A session chosen on the home screen is being fetched, claimed or read (in workers,
        the list still live): the home screen opens one at a time."""
        return any(worker.group in OPENING and not worker.is_finished for worker in self.workers)

    def open_replay(self, path: Path) -> None:
        """Read in a thread: 10,000 events take a few hundred ms, and the list stays live meanwhile."""
        self.run_worker(self._open_replay(path), group="open-replay", exit_on_error=False)

    async def _open_replay(self, path: Path) -> None:
        import asyncio

        # The session store: not before a session is opened (module docstring).
        from launch_tui.launch.replay import ReplayLaunch
        from launch_tui.session.replay import Replay

        try:
            replay = await asyncio.to_thread(lambda: ReplayLaunch(Replay.unverified(path)))
        except LaunchError as exc:
            self.notify_error(exc)
            return
        if self.launch is not None:  # a session was opened meanwhile: it stays
            return
        self.mode = "REPLAY · read-only"
        self.use_launch(replay)

    def show_section(self, section_id: str, *, initial: bool = False) -> None:
        """Each section's screen is built once and kept: switching back is instant and
        keeps the cursor where the operator left it."""
        name = screen_name(section_id)
        if not self.is_screen_installed(name):
            self.install_screen(self._build_screen(section_id), name)
        if initial:
            self.push_screen(name)
        elif self.screen.name != name:
            self.switch_screen(name)

    def _build_screen(self, section_id: str) -> Screen[None]:
        # The state screens load the session's modules: not on the home screen's path.
        from launch_tui.tui.screens.section import SectionScreen
        from launch_tui.tui.screens.summary import SummaryScreen
        from launch_tui.tui.screens.timeline import TimelineScreen

        launch = self.launch
        assert launch is not None, "a state screen is shown only once a launch is open"
        if section_id == TIMELINE:
            return TimelineScreen(launch, self.replay)
        if section_id == SUMMARY:
            return SummaryScreen(launch)
        return SectionScreen(launch, launch.checklist.section(section_id))

    def step_section(self, section_id: str, step: int) -> None:
        if self.launch is None:
            return
        ids = [section.id for section in self.launch.checklist.sections] + [SUMMARY]
        index = max(0, min(len(ids) - 1, ids.index(section_id) + step))
        if ids[index] != section_id:
            self.show_section(ids[index])

    # -- replay ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in REPLAY_ACTIONS:
            return self.launch is not None and self.launch.read_only
        return True

    def replay_to(self, position: int, *, follow: bool = True) -> None:
        """Move the "as of" point. `follow`: a section screen shows the event's item
        (switching section if need be); the timeline moves its own cursor."""
        replay = self.replay
        if position == replay.position:
            return
        replay.move_to(position)
        self.redraw()
        event = replay.current_event
        sections = {screen_name(section.id): section.id for section in replay.checklist.sections}
        if follow and self.screen.name in sections and event is not None and event.item:
            owner = event.item.split(".", 1)[0]
            if owner in sections.values() and screen_name(owner) != self.screen.name:
                self.show_section(owner)

    def action_replay_back(self) -> None:
        self.replay_to(self.replay.position - 1)

    def action_replay_forward(self) -> None:
        self.replay_to(self.replay.position + 1)

    def action_replay_first(self) -> None:
        self.replay_to(1)

    def action_replay_last(self) -> None:
        self.replay_to(len(self.replay.events))

    def action_timeline(self) -> None:
        self.show_section(TIMELINE)

    def _verify_replay(self, launch: Launch) -> None:
        """A review's first frame does not wait for the hash chain: it is verified in a thread,
        and the banner says ALTERED (or BAD SIGNATURE) once the verdict is known."""

        def verify() -> None:
            launch.verify()
            self.call_from_thread(self._replay_verified)

        self.run_worker(verify, thread=True, group="verify", exit_on_error=False, description="verify the chain")

    def _replay_verified(self) -> None:
        from launch_tui.tui.screens.timeline import TimelineScreen  # loaded by now: the review shows it

        name = screen_name(TIMELINE)
        if self.launch is not None and self.launch.signatures and self.is_screen_installed(name):
            timeline = self.get_screen(name)
            if isinstance(timeline, TimelineScreen) and timeline.is_mounted:
                timeline.fill()  # its rows show each signature's check, known only now
        self.redraw()

    # -- running checks and actions ----------------------------------------------

    def start_item(self, item_id: str) -> None:
        from launch_tui.tui.workers import start_item  # the engine and the action dialogs: not on the home screen path

        start_item(self, self.live_launch, item_id)

    def start_section(self, section_id: str) -> None:
        from launch_tui.tui.workers import start_section  # the engine (as start_item)

        start_section(self, self.live_launch, section_id)

    def cancel_runs(self) -> None:
        if not self.running:
            self.notify("nothing is running")
            return
        self.workers.cancel_group(self, "checks")
        self.notify("cancelled; the items keep their last recorded result")

    # -- app-wide keys and commands ----------------------------------------------

    def action_help(self) -> None:
        from launch_tui.tui.dialogs.help import HelpDialog  # the Markdown widget: only when help is asked for

        self.push_screen(HelpDialog(replay=self.launch is not None and self.launch.read_only))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Not super(): its "Screenshot" command would write the screen, perhaps a
        # revealed secret, to a file.
        yield SystemCommand("Theme", "Change the theme (light or dark)", self.action_change_theme)
        yield SystemCommand("Help", "Keys and how the wizard works", self.action_help)
        if self.launch is None:
            yield SystemCommand("Quit", "Quit", self.action_quit)
            return
        writable = not self.launch.read_only
        for section in self.launch.checklist.sections:
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
        from launch_tui.tui.workers import export_report  # the engine (as start_item)

        export_report(self, self.live_launch)

    # -- checkpoints (launch_tui/launch/checkpoints.py) ----------------------------

    def run_checkpoint(self, checkpoint: Checkpoint) -> None:
        """A checkpoint reached by recording an event (launch complete): its hooks run
        in a worker, and say what they did."""
        work = self.reach_checkpoint(checkpoint)
        self.run_worker(work, group="checkpoint", exit_on_error=False, description=f"checkpoint {checkpoint}")

    async def reach_checkpoint(self, checkpoint: Checkpoint) -> list[str]:
        live = self.launch.writable if self.launch is not None else None
        if live is None:
            return []
        notices = await live.reach(checkpoint)
        for notice in notices:
            self.notify(safe(notice), severity="warning" if "not signed" in notice else "information", timeout=10)
        return notices

    async def action_pause(self) -> None:
        await self.reach_checkpoint(Checkpoint.PAUSE)
        self.action_suspend_process()

    async def action_step_away(self) -> None:
        """Step away: the pause checkpoint (sync, sign), then quit; it resumes on any machine."""
        await self.reach_checkpoint(Checkpoint.PAUSE)
        await self.action_quit()

    async def action_quit(self) -> None:
        if self._quitting:
            return  # q pressed again while the quit checkpoint signs: one signature, one exit
        self._quitting = True
        self.workers.cancel_all()
        live = self.launch.writable if self.launch is not None else None
        if live is not None:
            self.farewell = await live.reach(Checkpoint.QUIT)
        self.exit(0)

    def on_unmount(self) -> None:
        if self.launch is not None:
            self.launch.close()
