"""The items of one section, as a table the operator moves through."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from launch_tui.checklist import Section
from launch_tui.session import SessionState
from launch_tui.tui.look import safe, status_text


class ItemTable(DataTable):
    DEFAULT_CSS = """
    ItemTable {
        scrollbar-size-horizontal: 0;
        height: auto;
        max-height: 9;
        margin-bottom: 1;
    }
    """

    def __init__(self, section: Section, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.section = section
        self._cells: dict[str, Text] = {}

    def on_mount(self) -> None:
        self.add_column("Status", key="status", width=12)
        self.add_column("Item", key="item")
        for item in self.section.items:
            self.add_row(Text(""), Text(safe(item.text)), key=item.id)

    def show(self, state: SessionState, running: set[str], now: datetime) -> None:
        for item in self.section.items:
            item_state = state.item(item.id)
            cell = status_text(item_state.status, running=item.id in running, stale=item_state.is_stale(item, now))
            if cell != self._cells.get(item.id):
                self._cells[item.id] = cell
                self.update_cell(item.id, "status", cell)

    @property
    def selected_item(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value


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
