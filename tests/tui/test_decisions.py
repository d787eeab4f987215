"""A person's decisions through the keyboard: confirm, note, waive, undo, records."""

from launch_tui.results import ItemStatus
from launch_tui.session import EventKind, open_read_only
from launch_tui.tui.dialogs.common import TextDialog
from launch_tui.tui.dialogs.record import RecordDialog

from .conftest import goto_item, type_text
from .driver import open_item


async def test_confirm_a_manual_item_records_who_and_when(make_app, frozen_clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_item(pilot, "guardrails.alert-routing", TextDialog, "c")
        await type_text(pilot, "PagerDuty routes both")
        await pilot.press("enter")
        await pilot.pause()
        state = app.launch.state.item("guardrails.alert-routing")
        assert state.status is ItemStatus.CONFIRMED
        assert (state.confirmed_by, state.confirmed_at) == ("alice", "2026-11-30T10:00:00Z")
        assert state.notes[0].text == "PagerDuty routes both"


async def test_escape_cancels_without_recording(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        before = app.launch.state.last_seq
        await pilot.press("n")
        await type_text(pilot, "never mind")
        await pilot.press("escape")
        await pilot.pause()
        assert app.launch.state.last_seq == before


async def test_an_empty_note_is_refused_in_the_dialog(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        before = app.launch.state.last_seq
        await pilot.press("n", "enter")
        await pilot.pause()
        assert "empty" in str(app.screen.query_one("#dialog-error").render())
        assert app.launch.state.last_seq == before


async def test_waive_validates_then_undo_is_a_new_event(make_app, frozen_clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await goto_item(pilot, "infra.health")
        await pilot.press("w")
        await type_text(pilot, "staging only today")
        await pilot.press("tab")
        await type_text(pilot, "bo")
        await pilot.press("tab")
        await type_text(pilot, "2020-01-01")
        await pilot.press("enter")
        await pilot.pause()
        assert "in the past" in str(app.screen.query_one("#dialog-error").render())
        until = app.screen.query_one("#until")
        until.value = "2026-12-31"
        await pilot.press("enter")
        await pilot.pause()
        assert app.launch.state.item("infra.health").status is ItemStatus.WAIVED
        assert app.screen.current_item != "infra.health"  # done: the cursor moved on to an open item
        await goto_item(pilot, "infra.health")
        await pilot.press("u")
        await pilot.pause()
        await pilot.click("#ok")
        await pilot.pause()
        assert app.launch.state.item("infra.health").status is ItemStatus.PENDING
    kinds = [event.kind for event in open_read_only(app.launch.live.path).file.events]
    assert kinds[-2:] == [EventKind.ITEM_WAIVED, EventKind.ITEM_UNCONFIRMED]


async def test_known_gaps_table_and_records(make_app, frozen_clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_item(pilot, "decision.known-gaps", RecordDialog)
        dialog.query_one("#gap-what").value = "SSO not wired"
        dialog.query_one("#gap-owner").value = "Dana"
        dialog.query_one("#gap-due").value = "2026-13-01"
        await pilot.click("#gap-add")
        await pilot.pause()
        assert "not a date" in str(dialog.query_one("#dialog-error").render())
        due = dialog.query_one("#gap-due")
        due.value = "2026-12-15"
        due.focus()
        await pilot.press("enter")  # enter in a gap field adds the row
        await pilot.pause()
        assert str(dialog.query_one("#dialog-error").render()) == ""
        await pilot.click("#ok")
        await pilot.pause()
        record = app.launch.state.item("decision.known-gaps").record
        assert record == {"gaps": [{"what": "SSO not wired", "owner": "Dana", "due": "2026-12-15"}]}
        assert app.launch.state.item("decision.known-gaps").status is ItemStatus.CONFIRMED
