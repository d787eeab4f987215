"""Screens that draw the session state. The app asks every screen in the stack to
redraw after each event; one that has not been mounted yet has nothing to draw on."""

from __future__ import annotations

from textual.screen import Screen


class StateScreen(Screen):
    _ready = False

    def on_mount(self) -> None:
        self._ready = True  # Textual sets is_mounted only after on_mount returns

    def on_screen_resume(self) -> None:
        self.refresh_state()

    def refresh_state(self) -> None:
        if self._ready:
            self.draw()

    def draw(self) -> None:
        raise NotImplementedError
