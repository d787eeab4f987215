"""Keys, and how the wizard works, in one screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# launch-tui

Each screen is one section of the runbook. Move through the items with the arrow
keys; the panel below shows the runbook's words, the status, who and when, the
evidence and notes. **Everything is saved the moment it happens.**

| key | does |
|---|---|
| enter | the obvious thing: run a check, start an action, confirm, fill in |
| r | run the highlighted check (or start its action: it asks first) |
| a | run every automated check of this section |
| x | cancel running checks |
| c | confirm a manual item (you, now, are recorded) |
| e | fill in a record item |
| n | add a note |
| w | waive: reason, owner, until when |
| u | undo the last confirmation or waiver (recorded, never erased) |
| [ ] | previous / next section; the sidebar works too (mouse or tab) |
| ctrl+p | command palette: go to a section, run a section, export, theme |
| ? | this help |
| q | quit; resume later with `launch-tui resume` |

Statuses: ✔ pass, ▲ warn (satisfied, worth a look), ✖ fail, ! error (no verdict),
– skip, ☐ manual (a person confirms), ☑ confirmed, ≈ waived, · pending.
Results older than their useful age are marked *stale*; press r to re-run.
"""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("question_mark", "dismiss", "Close"), Binding("q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)
