"""Credentials the environment did not provide, typed into masked fields and kept in
memory only. Skipping one is fine: the checks that need it say so."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from launch_tui.checklist import Checklist
from launch_tui.launch.credentials import credential_uses, uses_line
from launch_tui.secrets import ENV_VARS, Secrets
from launch_tui.target import Target


def relevant_secrets(target: Target) -> list[str]:
    names = ["LAUNCH_ADMIN_TOKEN", "LAUNCH_INTEGRATION_KEY", "LAUNCH_REVOKED_KEY"]
    if target.render:
        names.append("RENDER_API_KEY")
    if target.github:
        names.append("GITHUB_TOKEN")
    return names


def missing_secrets(target: Target, secrets: Secrets) -> list[str]:
    return [name for name in relevant_secrets(target) if not secrets.has(name)]


class SecretsDialog(ModalScreen[bool]):
    """Asks for the missing credentials; dismisses True once the operator continues."""

    BINDINGS = [Binding("escape", "skip", "Skip")]
    DEFAULT_CLASSES = "dialog"

    def __init__(self, target: Target, checklist: Checklist, secrets: Secrets) -> None:
        super().__init__()
        self.target = target
        self.checklist = checklist  # to name the items each credential serves
        self.secrets = secrets

    def compose(self) -> ComposeResult:
        uses = credential_uses(self.target, self.checklist, relevant_secrets(self.target))
        # Not focusable: Tab goes from field to field, so what is typed right after it lands in a field.
        with VerticalScroll(id="frame", can_focus=False):
            yield Static(Text("Credentials", style="bold"))
            yield Static(
                Text(
                    "Typed values stay in memory for this run only: never saved, never shown. "
                    "Leave a field empty to skip it; the checks that need it will say so.",
                    style="dim",
                )
            )
            integrations = ["Render" if self.target.render else None, "GitHub" if self.target.github else None]
            on = ", ".join(name for name in integrations if name) or "none (those items are confirmed by a person)"
            yield Static(Text(f"Integrations on: {on}", style="italic"))
            for name in relevant_secrets(self.target):
                field: Widget
                if self.secrets.has(name):
                    field = Static(Text("set from the environment", style="green"))
                else:
                    field = Input(
                        password=True,
                        id=name,
                        placeholder=f"{ENV_VARS[name]} (masked)",
                        compact=True,
                        select_on_focus=False,
                    )
                yield Horizontal(Label(Text(name, style="bold"), classes="secret-name"), field, classes="field-row")
                yield Static(Text(f"  serves {uses_line(uses[name])}", style="dim"), classes="secret-uses")
            with Horizontal(id="dialog-buttons"):
                yield Button("Continue", variant="primary", id="ok")

    def on_mount(self) -> None:
        fields = list(self.query(Input))
        if fields:
            fields[0].focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; from the last, it continues."""
        event.stop()
        fields = list(self.query(Input))
        if event.input is fields[-1]:
            self.action_skip()
        else:
            fields[fields.index(event.input) + 1].focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_skip()

    def action_skip(self) -> None:
        for field in self.query(Input):
            if field.id and field.value.strip():
                self.secrets.set(field.id, field.value)
            field.value = ""  # the widget must not keep a copy
        self.dismiss(True)
