"""The question asked before a session's first request when its header names origins
this machine has not trusted for the credentials that would go there."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from launch_tui.safe_text import shown as safe
from launch_tui.trust import Untrusted, trust_file
from launch_tui.tui.dialogs.common import Dialog


class TrustDialog(Dialog[bool]):
    """Dismisses True when the operator agrees; None (Cancel, escape) sends nothing."""

    ok_label = "Trust and continue"

    def __init__(self, session_name: str, untrusted: list[Untrusted]) -> None:
        super().__init__("Send credentials to these origins?")
        self.session_name = session_name
        self.untrusted = untrusted

    def body(self) -> ComposeResult:
        text = Text(f"{safe(self.session_name)} names origins this machine has not trusted:\n", style="")
        for entry in self.untrusted:
            text.append(f"\n  {safe(str(entry.origin))}", style="bold red")
            text.append(f"\n    would receive {', '.join(entry.credentials)}")
        text.append(
            "\n\nNothing has been sent. Trust them only if you know this session's target is right; "
            f"the answer is kept in {safe(str(trust_file()))}.",
            style="dim",
        )
        yield Static(text, id="explanation")

    def focus_first(self) -> None:
        # A stray Enter must not send credentials anywhere: the safe answer has the focus.
        self.query_one("#cancel").focus()

    def collect(self) -> bool:
        return True
