"""The line table (launch_tui/tui/widgets/line_table.py), driven as its users drive it:
on the timeline the cursor is the replay position, every event is in the table, and a
row is drawn from the file's text as text; on a section screen the detail follows the
item under the cursor, however it got there, and a status shows once it changes."""

from __future__ import annotations

from launch_tui.launch.replay import ReplayLaunch
from launch_tui.session import EventKind, NewEvent, open_read_only
from launch_tui.session.replay import Replay
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.screens.section import SectionScreen
from launch_tui.tui.widgets.detail import ItemDetail
from launch_tui.tui.widgets.items import ItemTable
from launch_tui.tui.widgets.line_table import LineTable

from .test_snapshots import seeded

NOTES = 300  # far more events than the 100 the DataTable's window held


def long_replay(folder) -> LaunchApp:
    live = seeded(folder)
    for n in range(NOTES):
        live.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note=f"note {n}"))
    live.close()
    return LaunchApp(ReplayLaunch(Replay(open_read_only(live.path))), mode="REPLAY · read-only")


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def click(pilot, line: int) -> None:
    await pilot.click(LineTable, offset=(2, line))
    await pilot.pause()


def in_view(table: LineTable) -> bool:
    """Row `cursor` is on line `cursor + 1 - scroll_y`: below the header, above the bottom."""
    return table.scroll_y <= table.cursor_row < table.scroll_y + table.scrollable_content_region.height - 1


async def test_the_keys_move_the_replay_position_and_keep_the_cursor_in_view(tmp_path):
    app = long_replay(tmp_path / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(LineTable)
        replay = app.launch.replay
        assert len(table.rows) == len(replay.events) and table.cursor_key == replay.position
        for keys in (["home"], ["down", "down"], ["pagedown"], ["pagedown", "up"], ["end"], ["pageup"]):
            before = replay.position
            await press(pilot, *keys)
            assert replay.position == table.cursor_key != before, keys
            assert in_view(table), keys
        assert replay.position < len(replay.events) - 10  # a page up from the end


async def test_stepping_moves_the_cursor_without_moving_the_position_again(tmp_path):
    app = long_replay(tmp_path / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(LineTable)
        replay = app.launch.replay
        await press(pilot, "g")
        assert replay.position == 1 and table.cursor_row == 0 and in_view(table)
        await press(pilot, "full_stop", "full_stop")
        assert replay.position == 3 and table.cursor_key == 3
        await press(pilot, "G")
        assert replay.position == len(replay.events) == table.cursor_key and in_view(table)


async def test_a_click_moves_there_and_a_second_click_opens_its_section(tmp_path):
    app = long_replay(tmp_path / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(LineTable)
        replay = app.launch.replay
        await press(pilot, "home")
        await click(pilot, 3)  # line 3: the third row under the header
        assert replay.position == 3 and table.cursor_row == 2
        await click(pilot, 0)  # the header: nothing
        assert replay.position == 3
        await click(pilot, 3)
        assert isinstance(app.screen, SectionScreen)
        assert app.screen.section_id == replay.current_event.item.split(".")[0]


async def test_enter_opens_the_section_of_the_event_under_the_cursor(tmp_path):
    app = long_replay(tmp_path / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await press(pilot, "enter")
        assert isinstance(app.screen, SectionScreen) and app.screen.section_id == "infra"


async def test_a_long_or_styled_cell_is_cut_to_its_column_and_drawn_as_text(tmp_path):
    live = seeded(tmp_path / "sessions")
    live.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note="[bold red]not markup[/] " + "x" * 400))
    live.close()
    app = LaunchApp(ReplayLaunch(Replay(open_read_only(live.path))), mode="REPLAY · read-only")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(LineTable)
        what = dict(zip(table.labels, table.widths, strict=True))["what"]
        assert what == 200  # the longest what, cut to 200
        last = table.rows[-1]
        assert table.cells_of(last)[6].startswith("[bold red]not markup[/] x")
        line = table.render_line(table.cursor_row + 1 - int(table.scroll_y))
        assert "[bold red]not markup[/]" in line.text
        assert len(line.text) == table.size.width


async def test_the_item_table_shows_new_statuses_and_the_detail_follows_its_cursor(tmp_path):
    live = seeded(tmp_path / "sessions")
    live.close()
    app = LaunchApp(ReplayLaunch(Replay(open_read_only(live.path))), mode="REPLAY · read-only")
    async with app.run_test(size=(100, 30)) as pilot:
        app.show_section("infra")
        await pilot.pause()
        table = app.screen.query_one(ItemTable)
        detail = app.screen.query_one(ItemDetail)
        ids = [item.id for item in table.section.items]
        assert table.cells_of("infra.health")[0] == "✔ pass"
        app.replay_to(1)  # before any result
        await pilot.pause()
        assert table.cells_of("infra.health")[0] == "· pending"
        table.move_cursor(row=ids.index("infra.database"))  # the program's move, not a key
        await pilot.pause()
        assert table.selected_item == "infra.database"
        assert detail._shown is not None and detail._shown.plain.startswith("infra.database")


async def test_a_cell_of_several_styles_keeps_them_and_is_cut_to_its_column():
    """A stale status (its word, then "(stale)" in another style) in an item table's cell."""
    from textual.app import App

    from launch_tui.results import ItemStatus
    from launch_tui.tui.look import status_text

    cell = status_text(ItemStatus.PASS, stale=True)  # "✔ pass (stale)": two styles
    assert cell.spans

    class OneTable(App[None]):
        def compose(self):
            yield LineTable()

    app = OneTable()
    async with app.run_test(size=(40, 5)) as pilot:
        table = app.query_one(LineTable)
        table.set_columns([("status", 9), ("x", 1)])
        table.set_rows(["a"], lambda key: (cell, "y"))
        await pilot.pause()
        line = table.render_line(1)
        assert line.text.startswith(" ✔ pass (s  y ")
        styles = {segment.text.strip(): segment.style for segment in line if segment.text.strip()}
        stale = next(style for text, style in styles.items() if "(s" in text)
        assert stale is not None and stale.italic
