"""The line at the top: whose launch, and which environment. Production must stand out."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from launch_tui.labels import DEMO_BADGE, is_demo
from launch_tui.launch.view import Launch
from launch_tui.tui.look import safe


class TopBar(Horizontal):
    DEFAULT_CSS = """
    TopBar {
        height: 1;
        background: $panel;
        #title {
            width: 1fr;
        }
        #sync {
            width: auto;
            max-width: 60%;
            padding: 0 1;
            color: $text-muted;
            &.-problem {
                color: $warning;
                text-style: bold;
            }
        }
        #environment {
            width: auto;
            background: $success-darken-1;
            color: $text;
            text-style: bold;
            &.-production {
                background: $error;
                color: white;
            }
            &.-demo {
                background: $warning;
                color: black;
            }
        }
    }
    """

    def __init__(
        self, customer: str, environment: str, mode: str = "", *, badge: str | None = None, sync: str | None = None
    ) -> None:
        super().__init__()
        self.customer = customer
        self.environment = environment
        self.mode = mode
        self.sync = sync  # the git sync's one line ("synced 10:42Z"); None: the folder is not shared
        self.badge = badge  # a demo's "DEMO · SANDBOX" instead of the environment

    @classmethod
    def of(cls, launch: Launch, mode: str) -> TopBar:
        """The bar for `launch`; a demo says so in the mode and in the badge."""
        header = launch.state.header
        demo = is_demo(header)
        if demo and "DEMO" not in mode:
            mode = " · ".join(part for part in ("DEMO", mode) if part)
        return cls(
            header.target.customer.name,
            header.target.environment,
            mode,
            badge=DEMO_BADGE if demo else None,
            sync=launch.sync.line if launch.sync is not None else None,
        )

    def compose(self) -> ComposeResult:
        title = Text.assemble((" launch-tui ", "bold"), "│ ", (safe(self.customer), "bold"))
        if self.mode:
            title.append(f"  {self.mode}", style="bold")
        yield Static(title, id="title")
        if self.sync is not None:
            yield Static(safe(self.sync), id="sync")
        badge = Static(f" {self.badge or self.environment.upper()} ", id="environment")
        badge.set_class(self.environment == "production" and self.badge is None, "-production")
        badge.set_class(self.badge is not None, "-demo")
        yield badge
