"""A new launch's target, typed in: each field checked as it is typed, with the same
rules as a target file. Dismisses with a Target, or None when cancelled."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from launch_tui.errors import LaunchError
from launch_tui.target import Target, describe_error, load_target
from launch_tui.tui.dialogs.common import field_row
from launch_tui.tui.look import safe

FIELDS = [
    # (id, label, placeholder)
    ("customer.name", "Customer name", "Acme Freight"),
    ("customer.tenant_slug", "Tenant slug", "acme-freight"),
    ("api_url", "Platform API URL", "https://api.example.com"),
    ("web_url", "Web app URL", "optional: https://app.example.com"),
    ("render.api_service_id", "Render API service", "optional: srv-..."),
    ("render.web_service_id", "Render web service", "optional: srv-..."),
    ("github.repo", "GitHub repo", "optional: owner/name"),
]


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:63]


def form_to_dict(values: dict[str, str], environment: str, team_mode: str) -> dict[str, Any]:
    data: dict[str, Any] = {"environment": environment, "team_mode": team_mode}
    for key, value in values.items():
        value = value.strip()
        if not value:
            continue
        section, _, field = key.rpartition(".")
        (data.setdefault(section, {}) if section else data)[field] = value
    if "render" in data and "api_service_id" not in data["render"]:
        data["render"]["api_service_id"] = ""  # so the error names the missing id
    return data


class TargetDialog(ModalScreen[Target | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CLASSES = "dialog"
    _last_name = ""  # the customer name the slug was last filled in from

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="frame"):
            yield Static(Text("New launch", style="bold"), id="dialog-title")
            yield Static(
                Text("Give a target file, or fill in the fields. Render and GitHub turn on those checks.", style="dim")
            )
            yield field_row(
                "Target file", Input(placeholder="optional: targets/acme.toml", id="target-file", compact=True)
            )
            environments = [("production", "production"), ("staging", "staging")]
            yield field_row(
                "Environment",
                Select(environments, value="production", allow_blank=False, id="environment", compact=True),
            )
            modes = [("solo maintainer", "solo"), ("multi-maintainer", "multi")]
            yield field_row("Team mode", Select(modes, value="solo", allow_blank=False, id="team_mode", compact=True))
            for key, label, placeholder in FIELDS:
                yield field_row(label, Input(placeholder=placeholder, id=key.replace(".", "--"), compact=True))
            yield Static(self._integrations(), id="integrations")
            yield Static("", id="dialog-error")
            with Horizontal(id="dialog-buttons"):
                yield Button("Start", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def _integrations(self, values: dict[str, str] | None = None) -> Text:
        values = values or {}
        line = Text("Integrations: ", style="dim")
        for name, key in (("Render", "render.api_service_id"), ("GitHub", "github.repo")):
            on = bool(values.get(key, "").strip())
            line.append(f"{name} {'on' if on else 'off'}  ", style="bold green" if on else "dim")
        return line

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#{key.replace('.', '--')}", Input).value for key, _, _ in FIELDS}

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "customer--name":
            slug = self.query_one("#customer--tenant_slug", Input)
            if not slug.value or slug.value == slugify(self._last_name):
                slug.value = slugify(event.value)
            self._last_name = event.value
        if event.input.id != "target-file":
            self.query_one("#integrations", Static).update(self._integrations(self.values()))
            self.validate_form(quiet_missing=True)

    def validate_form(self, *, quiet_missing: bool = False) -> Target | None:
        environment = self.query_one("#environment", Select).value
        team_mode = self.query_one("#team_mode", Select).value
        try:
            target = Target.model_validate(form_to_dict(self.values(), str(environment), str(team_mode)))
        except ValidationError as exc:
            errors = [describe_error(error) for error in exc.errors()]
            if quiet_missing:  # while typing, a field not reached yet is no error
                errors = [message for message in errors if "required but missing" not in message]
            self.show_error(errors[0] if errors else "")
            return None
        self.show_error("")
        return target

    def show_error(self, message: str) -> None:
        self.query_one("#dialog-error", Static).update(Text(safe(message), style="bold red"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit() if event.button.id == "ok" else self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        path = self.query_one("#target-file", Input).value.strip()
        if path:
            try:
                self.dismiss(load_target(path))
            except LaunchError as exc:
                self.show_error(str(exc))
            return
        target = self.validate_form()
        if target is not None:
            self.dismiss(target)

    def action_cancel(self) -> None:
        self.dismiss(None)
