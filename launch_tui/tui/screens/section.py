"""One runbook section: its items in a table, the highlighted one in detail, and the
keys that act on it. State comes from the launch; nothing is kept only in widgets."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from launch_tui.checklist import Kind, Section
from launch_tui.launch import inputs
from launch_tui.launch.view import Launch
from launch_tui.timefmt import utcnow
from launch_tui.tui.dialogs.common import ConfirmDialog, TextDialog, WaiveDialog
from launch_tui.tui.dialogs.record import RecordDialog
from launch_tui.tui.look import replay_banner, safe
from launch_tui.tui.screens import SUMMARY
from launch_tui.tui.screens.base import StateScreen
from launch_tui.tui.widgets.detail import ItemDetail, ItemView
from launch_tui.tui.widgets.items import ItemTable, ResultsPreview
from launch_tui.tui.widgets.line_table import LineTable


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

    def __init__(self, launch: Launch, section: Section) -> None:
        super().__init__(launch, section.id)
        self.section = section

    # -- layout ----------------------------------------------------------------

    def compose_main(self) -> ComposeResult:
        yield Static(id="section-title")
        yield ItemTable(self.section, id="items")
        yield ItemDetail(id="detail")
        if self.section.id == "first-value":
            yield ResultsPreview(id="results-preview")

    def on_mount(self) -> None:  # (StateScreen.on_mount runs too)
        self.query_one(ItemTable).focus()
        self.set_interval(0.25, self._tick)

    def on_screen_resume(self) -> None:  # before StateScreen's, which draws
        self.launch.enter_section(self.section.id)

    def _tick(self) -> None:
        """While something runs, only the elapsed times move."""
        if self.app.running and self.app.screen is self:
            # Only the elapsed seconds change: a repaint, not a layout of the whole screen.
            self._draw_title(layout=False)
            if self.current_item in self.app.running:
                self._show_detail(layout=False)

    # -- drawing ---------------------------------------------------------------

    def draw_main(self) -> None:
        self.query_one(ItemTable).show(self.launch.state, set(self.app.running), utcnow())
        self._advance_cursor()
        self._follow_replay()
        self._draw_title()
        self._show_detail()

    _satisfied: set[str] | None = None
    _replay_position: int | None = None

    def _follow_replay(self) -> None:
        """In replay, stepping to an event puts the cursor (and so the detail panel) on its item."""
        replay = self.launch.replay
        if replay is None or replay.position == self._replay_position:
            return
        self._replay_position = replay.position
        event = replay.current_event
        ids = [item.id for item in self.section.items]
        if event is not None and event.item in ids and self.current_item != event.item:
            self.query_one(ItemTable).move_cursor(row=ids.index(event.item))

    def _advance_cursor(self) -> None:
        """When the highlighted item becomes done, the cursor moves on to the next open
        one: no arrow keys between one step and the next."""
        state = self.launch.state
        satisfied = {item.id for item in self.section.items if state.item(item.id).satisfied}
        before, self._satisfied = self._satisfied, satisfied
        current = self.current_item
        if before is None or self.launch.read_only or current is None or current not in satisfied:
            return
        ids = [item.id for item in self.section.items]
        newly = satisfied - before
        sweep_over = bool(newly) and not self.app.running.any_of(ids)
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
        return not (action in self.WRITING_ACTIONS and self.launch.read_only)

    def _draw_title(self, layout: bool = True) -> None:
        replay = self.launch.replay
        if replay is not None:
            banner = replay_banner(replay, self.launch.signatures)
            self.query_one("#section-title", Static).update(Text.assemble(banner, "\n", (self.section.heading, "bold")))
            return
        running = self.app.running
        done, total = self.launch.state.section_progress(self.section.id)
        title = Text.assemble((self.section.heading, "bold"), (f"  {done}/{total} done", "dim"))
        if running:
            elapsed = running.longest()
            title.append(f"  ◌ running {len(running)} · {elapsed:.1f}s (x cancels)", style="bold blue")
        for note in self.section.notes:
            title.append(f"\n{note}", style="italic yellow")
        self.query_one("#section-title", Static).update(title, layout=layout)

    def _show_detail(self, layout: bool = True) -> None:
        item_id = self.current_item
        if item_id is None:
            return
        launch = self.launch
        view = ItemView(
            launch.checklist.item(item_id),
            launch.state.item(item_id),
            manual_reason=launch.manual_reason(item_id),
            running_for=self.app.running.elapsed(item_id),
            now=utcnow(),
            extra=launch.item_extra(item_id),
            hints=not launch.read_only,
        )
        self.query_one(ItemDetail).show(view, layout=layout)
        for preview in self.query(ResultsPreview):
            preview.show(launch.results_preview if item_id == "first-value.results" else [])

    def on_line_table_highlighted(self, message: LineTable.Highlighted) -> None:
        self._show_detail()

    def on_line_table_selected(self, message: LineTable.Selected) -> None:
        message.stop()
        self.action_primary()

    @property
    def current_item(self) -> str | None:
        return self.query_one(ItemTable).selected_item

    # -- keys ------------------------------------------------------------------

    def action_primary(self) -> None:
        item_id = self.current_item
        if item_id is None or self.launch.read_only:
            return
        kind = self.launch.effective_kind(item_id)
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
        if item_id is None:
            return
        if self.launch.effective_kind(item_id) is Kind.RECORD:
            self.action_edit_record()
        else:
            self.app.start_item(item_id)

    def action_run_section(self) -> None:
        self.app.start_section(self.section.id)

    def action_cancel_runs(self) -> None:
        self.app.cancel_runs()

    def action_confirm(self) -> None:
        item_id = self.current_item
        if item_id is None:
            return
        item = self.launch.checklist.item(item_id)
        if item.kind is Kind.RECORD:
            self.action_edit_record()
            return
        if item_id == "onboarding.handoff":  # c and Enter alike: write the files, list them, then confirm
            self.app.start_item(item_id)
            return
        explanation = Text.assemble(
            ("You confirm, as ", "dim"),
            (safe(self.launch.operator), "bold"),
            (", that:\n\n", "dim"),
            item.runbook_text,
            ("\n\nAdd an optional note below (who you checked with, where it is documented).", "dim"),
        )
        live = self.app.live_launch
        dialog = TextDialog(f"Confirm {item_id}", explanation, lambda text: text)
        self.app.ask(dialog, lambda note: live.confirm(item_id, note))

    def action_edit_record(self) -> None:
        item_id = self.current_item
        if item_id is None:
            return
        item = self.launch.checklist.item(item_id)
        if item.kind is not Kind.RECORD:
            self.app.notify(f"{item_id} has no fields to fill in", severity="warning")
            return
        live = self.app.live_launch
        dialog = RecordDialog(item, self.launch.state.item(item_id).record, live.today())
        self.app.ask(dialog, lambda fields: live.save_record(item_id, fields))

    def action_note(self) -> None:
        item_id = self.current_item
        if item_id is None:
            return
        live = self.app.live_launch
        dialog = TextDialog(
            f"Note on {item_id}",
            "Your note (kept in the session, shown to reviewers):",
            lambda text: inputs.text(text, "the note"),
        )
        self.app.ask(dialog, lambda note: live.add_note(item_id, note))

    def action_waive(self) -> None:
        item_id = self.current_item
        if item_id is None:
            return
        live = self.app.live_launch
        today = live.today()
        dialog = WaiveDialog(item_id, lambda reason, owner, until: inputs.waiver(reason, owner, until, today=today))
        self.app.ask(dialog, lambda waiver: live.waive(item_id, waiver.reason, waiver.owner, waiver.until))

    def action_undo(self) -> None:
        item_id = self.current_item
        if item_id is None:
            return
        state = self.launch.state.item(item_id)
        if not (state.confirmed_at or state.waiver):
            self.app.notify(f"{item_id} has no confirmation or waiver to undo", severity="warning")
            return
        what = "confirmation" if state.confirmed_at else "waiver"
        dialog = ConfirmDialog(
            f"Undo the {what} of {item_id}?",
            "The undo is recorded as a new event; the original stays in the history.",
            "Undo",
        )
        live = self.app.live_launch
        self.app.ask(dialog, lambda _yes: live.undo(item_id))

    def action_previous_section(self) -> None:
        self.app.step_section(self.section.id, -1)

    def action_next_section(self) -> None:
        self.app.step_section(self.section.id, +1)

    def action_summary(self) -> None:
        self.app.show_section(SUMMARY)
