"""The first thing a resume shows: what happened since the session was last open.
Enter or Escape continues; the platform's part fills in when its read-only looks land."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from launch_tui.launch.since import SinceYouLeft, platform_since
from launch_tui.tui.look import safe

if TYPE_CHECKING:
    from launch_tui.launch.live import LiveLaunch


def _block(title: str, lines: list[str], empty: str) -> Text:
    out = Text(title + "\n", style="bold")
    if not lines:
        out.append(f"  {empty}\n", style="dim")
    for line in lines:
        out.append(f"  • {safe(line)}\n")
    return out


class SinceYouLeftDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "continue", "Continue"), Binding("enter", "continue", "Continue", show=False)]
    DEFAULT_CLASSES = "dialog"

    def __init__(self, launch: LiveLaunch, found: SinceYouLeft, *, look: bool) -> None:
        super().__init__()
        self.launch = launch  # what to look up on the platform, read-only
        self.found = found
        self.look = look  # something on the platform to look at (a tenant, a job)

    def compose(self) -> ComposeResult:
        found = self.found
        with Vertical(id="frame"):
            yield Static(Text("Since you left", style="bold"), id="dialog-title")
            with VerticalScroll(id="since"):
                if found.demo_gone:
                    yield Static(Text(safe(found.demo_gone), style="bold yellow"), id="since-demo")
                yield Static(_block("Last events", found.last, "none yet"), id="since-last")
                yield Static(
                    _block("Outcome unknown", found.unknown, "no action was left half-done"), id="since-unknown"
                )
                platform = "looking (read-only)…" if self.look else "nothing the session refers to yet"
                yield Static(_block("On the platform since", [], platform), id="since-platform")
                if not found.demo_gone:
                    yield Static(
                        _block("Not automated on this machine", found.not_here, "everything runs here"), id="since-here"
                    )
            with Horizontal(id="dialog-buttons"):
                yield Button("Continue (Enter)", variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()
        if self.look:
            self.run_worker(self._look(), exit_on_error=False, group="since")

    async def _look(self) -> None:
        try:
            seen = await platform_since(self.launch)
        except Exception as exc:
            seen = [f"could not look: {type(exc).__name__}"]
        self.found.platform = seen
        if self.is_attached:
            self.query_one("#since-platform", Static).update(_block("On the platform since", seen, "nothing to report"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_continue()

    def action_continue(self) -> None:
        self.dismiss(None)
