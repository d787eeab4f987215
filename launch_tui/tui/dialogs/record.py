"""Filling in a record item (sections 6 and 7): its fields, and the known-gaps table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Select

from launch_tui.checklist import Item
from launch_tui.launch import inputs
from launch_tui.tui.dialogs.common import Dialog
from launch_tui.tui.look import safe


class GapsEditor(VerticalScroll):
    """Known gaps as a table: add a row (checked at once), remove the highlighted one.
    Its dialog gives it where a refused gap is said, and how to save (Enter on no gap)."""

    def __init__(
        self, rows: list[dict[str, str]], today: date, *, show_error: Callable[[str], None], submit: Callable[[], None]
    ) -> None:
        super().__init__(id="gaps")
        self.rows = [dict(row) for row in rows]
        self.today = today
        self.show_error = show_error
        self.submit = submit

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", id="gap-table")
        with Horizontal(id="gap-inputs"):
            yield Input(placeholder="gap", id="gap-what", compact=True, classes="own-enter")
            yield Input(placeholder="owner", id="gap-owner", compact=True, classes="own-enter")
            yield Input(placeholder="due YYYY-MM-DD", id="gap-due", compact=True, classes="own-enter")
        with Horizontal(id="gap-buttons"):
            yield Button("Add gap", id="gap-add")
            yield Button("Remove selected", id="gap-remove")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Gap", "Owner", "Due")
        self._refill()

    def _refill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for row in self.rows:
            table.add_row(Text(safe(row["what"])), Text(safe(row["owner"])), row["due"])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id not in ("gap-add", "gap-remove"):
            return
        event.stop()
        if event.button.id == "gap-add":
            self.add_typed_row()
        elif self.rows:
            row = self.query_one(DataTable).cursor_row
            if 0 <= row < len(self.rows):
                del self.rows[row]
                self._refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter adds the typed gap; on an empty row it saves the dialog (no more gaps)."""
        event.stop()
        if not self.pending_typed:
            self.submit()
            return
        self.add_typed_row()

    def add_typed_row(self) -> None:
        typed = {name: self.query_one(f"#gap-{name}", Input).value for name in ("what", "owner", "due")}
        try:
            row = inputs.gaps([typed], today=self.today)[0]
        except inputs.InputError as exc:
            self.show_error(str(exc).replace("gap 1's", "the gap's"))
            return
        self.rows.append(row)
        for name in ("what", "owner", "due"):
            self.query_one(f"#gap-{name}", Input).value = ""
        self.query_one("#gap-what", Input).focus()
        self.show_error("")
        self._refill()

    @property
    def pending_typed(self) -> bool:
        return any(self.query_one(f"#gap-{name}", Input).value.strip() for name in ("what", "owner", "due"))


class RecordDialog(Dialog[dict[str, Any]]):
    """A record item's fields; dismisses with the checked values (inputs.record)."""

    ok_label = "Save"

    def __init__(self, item: Item, current: dict[str, Any] | None, today: date) -> None:
        super().__init__(item.text)
        self.item = item
        self.current = current or {}
        self.today = today

    def body(self) -> ComposeResult:
        for field in self.item.fields:
            value = self.current.get(field.name)
            if field.type == "gaps":
                yield Label(field.label)
                yield GapsEditor(list(value or []), self.today, show_error=self.show_error, submit=self.action_submit)
                continue
            yield Label(field.label, classes="field-help")
            if field.type == "choice":
                choices = [(choice, choice) for choice in field.choices]
                selected = value if value in field.choices else Select.NULL
                yield Select(choices, value=selected, id=f"field-{field.name}", prompt="choose", compact=True)
            else:
                placeholder = "YYYY-MM-DD" if field.type == "date" else ""
                default = value if value is not None else (self.today.isoformat() if field.type == "date" else "")
                yield Input(value=str(default), placeholder=placeholder, id=f"field-{field.name}", compact=True)

    def focus_first(self) -> None:
        if self.query(GapsEditor):  # the known gaps: typing goes into the first gap at once
            self.query_one("#gap-what", Input).focus()
            return
        super().focus_first()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.prevent_default()  # not the base class's handler as well
        if event.input.id and event.input.id.startswith("field-"):
            event.stop()
            if not self.focus_next_field(event.input):
                self.action_submit()

    def collect(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field in self.item.fields:
            if field.type == "gaps":
                editor = self.query_one(GapsEditor)
                if editor.pending_typed:
                    raise inputs.InputError("a gap is typed but not added; press Add gap or clear it")
                values[field.name] = editor.rows
            elif field.type == "choice":
                choice = self.query_one(f"#field-{field.name}", Select).value
                values[field.name] = None if choice is Select.NULL else choice
            else:
                values[field.name] = self.query_one(f"#field-{field.name}", Input).value
        return inputs.record(self.item, values, today=self.today)
