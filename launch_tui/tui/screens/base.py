"""The frame every state screen shares: the top bar, the sidebar with this screen's
entry marked, the main area a subclass fills (compose_main, draw_main), the footer.
A state screen draws when it is shown, and when the app's `state_changed` signal says
what it shows changed while it is in use (shown, or beneath a dialog); a screen not in
use draws when it is shown again."""

from __future__ import annotations

from typing import ClassVar

from textual import getters
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from launch_tui.launch.view import Launch
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.screens import screen_name
from launch_tui.tui.widgets.sidebar import Sidebar
from launch_tui.tui.widgets.topbar import TopBar


class StateScreen(Screen[None]):
    app = getters.app(LaunchApp)
    MAIN: ClassVar[type[Widget]] = Vertical  # the main area's container (the summary scrolls)

    def __init__(self, launch: Launch, section_id: str) -> None:
        super().__init__(name=screen_name(section_id))
        self.launch = launch
        self.section_id = section_id  # a section's id, or SUMMARY / TIMELINE

    def compose(self) -> ComposeResult:
        yield TopBar.of(self.launch, self.app.mode)
        with Horizontal(id="body"):
            yield Sidebar(self.section_id, self.launch.session_path.name, read_only=self.launch.read_only)
            with self.MAIN(id="main"):
                yield from self.compose_main()
        yield Footer()

    def compose_main(self) -> ComposeResult:
        raise NotImplementedError

    def draw_main(self) -> None:
        raise NotImplementedError

    # Subclasses' own on_mount / on_screen_resume run as well as these (Textual calls
    # each class's handler): they must not call super() for them.
    def on_mount(self) -> None:
        self.app.state_changed.subscribe(self, self._state_changed)

    def on_screen_resume(self) -> None:
        self.draw()

    def _state_changed(self, _: None) -> None:
        if self in self.app.screen_stack:
            self.draw()

    def draw(self) -> None:
        self.query_one(Sidebar).show(self.launch.state)
        self.draw_main()

    def on_sidebar_chosen(self, message: Sidebar.Chosen) -> None:
        self.app.show_section(message.section_id)
