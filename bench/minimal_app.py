"""The yardstick for start-up: the smallest real Textual app (Header, Static, Footer),
launched and measured exactly as `launch-tui` is."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

MARKER = "minimal textual app"


class Minimal(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(MARKER)
        yield Footer()


if __name__ == "__main__":
    Minimal().run()
