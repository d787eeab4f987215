"""The items of one section, as a table the operator moves through."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from launch_tui.checklist import Section
from launch_tui.session import SessionState
from launch_tui.tui.look import safe, status_text
from launch_tui.tui.widgets.line_table import LineTable

STATUS_WIDTH = 12  # as the DataTable had it: a stale status is cut


class ItemTable(LineTable):
    """A section's items, each one's status and text. The section screen shows the detail
    of the item under the cursor, however the cursor got there: every move is announced."""

    ANNOUNCE_EVERY_MOVE = True
    DEFAULT_CSS = """
    ItemTable {
        scrollbar-size-horizontal: 0;
        height: auto;
        max-height: 9;
        margin-bottom: 1;
    }
    """

    def __init__(self, section: Section, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.section = section
        self._texts = {item.id: Text(safe(item.text)) for item in section.items}
        self._statuses = {item.id: Text("") for item in section.items}

    def on_mount(self) -> None:
        widest = max((text.cell_len for text in self._texts.values()), default=0)
        self.set_columns([("Status", STATUS_WIDTH), ("Item", widest)])
        self.set_rows([item.id for item in self.section.items], self._cells)

    def _cells(self, item_id: str) -> tuple[Text, Text]:
        return self._statuses[item_id], self._texts[item_id]

    def show(self, state: SessionState, running: set[str], now: datetime) -> None:
        """Redrawn only if a status changed: a sweep calls this once a frame."""
        changed = False
        for item in self.section.items:
            item_state = state.item(item.id)
            cell = status_text(item_state.status, running=item.id in running, stale=item_state.is_stale(item, now))
            if cell != self._statuses[item.id]:
                self._statuses[item.id] = cell
                changed = True
        if changed:
            self.refresh()

    @property
    def selected_item(self) -> str | None:
        return self.cursor_key  # None: no rows


class ResultsPreview(DataTable):
    """The first rows of the customer's results, as the platform returned them. Shown
    on screen only: they are the customer's data, and the session records the verdict."""

    DEFAULT_CSS = """
    ResultsPreview {
        height: auto;
        max-height: 8;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self.display = False
        self._rows: list[dict] | None = None

    def show(self, rows: list[dict]) -> None:
        if rows is self._rows:
            return
        self._rows = rows
        self.clear(columns=True)
        self.display = bool(rows)
        if not rows:
            return
        columns = list(dict.fromkeys(key for row in rows for key in row))[:8]
        self.add_columns(*(safe(column) for column in columns))
        for row in rows:
            self.add_row(*(Text(safe(row.get(column, ""))[:60]) for column in columns))
