"""Dialogs of the actions: the exact request before anything changes, the one-time
reveal of the issued key, detector choices, and the first job's source."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from launch_tui.clients.platform import DETECTED_JOB_TYPES
from launch_tui.labels import DEMO_BADGE
from launch_tui.launch.flows import Step, read_upload
from launch_tui.launch.inputs import InputError
from launch_tui.tui.dialogs.common import ConfirmDialog, Dialog, FieldError, field_row
from launch_tui.tui.look import safe


def describe_step(step: Step, environment: str, *, demo: bool = False) -> Text:
    out = Text()
    out.append("Environment: ")
    if demo:  # a demo's target follows production's rules, but it is the sandbox
        out.append(f" {DEMO_BADGE} ", style="bold black on yellow")
        out.append(" nothing real changes", style="italic")
    else:
        out.append(
            f" {environment.upper()} ", style="bold white on red" if environment == "production" else "bold reverse"
        )
    out.append("\n\nThis will send:\n", style="dim")
    for request in step.requests:
        out.append(f"\n{request.method} {safe(request.url)}\n", style="bold")
        for name, value in request.headers:
            out.append(f"  {name}: {value}\n", style="dim")
        if request.body:
            out.append(request.body + "\n")
    return out


class ActionDialog(Dialog[bool]):
    """Shows exactly what will be sent, and where. In production, some actions also ask
    for the tenant slug to be typed, so a stray enter cannot change billing. The focus
    starts on Cancel; `s` (shown on the button) sends."""

    BINDINGS = [Binding("s", "submit", "Send", show=False)]

    def __init__(self, step: Step, environment: str, *, type_to_confirm: str | None = None, demo: bool = False) -> None:
        super().__init__(step.title)
        self.step = step
        self.environment = environment
        self.type_to_confirm = type_to_confirm
        self.demo = demo
        self.ok_label = "Send (Enter)" if type_to_confirm else "Send (s)"

    def body(self) -> ComposeResult:
        with VerticalScroll(id="request"):
            yield Static(describe_step(self.step, self.environment, demo=self.demo))
        if self.type_to_confirm:
            yield Label(Text.assemble("Type the tenant slug ", (self.type_to_confirm, "bold"), " to confirm:"))
            yield Input(id="confirm-slug", compact=True)

    def focus_first(self) -> None:
        if self.type_to_confirm:
            self.query_one("#confirm-slug", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()  # a stray enter must not send

    def collect(self) -> bool:
        if self.type_to_confirm and self.query_one("#confirm-slug", Input).value.strip() != self.type_to_confirm:
            raise InputError(f"type {self.type_to_confirm} exactly to confirm, or press Escape")
        return True


@dataclass(frozen=True)
class KeyShown:
    """How the one-time secret left the dialog (recorded; the secret never is)."""

    revealed: bool
    copied: bool


class RevealKeyDialog(Dialog[KeyShown]):
    """The issued key's secret, masked until the operator asks. It lives in this dialog
    and the wizard's memory only; closing the dialog forgets the widget's copy."""

    BINDINGS = [Binding("escape", "cancel", "Close")]

    def __init__(self, secret: str, key_id: str, prefix: str) -> None:
        super().__init__("The customer's integration key: shown once")
        self.secret = secret
        self.key_id = key_id
        self.prefix = prefix
        self.revealed = False
        self.copied = False
        self.ok_label = "Done"

    def body(self) -> ComposeResult:
        yield Static(
            Text(
                "Give this secret to the customer now (read it out, or paste it into a secure channel). "
                "It is never saved: afterwards only its id and prefix remain. Is the screen shared? "
                "Copy it without revealing.",
                style="dim",
            )
        )
        yield Static(self._masked(), id="secret")
        with Horizontal(id="reveal-buttons"):
            yield Button("Reveal", id="reveal")
            yield Button("Copy to clipboard", id="copy")

    def _masked(self) -> Text:
        shown = self.secret if self.revealed else f"{self.prefix}" + "•" * 24
        return Text.assemble(("key ", "dim"), self.key_id, "\n", (shown, "bold"))

    def focus_first(self) -> None:
        self.query_one("#copy", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "reveal":
            event.stop()
            event.prevent_default()
            self.revealed = not self.revealed
            event.button.label = "Hide" if self.revealed else "Reveal"
            self.query_one("#secret", Static).update(self._masked())
        elif event.button.id == "copy":
            event.stop()
            event.prevent_default()
            self.app.copy_to_clipboard(self.secret)  # OSC 52: the terminal's clipboard, no file
            self.copied = True
            self.app.notify("copied to the clipboard (your terminal must allow OSC 52)")

    def _forget(self) -> None:
        self.query_one("#secret", Static).update("")
        self.secret = ""

    def collect(self) -> KeyShown:
        outcome = KeyShown(revealed=self.revealed, copied=self.copied)
        self._forget()
        return outcome

    def action_submit(self) -> None:
        self._close()

    def action_cancel(self) -> None:
        self._close()

    def _close(self) -> None:
        """Closing forgets the secret for good: while it was neither revealed nor
        copied, ask first (a stray Escape must not cost a key)."""
        if self.revealed or self.copied:
            self.dismiss(self.collect())
            return
        question = ConfirmDialog(
            "Close without the secret?",
            "The secret was neither revealed nor copied. Once this closes it is gone for good: the only way on "
            "is to issue a new key and revoke this one.",
            "Close and lose it",
        )

        def answered(sure: bool | None) -> None:
            if sure:
                self.dismiss(self.collect())

        self.app.push_screen(question, answered)


def on_off(detectors: dict[str, bool]) -> str:
    return ", ".join(f"{name} {'on' if detectors.get(name) else 'off'}" for name in DETECTED_JOB_TYPES)


@dataclass(frozen=True)
class Detectors:
    """The detectors to set, or `platform_defaults`: accept the platform's, with no call."""

    enabled: dict[str, bool]
    platform_defaults: bool = False


class DetectorsDialog(Dialog[Detectors]):
    """Which detectors to enable, or accept the platform's defaults without a call.
    On and off are words, not only a tick; the focus starts on the button that sets
    what is shown, so Enter goes on to the request."""

    def __init__(self, current: dict[str, bool], defaults: dict[str, bool] | None = None) -> None:
        super().__init__("Detector config")
        self.current = current
        self.defaults = dict(current if defaults is None else defaults)
        self.ok_label = "Set this config"

    def body(self) -> ComposeResult:
        yield Static(
            Text(
                "Choose the customer's detectors (space toggles); the next screen shows the exact request.", style="dim"
            )
        )
        for name in DETECTED_JOB_TYPES:
            on = self.current.get(name, False)
            yield Checkbox(self._label(name, on), value=on, id=f"detector-{name}", compact=True)
        yield Button(f"Accept the platform defaults: {on_off(self.defaults)} (no call)", id="defaults")

    @staticmethod
    def _label(name: str, on: bool) -> str:
        return f"{name}: {'on' if on else 'off'}"

    def focus_first(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        name = str(event.checkbox.id).removeprefix("detector-")
        event.checkbox.label = self._label(name, event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "defaults":
            event.stop()
            event.prevent_default()
            self.dismiss(Detectors(dict(self.defaults), platform_defaults=True))

    def collect(self) -> Detectors:
        return Detectors({name: self.query_one(f"#detector-{name}", Checkbox).value for name in DETECTED_JOB_TYPES})


@dataclass(frozen=True)
class FirstJob:
    """The first job's source: the customer's file (read and checked: `upload`), the
    template (no path), or a job id the customer enqueued on their side."""

    job_type: str
    path: str = ""
    job_id: str = ""
    upload: tuple[bytes, str] | None = None  # the file's bytes and name


class EnqueueDialog(Dialog[FirstJob]):
    """The customer's first job: a template, the customer's file, or a job id they read out."""

    def __init__(self, job_type: str = "TRADE") -> None:
        super().__init__("The customer's first job")
        self.job_type = job_type
        self.ok_label = "Next"

    def body(self) -> ComposeResult:
        yield field_row(
            "Job type",
            Select(
                [(t, t) for t in DETECTED_JOB_TYPES],
                value=self.job_type,
                allow_blank=False,
                id="job-type",
                compact=True,
            ),
        )
        yield Static(
            Text(
                "Upload the one-row template, or the customer's CSV (its path), or, if the customer enqueued on their side, the job id they got.",
                style="dim",
            )
        )
        yield field_row("CSV file", Input(placeholder="empty: the template", id="csv-path", compact=True))
        yield field_row("Or a job id", Input(placeholder="job_... (the customer enqueued)", id="job-id", compact=True))

    def collect(self) -> FirstJob:
        """The customer's file is read and checked here, so a bad path keeps the form
        open with what was typed, the focus on the path."""
        job_type = str(self.query_one("#job-type", Select).value)
        path = self.query_one("#csv-path", Input).value.strip()
        job_id = self.query_one("#job-id", Input).value.strip()
        if path and job_id:
            raise FieldError("give a CSV file or a job id, not both", "job-id")
        upload = None
        if path:
            try:
                upload = read_upload(path, job_type)
            except InputError as exc:
                raise FieldError(str(exc), "csv-path") from None
        return FirstJob(job_type, path=path, job_id=job_id, upload=upload)
