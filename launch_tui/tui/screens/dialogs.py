"""Small typed dialogs: each dismisses with a value (or None when cancelled), and
checks its input with the same rules the wizard applies, showing one line if wrong."""

from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from launch_tui.errors import LaunchError
from launch_tui.tui.look import safe


def field_row(label: str, widget: Widget) -> Horizontal:
    """A label and its field on one line: dialogs must fit 80x24."""
    return Horizontal(Label(label, classes="field-label"), widget, classes="field-row")


class Dialog(ModalScreen):
    """A framed dialog with a title, an error line, and OK / Cancel."""

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
        self.action_submit()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        try:
            value = self.collect()
        except LaunchError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(value)

    def collect(self):
        return True


class TextDialog(Dialog):
    """One line of text (a note), checked by `validate` before dismissing."""

    def __init__(self, title: str, prompt: str | Text, validate: Callable[[str], str], *, value: str = "", password: bool = False) -> None:
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


class ConfirmDialog(Dialog):
    """A yes/no question with an optional explanation."""

    def __init__(self, title: str, explanation: Text | str, ok_label: str = "Yes") -> None:
        super().__init__(title)
        self.explanation = explanation
        self.ok_label = ok_label

    def body(self) -> ComposeResult:
        yield Static(self.explanation if isinstance(self.explanation, Text) else Text(safe(self.explanation)), id="explanation")


class WaiveDialog(Dialog):
    """Reason, owner and end date for a waiver."""

    def __init__(self, item_id: str, check: Callable[[str, str, str], dict]) -> None:
        super().__init__(f"Waive {item_id}")
        self.check = check

    def body(self) -> ComposeResult:
        yield Static(Text("Why is it acceptable to launch without it, who closes it, and by when?", style="dim"))
        yield field_row("Reason", Input(id="reason", placeholder="why it can wait", compact=True))
        yield field_row("Owner", Input(id="owner", placeholder="name", compact=True))
        yield field_row("Until", Input(id="until", placeholder="YYYY-MM-DD", compact=True))

    def collect(self) -> dict:
        values = [self.query_one(f"#{name}", Input).value for name in ("reason", "owner", "until")]
        return self.check(*values)


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
