"""The timeline's table (launch_tui/tui/widgets/event_table.py), driven as a reviewer
drives it: the cursor is the replay position, every event is in the table, and a row is
drawn from the file's text as text."""

from __future__ import annotations

from launch_tui.launch.replay import ReplayLaunch
from launch_tui.session import EventKind, NewEvent, open_read_only
from launch_tui.session.replay import Replay
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.screens.section import SectionScreen
from launch_tui.tui.widgets.event_table import EventTable

from .test_snapshots import seeded

NOTES = 300  # far more events than the 100 the DataTable's window held


def long_replay(folder) -> LaunchApp:
    live = seeded(folder)
    for n in range(NOTES):
        live.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note=f"note {n}"))
    live.close()
    return LaunchApp(ReplayLaunch(Replay(open_read_only(live.path))), mode="REPLAY · read-only")


def in_view(table: EventTable) -> bool:
    """Row `cursor` is on line `cursor + 1 - scroll_y`: below the header, above the bottom."""
    return table.scroll_y <= table.cursor < table.scroll_y + table.scrollable_content_region.height - 1


async def test_the_keys_move_the_replay_position_and_keep_the_cursor_in_view(tmp_path):
    app = long_replay(tmp_path / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(EventTable)
        replay = app.launch.replay
        assert len(table.rows) == len(replay.events) and table.cursor_position == replay.position
        for keys in (["home"], ["down", "down"], ["pagedown"], ["pagedown", "up"], ["end"], ["pageup"]):
            before = replay.position
            await pilot.press(*keys)
            await pilot.pause()
            assert replay.position == table.cursor_position != before, keys
            assert in_view(table), keys
        assert replay.position < len(replay.events) - 10  # a page up from the end


async def test_stepping_moves_the_cursor_without_moving_the_position_again(tmp_path):
    app = long_replay(tmp_path / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(EventTable)
        replay = app.launch.replay
        await pilot.press("g")
        await pilot.pause()
        assert replay.position == 1 and table.cursor == 0 and in_view(table)
        await pilot.press("full_stop", "full_stop")
        await pilot.pause()
        assert replay.position == 3 and table.cursor_position == 3
        await pilot.press("G")
        await pilot.pause()
        assert replay.position == len(replay.events) == table.cursor_position and in_view(table)


async def test_a_click_moves_there_and_a_second_click_opens_its_section(tmp_path):
    app = long_replay(tmp_path / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(EventTable)
        replay = app.launch.replay
        await pilot.press("home")
        await pilot.pause()
        await pilot.click(EventTable, offset=(2, 3))  # line 3: the third row under the header
        await pilot.pause()
        assert replay.position == 3 and table.cursor == 2
        await pilot.click(EventTable, offset=(2, 0))  # the header: nothing
        await pilot.pause()
        assert replay.position == 3
        await pilot.click(EventTable, offset=(2, 3))
        await pilot.pause()
        assert isinstance(app.screen, SectionScreen)
        assert app.screen.section_id == replay.current_event.item.split(".")[0]


async def test_enter_opens_the_section_of_the_event_under_the_cursor(tmp_path):
    app = long_replay(tmp_path / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SectionScreen) and app.screen.section_id == "infra"


async def test_a_long_or_styled_cell_is_cut_to_its_column_and_drawn_as_text(tmp_path):
    live = seeded(tmp_path / "sessions")
    live.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note="[bold red]not markup[/] " + "x" * 400))
    live.close()
    app = LaunchApp(ReplayLaunch(Replay(open_read_only(live.path))), mode="REPLAY · read-only")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(EventTable)
        what = dict(zip(table.labels, table.widths, strict=True))["what"]
        assert what == 200  # the longest what, cut to 200
        last = table.rows[-1]
        assert table.cells_of(last)[6].startswith("[bold red]not markup[/] x")
        line = table.render_line(table.cursor + 1 - int(table.scroll_y))
        assert "[bold red]not markup[/]" in line.text
        assert len(line.text) == table.size.width
