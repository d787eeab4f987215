"""Small typed dialogs: each dismisses with a value (or None when cancelled), and
checks its input with the same rules the wizard applies, showing one line if wrong."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from launch_tui.errors import LaunchError
from launch_tui.launch.inputs import InputError
from launch_tui.tui.look import safe


class FieldError(InputError):
    """An input error that belongs to one field: the dialog puts the focus back there."""

    def __init__(self, message: str, field_id: str) -> None:
        super().__init__(message)
        self.field_id = field_id


def field_row(label: str, widget: Widget) -> Horizontal:
    """A label and its field on one line: dialogs must fit 80x24."""
    return Horizontal(Label(label, classes="field-label"), widget, classes="field-row")


Answer = TypeVar("Answer")


class Dialog(ModalScreen[Answer | None], Generic[Answer]):
    """A framed dialog with a title, an error line, and OK / Cancel. The focus starts
    in the first empty field; Enter moves to the next field and submits from the last;
    a refused value keeps the dialog, what was typed, and the focus on the field at fault."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CLASSES = "dialog"
    ok_label = "OK"

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(Text(self.title_text, style="bold"), id="dialog-title")
            yield from self.body()
            yield Static("", id="dialog-error")
            with Horizontal(id="dialog-buttons"):
                yield Button(self.ok_label, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def body(self) -> ComposeResult:
        yield from ()

    # Subclasses choose where the focus starts by overriding focus_first, not on_mount:
    # Textual would run both handlers.
    def on_mount(self) -> None:
        self.focus_first()

    def fields(self) -> list[Widget]:
        """The dialog's own fields, in order (a widget group with its own Enter, like the
        known-gaps editor's inputs, is left out by giving them the class `own-enter`)."""
        return [w for w in self.query("Input, Select") if not w.has_class("own-enter") and w.display]

    def focus_first(self) -> None:
        fields = self.fields()
        empty = [w for w in fields if _is_empty(w)]
        if empty or fields:
            (empty or fields)[0].focus()
        else:
            self.query_one("#ok", Button).focus()

    def focus_next_field(self, current: Widget) -> bool:
        """Focus the field after `current`; False when it was the last."""
        fields = self.fields()
        if current not in fields or current is fields[-1]:
            return False
        fields[fields.index(current) + 1].focus()
        return True

    def show_error(self, message: str) -> None:
        self.query_one("#dialog-error", Static).update(Text(safe(message), style="bold red"))

    # Subclasses with handlers of their own call event.prevent_default(): Textual also
    # runs the handlers of base classes, and these two would submit or cancel.
    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            event.stop()
            self.action_submit()
        elif event.button.id == "cancel":
            event.stop()
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.focus_next_field(event.input):
            self.action_submit()

    def on_select_changed(self, event: Select.Changed) -> None:
        """A choice made moves on, as Enter does in a text field."""
        if event.value is not Select.NULL:
            self.focus_next_field(event.select)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        try:
            value = self.collect()
        except FieldError as exc:
            self.show_error(str(exc))
            for widget in self.query(f"#{exc.field_id}"):
                widget.focus()
            return
        except LaunchError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(value)

    def collect(self) -> Answer:
        """The answer from the fields; a LaunchError keeps the dialog open and says why."""
        raise NotImplementedError


def _is_empty(field: Widget) -> bool:
    if isinstance(field, Input):
        return field.value == ""
    return isinstance(field, Select) and field.value is Select.NULL


class TextDialog(Dialog[str]):
    """One line of text (a note), checked by `validate` before dismissing."""

    def __init__(
        self, title: str, prompt: str | Text, validate: Callable[[str], str], *, value: str = "", password: bool = False
    ) -> None:
        super().__init__(title)
        self.prompt = prompt
        self.validate = validate
        self.value = value
        self.password = password

    def body(self) -> ComposeResult:
        yield Label(self.prompt)
        yield Input(value=self.value, password=self.password, id="text", compact=True)

    def collect(self) -> str:
        return self.validate(self.query_one("#text", Input).value)


class ConfirmDialog(Dialog[bool]):
    """A yes/no question with an optional explanation: True for yes, None for no."""

    def __init__(self, title: str, explanation: Text | str, ok_label: str = "Yes") -> None:
        super().__init__(title)
        self.explanation = explanation
        self.ok_label = ok_label

    def body(self) -> ComposeResult:
        yield Static(
            self.explanation if isinstance(self.explanation, Text) else Text(safe(self.explanation)), id="explanation"
        )

    def collect(self) -> bool:
        return True


@dataclass(frozen=True)
class Waiver:
    """Why an item may stay open at launch, who closes it, and by when (checked)."""

    reason: str
    owner: str
    until: str


class WaiveDialog(Dialog[Waiver]):
    """Reason, owner and end date for a waiver, checked by `check` (inputs.waiver)."""

    def __init__(self, item_id: str, check: Callable[[str, str, str], dict[str, str]]) -> None:
        super().__init__(f"Waive {item_id}")
        self.check = check

    def body(self) -> ComposeResult:
        yield Static(Text("Why is it acceptable to launch without it, who closes it, and by when?", style="dim"))
        yield field_row("Reason", Input(id="reason", placeholder="why it can wait", compact=True))
        yield field_row("Owner", Input(id="owner", placeholder="name", compact=True))
        yield field_row("Until", Input(id="until", placeholder="YYYY-MM-DD", compact=True))

    def collect(self) -> Waiver:
        values = [self.query_one(f"#{name}", Input).value for name in ("reason", "owner", "until")]
        return Waiver(**self.check(*values))


class ChoiceDialog(ModalScreen[int | None]):
    """A finding and a few ways forward; dismisses the index of the chosen one."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Later")]
    DEFAULT_CLASSES = "dialog"

    def __init__(self, title: str, finding: str, choices: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.finding = finding
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(Text(self.title_text, style="bold"), id="dialog-title")
            yield Static(Text(safe(self.finding)))
            for index, label in enumerate(self.choices):
                yield Button(label, id=f"choice-{index}", variant="primary" if index == 0 else "default")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(int(str(event.button.id).split("-")[1]))
