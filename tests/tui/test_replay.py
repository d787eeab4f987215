"""Replay: read-only review. It takes no lock, writes nothing, calls no network, and
every screen shows the state as of the selected event."""

from __future__ import annotations

import socket

import pytest

from launch_tui.errors import LaunchError
from launch_tui.launch.replay import ReplayLaunch
from launch_tui.results import ItemStatus
from launch_tui.session import open_read_only
from launch_tui.session.replay import Replay
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.look import replay_banner
from launch_tui.tui.screens.summary import SummaryScreen

from .test_snapshots import seeded


def snapshot_folder(folder):
    return {path: (path.stat().st_mtime_ns, path.read_bytes()) for path in folder.rglob("*") if path.is_file()}


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("replay opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


async def test_replay_alongside_a_writer_touches_nothing(tmp_path, no_network):
    live = seeded(tmp_path / "sessions")  # still open for writing: the lock is held
    before = snapshot_folder(tmp_path)
    app = LaunchApp(ReplayLaunch(Replay(open_read_only(live.path))), mode="REPLAY · read-only")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g", "full_stop", "full_stop", "comma", "G", "t")
        for section in ("infra", "guardrails", "summary"):
            app.show_section(section)
            await pilot.pause()
            await pilot.press("enter", "c", "n", "w", "u", "r", "a", "e")  # writing keys do nothing
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)  # no dialog opened on top of it
    assert snapshot_folder(tmp_path) == before
    live.close()


async def test_the_screens_show_the_state_as_of_the_selected_event(tmp_path):
    live = seeded(tmp_path / "sessions")
    live.close()
    replay = Replay(open_read_only(live.path))
    health_at = next(position for position, event in enumerate(replay.events, start=1) if event.item == "infra.health")
    app = LaunchApp(ReplayLaunch(replay), mode="REPLAY · read-only")
    async with app.run_test(size=(120, 40)) as pilot:
        app.replay_to(health_at - 1)
        await pilot.pause()
        assert app.launch.state.item("infra.health").status is ItemStatus.PENDING
        await pilot.press("full_stop")
        assert app.launch.state.item("infra.health").status is ItemStatus.PASS
        assert f"event {health_at}/{len(replay.events)}" in str(replay_banner(app.replay, app.launch.signatures))
        await pilot.press("g")
        assert app.launch.replay.position == 1 and app.launch.state.progress[0] == 0
        await pilot.press("G")
        assert app.launch.state.items == open_read_only(live.path).state.items


async def test_timeline_filters_by_section_actor_and_status(tmp_path):
    live = seeded(tmp_path / "sessions")
    live.close()
    app = LaunchApp(ReplayLaunch(Replay(open_read_only(live.path))), mode="REPLAY · read-only")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        timeline = app.screen
        everything = len(timeline.shown)
        timeline.query_one("#filter-status").value = "fail"
        await pilot.pause()
        events = app.launch.replay.events
        assert timeline.shown and all(events[p - 1].status.value == "fail" for p in timeline.shown)
        timeline.query_one("#filter-status").clear()
        timeline.query_one("#filter-section").value = "guardrails"
        await pilot.pause()
        assert all(events[p - 1].item.startswith("guardrails.") for p in timeline.shown)
        timeline.query_one("#filter-section").clear()
        timeline.query_one("#filter-actor").value = "alice"
        await pilot.pause()
        assert len(timeline.shown) == everything


def test_the_replay_wizard_cannot_write(tmp_path):
    live = seeded(tmp_path / "sessions")
    live.close()
    launch = ReplayLaunch(Replay(open_read_only(live.path)))
    for write in (launch.confirm, launch.add_note, launch.record, launch.run_checks):
        with pytest.raises(LaunchError, match="read-only"):
            write("infra.health")


def test_timeline_shows_an_edited_item_id_as_text_not_markup():
    from rich.text import Text

    from launch_tui.session import Event, EventKind
    from launch_tui.tui.screens.timeline import event_line

    hostile = "[link=https://evil.example][b red]infra.health[/][/link]\x1b[2J"
    event = Event.model_construct(
        seq=3,
        at="2026-11-30T10:00:00Z",
        actor="[i]mallory[/i]",
        kind=EventKind.CHECK_RESULT,
        item=hostile,
        status=None,
        summary="[blink]ok[/blink]",
        note=None,
        data={},
    )
    cells = event_line(event)
    file_cells = [cells[2], cells[4], cells[6]]  # actor, item, what: all come from the file
    assert all(isinstance(cell, Text) and not cell.spans and not cell.style for cell in file_cells)
    assert cells[4].plain == hostile.replace("\x1b", "\u241b")  # shown literally, the escape made visible


async def test_replay_shows_its_first_frame_before_the_verdict_and_altered_once_known(tmp_path):
    """The chain is verified in a thread after the first frame; the banner says so meanwhile,
    and ALTERED once the verdict is in. Nothing is written either way."""
    live = seeded(tmp_path / "sessions")
    live.close()
    raw = live.path.read_bytes()
    edited = raw.replace(b'actor = "alice"', b'actor = "mallory"', 1)
    assert edited != raw
    live.path.write_bytes(edited)
    launch = ReplayLaunch(Replay.unverified(live.path))
    assert not launch.verified and launch.signatures == {}
    app = LaunchApp(launch, mode="REPLAY · read-only")
    assert "verifying the hash chain" in str(replay_banner(app.replay, app.launch.signatures))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        banner = str(replay_banner(app.replay, app.launch.signatures))
        assert launch.verified and "verifying" not in banner
        assert "ALTERED: event #" in banner and "was edited" in banner
        assert "ALTERED" in str(app.screen.query_one("#section-title").render())
    assert live.path.read_bytes() == edited


async def test_an_intact_replay_opened_unverified_says_nothing_once_verified(tmp_path):
    live = seeded(tmp_path / "sessions")
    live.close()
    app = LaunchApp(ReplayLaunch(Replay.unverified(live.path)), mode="REPLAY · read-only")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        banner = str(replay_banner(app.replay, app.launch.signatures))
        assert app.launch.verified and "ALTERED" not in banner and "verifying" not in banner


async def test_the_timeline_is_drawn_only_once_it_shows_the_position(tmp_path, monkeypatch):
    """The table can scroll to the replay position only once it has a size, after the
    first refresh; until then it is hidden, so no frame draws the top rows instead of the cursor's."""
    from launch_tui.session import EventKind, NewEvent
    from launch_tui.tui.widgets.line_table import LineTable

    live = seeded(tmp_path / "sessions")
    for n in range(40):  # more events than one screenful: the position is off the table's top
        live.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note=f"note {n}"))
    live.close()
    drawn: list[tuple[float, int, int]] = []
    render_lines = LineTable.render_lines

    def recorded(table, crop):
        if table.id == "timeline":
            drawn.append((table.scroll_y, table.size.height, table.cursor_row))
        return render_lines(table, crop)

    monkeypatch.setattr(LineTable, "render_lines", recorded)
    app = LaunchApp(ReplayLaunch(Replay(open_read_only(live.path))), mode="REPLAY · read-only")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#timeline", LineTable)
        assert table.cursor_row >= table.size.height  # the position is below the first screenful
        # Row `cursor` is on line `cursor + 1 - scroll_y`: below the header, above the bottom.
        assert drawn and all(top <= row < top + height - 1 for top, height, row in drawn)
        assert app.focused is table


async def test_the_collector_stays_off_until_the_first_frame_is_drawn(tmp_path, monkeypatch):
    """cli.main turns the cyclic collector off for a TUI command's start-up, and the app
    turns it on once its first frame is drawn: Ready comes just before that frame is
    rendered, and on from there it ran ~30 collections (~20 ms) in the frame waited for."""
    import gc

    live = seeded(tmp_path / "sessions")
    live.close()
    frames: list[bool] = []  # whether the collector was on, for each frame a terminal would be sent
    display = LaunchApp._display

    def recorded(app, screen, renderable):
        if renderable is not None and app._running and not app._batch_count:
            frames.append(gc.isenabled())
        return display(app, screen, renderable)

    monkeypatch.setattr(LaunchApp, "_display", recorded)
    gc.disable()
    try:
        app = LaunchApp(ReplayLaunch(Replay(open_read_only(live.path))), mode="REPLAY · read-only")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
        assert frames and frames[0] is False
    finally:
        gc.enable()
