"""The home screen: start a new launch, resume one, or replay one for review.

Its first frame is the title, the folder, a "reading" line and the keys: the sessions
table and the buttons are built once the sessions have been read (in a thread, after
that frame). Until then the table would be an empty header, and building it first cost
the first frame DataTable's import and both widgets' CSS (~30 ms of ~300)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from launch_tui.safe_text import shown as safe
from launch_tui.tui.app import LaunchApp

if TYPE_CHECKING:
    from textual.widgets import Button, DataTable

    from launch_tui.session.listing import SessionRow
    from launch_tui.target import Target


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "new", "New launch"),
        Binding("r", "resume", "Resume"),
        Binding("p", "replay", "Replay"),
        Binding("q", "app.quit", "Quit"),
    ]

    app = getters.app(LaunchApp)

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.rows: list[SessionRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static(
                Text.assemble(("launch-tui", "bold"), (" · the assisted public launch, step by step", "")),
                id="home-title",
            )
            yield Static(Text(f"Sessions in {safe(self.folder)}", style="dim"), id="home-folder")
            yield Static(Text("Reading the sessions…", style="dim"), id="home-reading")
        yield Footer()

    def on_mount(self) -> None:
        # Reading the sessions parses every file: in a thread, once the screen is up.
        self.call_after_refresh(
            lambda: self.app.run_worker(self._load_rows, thread=True, exit_on_error=False, description="list sessions")
        )

    def _load_rows(self) -> None:
        from launch_tui.session.listing import list_rows  # parses session files: after the first frame, in a thread

        try:
            rows = list_rows(self.folder)
        except Exception:  # the app reports it (on_worker_state_changed); the screen still gets its table and buttons
            self.app.call_from_thread(self._show_rows, [], listed=False)
            raise
        self.app.call_from_thread(self._show_rows, rows)

    def _show_rows(self, rows: list[SessionRow], *, listed: bool = True) -> None:
        from textual.widgets import Button, DataTable  # after the first frame (module docstring)

        self.rows = rows
        cells = [_cells(row) for row in rows]
        table: DataTable[Text] = DataTable(cursor_type="row", id="home-sessions")
        # Sized here rather than by the table: DataTable measures new rows when it is next idle,
        # and a header drawn before that stays header-wide above wider rows (seen on a loaded machine).
        widths = [
            max([len(label)] + [cell.cell_len for cell in column])
            for label, *column in zip(COLUMNS, *cells, strict=True)
        ]
        # Labels as Text: a str is read as Rich markup, whose first use imports its emoji table (~3 ms).
        for label, width in zip(COLUMNS, widths, strict=True):
            table.add_column(Text(label), width=width)
        for row, row_cells in zip(rows, cells, strict=True):
            table.add_row(*row_cells, key=str(row.path))
        buttons = Horizontal(
            Button("New launch", variant="primary", id="new"),
            Button("Resume", id="resume"),
            Button("Replay (read-only)", id="replay"),
            id="home-buttons",
        )
        self.query_one("#home-reading", Static).remove()
        self.query_one("#home", Vertical).mount(table, buttons)
        table.focus()  # once mounted: focus is set from the message queue
        unreadable = [row for row in rows if row.error]
        if unreadable:  # listed as unreadable, and why: never opened, never parsed further
            more = f" (and {len(unreadable) - 1} more)" if len(unreadable) > 1 else ""
            self.app.notify(
                safe(f"skipped {unreadable[0].path.name}: {unreadable[0].error}{more}"), severity="warning", timeout=12
            )
        if not listed:
            self.query_one("#home-folder", Static).update(
                Text(f"The sessions in {safe(self.folder)} could not be listed: press n to start one.", style="dim")
            )
        elif not self.rows:
            self.query_one("#home-folder", Static).update(
                Text(f"No sessions in {safe(self.folder)} yet: press n to start one.", style="dim")
            )

    def _selected(self) -> SessionRow | None:
        from textual.widgets import DataTable  # imported already once the list is on screen

        if not self.query("#home-sessions"):  # a key before the list is read
            self.app.notify("the sessions are still being read", severity="warning")
            return None
        table = self.query_one("#home-sessions", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            self.app.notify("no session selected", severity="warning")
            return None
        return self.rows[table.cursor_row]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"new": self.action_new, "resume": self.action_resume, "replay": self.action_replay}
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_resume()

    def action_new(self) -> None:
        from launch_tui.tui.dialogs.target import TargetDialog  # pydantic: only once the form is asked for

        self.app.ask(TargetDialog(), self._created)

    def _created(self, target: Target) -> None:
        self.app.start_new(target, self.folder)

    def action_resume(self) -> None:
        row = self._selected()
        if row and not self.app.opening_a_session():  # a second key while the first opens: ignored
            self.app.open_session(row.path)

    def action_replay(self) -> None:
        row = self._selected()
        if row and not self.app.opening_a_session():
            self.app.open_replay(row.path)


COLUMNS = ("Customer", "Env", "Progress", "State", "Updated", "Operator")


def _cells(row: SessionRow) -> tuple[Text, ...]:
    if row.error:
        return (Text(safe(row.id)), Text("-"), Text("-"), Text("unreadable", style="red"), Text("-"), Text("-"))
    state = Text(row.state, style="green" if row.state == "complete" else "")
    if row.warnings:
        state.append(f" ({'; '.join(row.warnings)})", style="yellow")
    return (
        Text(safe(row.customer)),
        Text(row.environment, style="bold red" if row.environment == "production" else ""),
        Text(row.progress),
        state,
        Text(row.updated[:16].replace("T", " ")),
        Text(safe(row.operator)),
    )
