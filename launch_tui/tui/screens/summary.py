"""Per-section counts, the exit criterion with what is still missing, and export."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from launch_tui.labels import flow_ran_against, is_demo
from launch_tui.launch.view import Launch
from launch_tui.results import ItemStatus
from launch_tui.tui.look import GLYPHS, safe
from launch_tui.tui.screens import SUMMARY
from launch_tui.tui.screens.base import StateScreen

COLUMNS = (
    ItemStatus.PASS,
    ItemStatus.WARN,
    ItemStatus.CONFIRMED,
    ItemStatus.WAIVED,
    ItemStatus.FAIL,
    ItemStatus.ERROR,
    ItemStatus.PENDING,
)


class SummaryScreen(StateScreen):
    BINDINGS = [
        Binding("e", "export", "Export report"),
        Binding("left_square_bracket", "previous_section", "Prev"),
    ]

    MAIN = VerticalScroll

    def __init__(self, launch: Launch) -> None:
        super().__init__(launch, SUMMARY)

    def compose_main(self) -> ComposeResult:
        yield Static(id="summary")
        yield Static(id="verdict")

    def draw_main(self) -> None:
        state = self.launch.state
        table = Table(box=None, pad_edge=False, expand=False)
        table.add_column("Section")
        for status in COLUMNS:
            glyph, _word, style = GLYPHS[status]
            table.add_column(Text(glyph, style=style), justify="right")
        table.add_column("done", justify="right")
        for section in state.checklist.sections:
            counts = {status: 0 for status in COLUMNS}
            for item in section.items:
                status = state.item(item.id).status
                counts[status if status in counts else ItemStatus.PENDING] += 1
            done, total = state.section_progress(section.id)
            table.add_row(
                f"{section.number}. {section.short}", *(str(counts[s] or "") for s in COLUMNS), f"{done}/{total}"
            )
        legend = Text("  ".join(f"{GLYPHS[s][0]} {GLYPHS[s][1]}" for s in COLUMNS), style="dim")
        missing = state.missing_for_launch()
        verdict = Text()
        demo = is_demo(state.header)
        if demo:
            verdict.append("DEMO", style="bold black on yellow")
            verdict.append(" against the sandbox: nothing real is launched.\n", style="italic")
        if not missing:
            verdict.append("DEMO LAUNCH COMPLETE" if demo else "LAUNCH COMPLETE", style="bold white on green")
            verdict.append(
                f"  every item is satisfied and token → enqueue → poll → results ran against {flow_ran_against(state.header)}.\n"
            )
        else:
            verdict.append("Not complete yet", style="bold yellow")
            verdict.append(f": {len(missing)} thing{'s' if len(missing) != 1 else ''} missing\n")
            for line in missing[:40]:
                verdict.append(f"  • {safe(line)}\n")
        if not self.launch.read_only:
            verdict.append("\ne exports the launch decision record next to the session file.", style="dim")
        self.query_one("#summary", Static).update(Group(Text("Summary", style="bold"), table, legend, Text("")))
        self.query_one("#verdict", Static).update(verdict)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # replay writes nothing; `launch-tui report` exports a record
        return not (action == "export" and self.launch.read_only)

    def action_export(self) -> None:
        self.app.export_report()

    def action_previous_section(self) -> None:
        self.app.step_section(SUMMARY, -1)
