"""One runbook section: its items in a table, the highlighted one in detail, and the
keys that act on it. State comes from the wizard; nothing is kept only in widgets."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Static

from launch_tui.checklist import Kind, Section
from launch_tui.errors import LaunchError
from launch_tui.launch import inputs
from launch_tui.timefmt import utcnow
from launch_tui.tui.dialogs.common import ConfirmDialog, TextDialog, WaiveDialog
from launch_tui.tui.dialogs.record import RecordDialog
from launch_tui.tui.look import safe
from launch_tui.tui.screens.base import StateScreen
from launch_tui.tui.widgets.detail import ItemDetail
from launch_tui.tui.widgets.items import ItemTable, ResultsPreview
from launch_tui.tui.widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from launch_tui.tui.app import LaunchApp


class SectionScreen(StateScreen):
    BINDINGS = [
        Binding("enter", "primary", "Do", show=False),
        Binding("r", "run", "Run"),
        Binding("a", "run_section", "All"),
        Binding("x", "cancel_runs", "Cancel", show=False),
        Binding("c", "confirm", "Confirm"),
        Binding("e", "edit_record", "Fill in", show=False),
        Binding("n", "note", "Note"),
        Binding("w", "waive", "Waive"),
        Binding("u", "undo", "Undo", show=False),
        Binding("left_square_bracket", "previous_section", "Prev", show=False),
        Binding("right_square_bracket", "next_section", "Next"),
        Binding("s", "summary", "Summary", show=False),
    ]

    app: LaunchApp

    def __init__(self, section: Section) -> None:
        super().__init__(name=section.id)
        self.section = section

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.app.top_bar()
        with Horizontal(id="body"):
            yield Sidebar(self.section.id, self.app.session_name)
            with Vertical(id="main"):
                yield Static(id="section-title")
                yield ItemTable(self.section, id="items")
                yield ItemDetail(id="detail")
                if self.section.id == "first-value":
                    yield ResultsPreview(id="results-preview")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ItemTable).focus()
        self.set_interval(0.25, self._tick)

    def on_screen_resume(self) -> None:
        self.app.launch_entered(self.section.id)
        super().on_screen_resume()

    def _tick(self) -> None:
        """While something runs, only the elapsed times move."""
        if self.app.running and self.app.screen is self:
            # Only the elapsed seconds change: a repaint, not a layout of the whole screen.
            self._draw_title(layout=False)
            if self.current_item in self.app.running:
                self._show_detail(layout=False)

    # -- drawing ---------------------------------------------------------------

    def draw(self) -> None:
        state = self.app.state
        self.query_one(Sidebar).show(state, self.app.saved_at)
        self.query_one(ItemTable).show(state, set(self.app.running), utcnow())
        self._advance_cursor()
        self._follow_replay()
        self._draw_title()
        self._show_detail()

    _satisfied: set[str] | None = None
    _replay_position: int | None = None

    def _follow_replay(self) -> None:
        """In replay, stepping to an event puts the cursor (and so the detail panel) on its item."""
        if not self.app.launch.read_only:
            return
        replay = self.app.launch.replay
        if replay.position == self._replay_position:
            return
        self._replay_position = replay.position
        event = replay.current_event
        ids = [item.id for item in self.section.items]
        if event is not None and event.item in ids and self.current_item != event.item:
            self.query_one(ItemTable).move_cursor(row=ids.index(event.item))

    def _advance_cursor(self) -> None:
        """When the highlighted item becomes done, the cursor moves on to the next open
        one: no arrow keys between one step and the next."""
        state = self.app.state
        satisfied = {item.id for item in self.section.items if state.item(item.id).satisfied}
        before, self._satisfied = self._satisfied, satisfied
        current = self.current_item
        if before is None or self.app.launch.read_only or current is None or current not in satisfied:
            return
        ids = [item.id for item in self.section.items]
        newly = satisfied - before
        sweep_over = bool(newly) and not any(item_id in self.app.running for item_id in ids)
        if current not in newly and not sweep_over:  # the operator is reading a done item: leave the cursor
            return
        start = ids.index(current)
        for item_id in ids[start + 1 :] + ids[:start]:
            if item_id not in satisfied and item_id not in self.app.running:
                self.query_one(ItemTable).move_cursor(row=ids.index(item_id))
                return

    WRITING_ACTIONS = {
        "primary",
        "run",
        "run_section",
        "cancel_runs",
        "confirm",
        "edit_record",
        "note",
        "waive",
        "undo",
    }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In replay the writing keys are gone (from the footer too)."""
        return not (action in self.WRITING_ACTIONS and self.app.launch.read_only)

    def _draw_title(self, layout: bool = True) -> None:
        if self.app.launch.read_only:
            self.query_one("#section-title", Static).update(
                Text.assemble(self.app.replay_banner(), "\n", (self.section.heading, "bold"))
            )
            return
        running = self.app.running
        done, total = self.app.state.section_progress(self.section.id)
        title = Text.assemble((self.section.heading, "bold"), (f"  {done}/{total} done", "dim"))
        if running:
            elapsed = max(time.monotonic() - started for started in self.app.running.values())
            title.append(f"  ◌ running {len(running)} · {elapsed:.1f}s (x cancels)", style="bold blue")
        for note in self.section.notes:
            title.append(f"\n{note}", style="italic yellow")
        self.query_one("#section-title", Static).update(title, layout=layout)

    def _show_detail(self, layout: bool = True) -> None:
        item_id = self.current_item
        if item_id is None:
            return
        item = self.app.checklist.item(item_id)
        started = self.app.running.get(item_id)
        self.query_one(ItemDetail).show(
            item,
            self.app.state.item(item_id),
            manual_reason=self.app.manual_reason(item_id),
            running_for=(time.monotonic() - started) if started else None,
            now=utcnow(),
            extra=self.app.item_extra(item_id),
            hints=not self.app.launch.read_only,
            layout=layout,
        )
        for preview in self.query(ResultsPreview):
            preview.show(self.app.launch.results_preview if item_id == "first-value.results" else [])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_primary()

    def on_sidebar_chosen(self, message: Sidebar.Chosen) -> None:
        self.app.show_section(message.section_id)

    @property
    def current_item(self) -> str | None:
        return self.query_one(ItemTable).selected_item

    # -- keys ------------------------------------------------------------------

    def _guard(self, func, *args, **kwargs) -> None:
        """Run a wizard call; a refusal becomes a one-line notice, never a traceback."""
        try:
            func(*args, **kwargs)
        except LaunchError as exc:
            self.app.notify(safe(str(exc)), severity="warning", timeout=6)

    def action_primary(self) -> None:
        item_id = self.current_item
        if item_id is None or self.app.launch.read_only:
            return
        kind = self.app.effective_kind(item_id)
        if kind is Kind.RECORD:
            self.action_edit_record()
        elif item_id == "onboarding.handoff":
            self.app.start_item(item_id)
        elif kind is Kind.MANUAL:
            self.action_confirm()
        else:
            self.action_run()

    def action_run(self) -> None:
        item_id = self.current_item
        if item_id:
            self.app.start_item(item_id)

    def action_run_section(self) -> None:
        self.app.start_section(self.section.id)

    def action_cancel_runs(self) -> None:
        self.app.cancel_runs()

    def action_confirm(self) -> None:
        item_id = self.current_item
        if item_id is None:
            return
        item = self.app.checklist.item(item_id)
        if item.kind is Kind.RECORD:
            self.action_edit_record()
            return
        if item_id == "onboarding.handoff":  # c and Enter alike: write the files, list them, then confirm
            self.app.start_item(item_id)
            return
        explanation = Text.assemble(
            ("You confirm, as ", "dim"),
            (safe(self.app.operator), "bold"),
            (", that:\n\n", "dim"),
            item.runbook_text,
            ("\n\nAdd an optional note below (who you checked with, where it is documented).", "dim"),
        )
        dialog = TextDialog(f"Confirm {item_id}", explanation, lambda text: text)
        self.app.push_screen(
            dialog, lambda note: note is not None and self._guard(self.app.launch.confirm, item_id, note)
        )

    def action_edit_record(self) -> None:
        item_id = self.current_item
        if item_id is None:
            return
        item = self.app.checklist.item(item_id)
        if item.kind is not Kind.RECORD:
            self.app.notify(f"{item_id} has no fields to fill in", severity="warning")
            return
        dialog = RecordDialog(item, self.app.state.item(item_id).record, self.app.launch.today())
        self.app.push_screen(
            dialog, lambda fields: fields is not None and self._guard(self.app.launch.save_record, item_id, fields)
        )

    def action_note(self) -> None:
        item_id = self.current_item
        if item_id is None:
            return
        dialog = TextDialog(
            f"Note on {item_id}",
            "Your note (kept in the session, shown to reviewers):",
            lambda text: inputs.text(text, "the note"),
        )
        self.app.push_screen(
            dialog, lambda note: note is not None and self._guard(self.app.launch.add_note, item_id, note)
        )

    def action_waive(self) -> None:
        item_id = self.current_item
        if item_id is None:
            return
        today = self.app.launch.today()
        dialog = WaiveDialog(item_id, lambda reason, owner, until: inputs.waiver(reason, owner, until, today=today))
        self.app.push_screen(
            dialog, lambda waiver: waiver is not None and self._guard(self.app.launch.waive, item_id, **waiver)
        )

    def action_undo(self) -> None:
        item_id = self.current_item
        if item_id is None:
            return
        state = self.app.state.item(item_id)
        if not (state.confirmed_at or state.waiver):
            self.app.notify(f"{item_id} has no confirmation or waiver to undo", severity="warning")
            return
        what = "confirmation" if state.confirmed_at else "waiver"
        dialog = ConfirmDialog(
            f"Undo the {what} of {item_id}?",
            "The undo is recorded as a new event; the original stays in the history.",
            "Undo",
        )
        self.app.push_screen(dialog, lambda yes: yes and self._guard(self.app.launch.undo, item_id))

    def action_previous_section(self) -> None:
        self.app.step_section(self.section.id, -1)

    def action_next_section(self) -> None:
        self.app.step_section(self.section.id, +1)

    def action_summary(self) -> None:
        self.app.show_section("summary")
