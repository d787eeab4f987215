"""A table of one-line rows with a row cursor, drawn only for the lines on screen: the
replay timeline's events, a section's items.

Textual's DataTable renders each cell it shows through Rich (0.1-0.3 ms a cell, ~50 ms
for a screenful of seven columns), again after every change, and measures every cell it
holds: the timeline held a window of 100 events and still spent ~90 ms of a 10,000-event
replay's first frame in it, and a section's item table up to 3-5 ms of a sweep's p99
stall. Here a row is one segment a cell, cut or padded to column widths known before any
row is drawn, and only the lines on screen are drawn, when they change.

Cells are plain text, never markup: an edited file must not style the screen or add links.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cell = str | Text
PADDING = " "  # either side of every cell, as DataTable draws them


class LineTable(ScrollView, can_focus=True):
    """`set_rows(rows, cells)`: the rows' keys, in order, and how one row's cells are made
    (called only for the rows drawn). `cursor_row` is an index into `rows`.
    `ANNOUNCE_EVERY_MOVE`: Highlighted for the program's moves too, not only the operator's."""

    ANNOUNCE_EVERY_MOVE = False

    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .line-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .line-table--header {
                background-tint: $foreground 5%;
            }
        }
        & > .line-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    COMPONENT_CLASSES = {"line-table--header", "line-table--cursor"}
    # Left and right scroll sideways (ScrollView's own bindings): the last column is wide.
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "cursor_first", "First", show=False),
        Binding("end", "cursor_last", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved to the row `key`."""

        def __init__(self, table: LineTable, key: Any) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> LineTable:
            return self.table

    class Selected(Highlighted):
        """Enter, or a click on the cursor's row."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels: tuple[str, ...] = ()
        self.widths: tuple[int, ...] = ()
        self.rows: Sequence[Any] = ()
        self.cursor_row = 0
        self._row_cells: Callable[[Any], Sequence[Cell]] = lambda key: ()

    def set_columns(self, columns: Sequence[tuple[str, int]]) -> None:
        """Each column's label and width in cells (a longer cell is cut)."""
        self.labels = tuple(label for label, _ in columns)
        self.widths = tuple(max(width, len(label)) for label, width in columns)
        self._resize()

    def set_rows(self, rows: Sequence[Any], cells: Callable[[Any], Sequence[Cell]]) -> None:
        self.rows = rows
        self._row_cells = cells
        self.cursor_row = max(0, min(self.cursor_row, len(rows) - 1))
        self._resize()
        self.refresh()

    def cells_of(self, key: Any) -> tuple[str, ...]:
        """A row's cells as text, as drawn before they are cut to width."""
        return tuple(cell.plain if isinstance(cell, Text) else cell for cell in self._row_cells(key))

    @property
    def cursor_key(self) -> Any:
        return self.rows[self.cursor_row] if self.rows else None

    def move_cursor(self, row: int, *, announce: bool = False) -> None:
        """`announce`: the operator moved it (a Highlighted message, as for every move with
        ANNOUNCE_EVERY_MOVE), not the program."""
        if not self.rows:
            return
        row = max(0, min(row, len(self.rows) - 1))
        moved = row != self.cursor_row
        self.cursor_row = row
        self.scroll_cursor_into_view()
        if moved:
            self.refresh()
            if announce or self.ANNOUNCE_EVERY_MOVE:
                self.post_message(self.Highlighted(self, self.rows[row]))

    def scroll_cursor_into_view(self) -> None:
        """The header is line 0 and stays; row `cursor_row` is virtual line `cursor_row + 1`."""
        region = Region(int(self.scroll_x), self.cursor_row + 1, max(1, self.size.width), 1)
        self.scroll_to_region(region, spacing=Spacing(top=1), animate=False, force=True, x_axis=False, immediate=True)

    def _resize(self) -> None:
        width = sum(self.widths) + 2 * len(PADDING) * len(self.widths)
        size = Size(width, len(self.rows) + 1)
        if size != self.virtual_size:
            self.virtual_size = size
            self.refresh(layout=True)  # a table of `height: auto` grows with its rows

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1, announce=True)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1, announce=True)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._page, announce=True)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._page, announce=True)

    def action_cursor_first(self) -> None:
        self.move_cursor(0, announce=True)

    def action_cursor_last(self) -> None:
        self.move_cursor(len(self.rows) - 1, announce=True)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self, self.rows[self.cursor_row]))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = offset.y + int(self.scroll_y) - 1
        if not 0 <= index < len(self.rows):
            return
        if index == self.cursor_row:
            self.action_select()
        else:
            self.move_cursor(index, announce=True)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        base = pad = self.rich_style
        if y == 0:
            pad = base + self.get_component_rich_style("line-table--header")  # it spans the width, as DataTable's
            segments = self._line(self.labels, pad, None)
        else:
            index = y + scroll_y - 1
            if not 0 <= index < len(self.rows):
                return Strip.blank(width, base)
            cursor = self.get_component_rich_style("line-table--cursor") if index == self.cursor_row else None
            if cursor is not None:
                pad = base + cursor  # the cursor's row too
            segments = self._line(self._row_cells(self.rows[index]), base, cursor)
        line = Strip(segments, self.virtual_size.width)
        return line.crop(scroll_x, scroll_x + width).adjust_cell_length(width, pad).simplify()

    def _line(self, cells: Sequence[Cell], row: Style, cursor: Style | None) -> list[Segment]:
        """The cursor's style goes over each cell's own, as DataTable's cursor does by default."""
        segments: list[Segment] = []
        console = self.app.console
        for cell, width in zip(cells, self.widths, strict=False):
            if isinstance(cell, Text) and cell.spans:  # several styles (a stale status): Rich cuts it
                cut = Segment.adjust_line_length(list(cell.render(console)), width)
                padded = [Segment(PADDING), *cut, Segment(PADDING)]
                segments.extend(Segment.apply_style(padded, row, cursor))
                continue
            style = row
            if isinstance(cell, Text):
                if cell.style:
                    style += console.get_style(cell.style)
                cell = cell.plain
            if cursor is not None:
                style += cursor
            segments.append(Segment(f"{PADDING}{set_cell_size(cell, width)}{PADDING}", style))
        return segments
