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


REPLAY_HELP = """\
# launch-tui: replay (read-only)

Every screen shows the session **as of the selected event**; nothing can be changed.

| key | does |
|---|---|
| , | one event back |
| . | one event forward |
| g / G | the first / the last event |
| t | the timeline: every event, filterable |
| section, actor, status | the timeline's filters (tab to them): they choose which events are listed, never the "as of" point |
| enter | on a timeline row: that event's item, in its section |
| escape | leave the timeline for the event's section |
| [ ] | previous / next section; the sidebar works too |
| ctrl+p | command palette |
| ? | this help |
| q | quit the review |

Stepping with , and . shows the event's item: the section and the detail panel follow it.
"""


class HelpDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpDialog {
        align: center middle;
        #help {
            width: 80;
            max-width: 100%;
            height: 90%;
            border: thick $primary;
            background: $surface;
        }
    }
    """
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close"),
        Binding("q", "dismiss", "Close"),
    ]

    def __init__(self, *, replay: bool = False) -> None:
        super().__init__()
        self.replay = replay

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(REPLAY_HELP if self.replay else HELP)
