"""Always visible: the sections with their progress, the session file, when it was saved."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from launch_tui.session import SessionState
from launch_tui.tui.screens import SUMMARY, TIMELINE


class Sidebar(Vertical):
    DEFAULT_CSS = """
    Sidebar {
        width: 24;
        border-right: vkey $panel-lighten-1;
        #sections {
            height: 1fr;
            border: none;
            padding: 0;
            background: $surface;
        }
        #saved {
            height: 2;  /* always two lines: the time, then the file */
            color: $text-muted;
        }
    }
    """

    class Chosen(Message):
        """The operator picked a section (or the summary) in the sidebar."""

        def __init__(self, section_id: str) -> None:
            super().__init__()
            self.section_id = section_id

    def __init__(self, current: str, session_name: str, *, read_only: bool) -> None:
        super().__init__()
        self.current = current
        self.session_name = session_name
        self.read_only = read_only  # a review: the timeline is listed, and "as of" replaces "saved"
        self._shown: dict[str, Text] = {}
        self._saved_at: str | None = "never drawn"

    def compose(self) -> ComposeResult:
        yield OptionList(id="sections")
        yield Static(id="saved")

    def show(self, state: SessionState) -> None:
        labels = {
            section.id: self._label(section.number, section.short, *state.section_progress(section.id), section.id)
            for section in state.checklist.sections
        }
        labels[SUMMARY] = self._summary_label(state)
        if self.read_only:
            marker = "▶" if self.current == TIMELINE else " "
            labels[TIMELINE] = Text(f"{marker}  Timeline", style="bold")
        if labels != self._shown:  # redrawing an OptionList costs a layout: only on change
            options = self.query_one("#sections", OptionList)
            if not self._shown:
                options.add_options([Option(label, id=option_id) for option_id, label in labels.items()])
                options.highlighted = list(labels).index(self.current)
            else:
                for option_id, label in labels.items():
                    if label != self._shown.get(option_id):
                        options.replace_option_prompt(option_id, label)
            self._shown = labels
        name = self.session_name if len(self.session_name) <= 22 else self.session_name[:21] + "…"
        saved_at = state.last_at
        if saved_at != self._saved_at:
            self._saved_at = saved_at
            mark = ("as of ", "yellow") if self.read_only else ("● saved ", "green")
            saved = Text.assemble(mark, (saved_at or "-")[11:19], "\n", (name, "dim"))
            self.query_one("#saved", Static).update(saved, layout=False)  # always 2 lines (app.tcss)

    def _label(self, number: int, title: str, done: int, total: int, section_id: str) -> Text:
        marker = "▶" if section_id == self.current else " "
        style = "bold green" if done == total else ("bold" if section_id == self.current else "")
        label = Text(f"{marker}{number} {title}", style="bold" if section_id == self.current else "")
        label.truncate(18, overflow="ellipsis", pad=True)
        label.append(f" {done}/{total}", style=style)
        return label

    def _summary_label(self, state: SessionState) -> Text:
        marker = "▶" if self.current == SUMMARY else " "
        word = "launch complete" if state.launch_complete else "Summary"
        return Text(f"{marker}  {word}", style="bold green" if state.launch_complete else "bold")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and event.option.id != self.current:
            self.post_message(self.Chosen(event.option.id))
