"""Issue 14: the traps of a live call, one test each. Keys through Pilot; no widget is
set directly where the point is what a person's keys do."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, Select

from launch_tui.launch import flows
from launch_tui.launch.replay import ReplayLaunch
from launch_tui.results import ItemStatus
from launch_tui.session import EventKind, NewEvent, open_read_only
from launch_tui.session.replay import Replay
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.dialogs.actions import ActionDialog, DetectorsDialog, EnqueueDialog
from launch_tui.tui.dialogs.common import TextDialog
from launch_tui.tui.dialogs.record import RecordDialog
from launch_tui.tui.screens.section import SectionScreen

from .conftest import goto_item, type_text
from .driver import open_item, wait_for_dialog
from .test_snapshots import seeded


def error_of(dialog) -> str:
    return str(dialog.query_one("#dialog-error").render())


def notices(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_a_form_opens_in_its_first_empty_field_and_enter_walks_it_to_submit(make_app, frozen_clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_item(pilot, "decision.signoff", RecordDialog)
        assert app.focused.id == "field-owner"  # the date is filled in already: the owner is the first empty field
        await type_text(pilot, "Sam")
        await pilot.press("enter")
        assert app.focused.id == "field-date" and type(app.screen) is type(dialog)  # Enter moved on, did not submit
        await pilot.press("enter")  # from the last field: submits
        await pilot.pause()
        assert app.launch.state.item("decision.signoff").record == {"owner": "Sam", "date": "2026-11-30"}


async def test_a_refused_field_keeps_its_focus_and_the_others_keep_their_text(make_app, frozen_clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_item(pilot, "decision.support", RecordDialog)
        await type_text(pilot, "support@example.com")
        await pilot.press("enter", "enter")  # the SLA left empty
        assert "SLA" in error_of(dialog) or "sla" in error_of(dialog).lower()
        assert app.screen is dialog and dialog.query_one("#field-channel", Input).value == "support@example.com"


async def test_a_bad_csv_path_keeps_the_enqueue_form_open(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_item(pilot, "first-value.enqueue", EnqueueDialog)
        assert app.focused.id == "csv-path"  # the job type has its value: the path is the first empty field
        await type_text(pilot, str(tmp_path / "nope.csv"))
        await pilot.press("enter", "enter")
        assert app.screen is dialog, "the form stays open"
        assert "no such file" in error_of(dialog)
        assert app.focused.id == "csv-path" and dialog.query_one("#csv-path", Input).value.endswith("nope.csv")
        assert dialog.query_one("#job-type", Select).value == "TRADE"
        assert not app.launch.state.intents  # nothing was sent


async def test_the_send_button_shows_its_key_and_the_key_sends(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        step = await flows.create_tenant_step(app.launch)
        answers: list[object] = []
        app.push_screen(ActionDialog(step, "production"), answers.append)
        dialog = await wait_for_dialog(pilot, ActionDialog)
        assert "(s)" in str(dialog.query_one("#ok").label) and app.focused.id == "cancel"
        await pilot.press("s")
        await pilot.pause()
        assert answers == [True]


async def test_detectors_read_on_and_off_and_their_request_fits_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_item(pilot, "onboarding.detectors", DetectorsDialog)
        labels = [str(box.label) for box in dialog.query(Checkbox)]
        assert labels == ["TRADE: on", "SHIP: on", "ORDERS: off"]
        assert "TRADE on, SHIP on, ORDERS off" in str(dialog.query_one("#defaults").label)  # the defaults, named
        dialog.query_one("#detector-SHIP", Checkbox).focus()
        await pilot.press("space")
        assert str(dialog.query_one("#detector-SHIP", Checkbox).label) == "SHIP: off"
        await pilot.press("escape")
        app.launch.facts.tenant_id = "ten_1"
        step = await flows.detectors_step(app.launch, {"TRADE": True, "SHIP": False, "ORDERS": True})
        app.push_screen(ActionDialog(step, "production"))
        preview = await wait_for_dialog(pilot, ActionDialog)
        request = preview.query_one("#request")
        assert request.max_scroll_y == 0, "every detector shows without scrolling"
        assert all(name in str(preview.query_one("#request Static").render()) for name in ("TRADE", "SHIP", "ORDERS"))


async def test_run_all_says_which_items_it_left_and_why(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.show_section("onboarding")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        said = " ".join(notices(app))
        assert "onboarding.tenant (an action: Enter)" in said
        assert "onboarding.handoff (a person confirms: c)" in said


async def test_the_cursor_moves_to_the_next_open_item_once_one_is_done(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_item(pilot, "guardrails.alert-routing", TextDialog, "c")
        await pilot.press("enter")
        await pilot.pause()
        assert app.launch.state.item("guardrails.alert-routing").status is ItemStatus.CONFIRMED
        assert app.screen.current_item == "guardrails.rollback-levers"


async def test_the_known_gaps_form_takes_typing_at_once(make_app, frozen_clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_item(pilot, "decision.known-gaps", RecordDialog)
        await type_text(pilot, "SSO")
        assert dialog.query_one("#gap-what", Input).value == "SSO"
        await pilot.press("tab")
        await type_text(pilot, "Dana")
        await pilot.press("tab")
        await type_text(pilot, "2027-01-15")
        await pilot.press("enter")  # adds the gap, back to the first gap field
        await pilot.press("enter")  # an empty gap: saves
        await pilot.pause()
        assert app.launch.state.item("decision.known-gaps").record == {
            "gaps": [{"what": "SSO", "owner": "Dana", "due": "2027-01-15"}]
        }


async def _handoff_by(pilot, key: str) -> None:
    app = pilot.app
    app.show_section("onboarding")
    await pilot.pause()
    await goto_item(pilot, "onboarding.handoff")
    await pilot.press(key)
    dialog = await wait_for_dialog(pilot, TextDialog)
    assert "Written for the customer" in str(dialog.query_one("Label").render())
    await pilot.press("enter")
    await pilot.pause()


async def test_c_and_enter_on_customer_received_do_the_same(make_app):
    records = []
    for key in ("c", "enter"):
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.launch.record(
                NewEvent(
                    kind=EventKind.ACTION_RESULT,
                    item="onboarding.integration-key",
                    status=ItemStatus.PASS,
                    summary="issued",
                    data={"refs": {"key_id": "key_1", "key_prefix": "lk_1"}},
                )
            )
            app.launch.facts.key_id = "key_1"
            app.launch.record(
                NewEvent(
                    kind=EventKind.KEY_REVEALED,
                    item="onboarding.integration-key",
                    data={"key_id": "key_1", "revealed": key == "c", "copied": key == "enter"},
                )
            )
            await _handoff_by(pilot, key)
            state = app.launch.state.item("onboarding.handoff")
            assert state.status is ItemStatus.CONFIRMED
            records.append(state.refs)
            for path in (value for name, value in state.refs.items() if name.startswith("file ")):
                assert Path(path).is_file()
    assert {name for name in records[0] if name.startswith("file ")} == {
        name for name in records[1] if name.startswith("file ")
    }
    assert records[0]["secret_delivery"] == "revealed on screen"
    assert records[1]["secret_delivery"] == "copied to the clipboard"


def replay_app(folder: Path) -> LaunchApp:
    live = seeded(folder)
    live.close()
    return LaunchApp(ReplayLaunch(Replay(open_read_only(live.path))), mode="REPLAY · read-only")


async def test_replay_help_lists_the_replay_keys(tmp_path):
    app = replay_app(tmp_path / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.query_one("Markdown").source
        for key in ("| , |", "| . |", "| g / G |", "| t |", "filters", "| escape |"):
            assert key in text


async def test_stepping_in_replay_moves_the_detail_to_the_events_item(tmp_path):
    app = replay_app(tmp_path / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        app.replay_to(1)
        app.show_section("infra")
        await pilot.pause()
        for _ in range(len(app.launch.replay.events)):
            await pilot.press("full_stop")
            await pilot.pause()
            event = app.launch.replay.current_event
            if event.item == "auth.token-invalid":
                break
        assert app.screen.section.id == "auth" and app.screen.current_item == "auth.token-invalid"
        await pilot.press("full_stop")  # auth.route-enforcement, the next event
        await pilot.pause()
        assert app.screen.current_item == "auth.route-enforcement"


async def test_a_filter_never_moves_the_as_of_point_and_escape_leaves_the_timeline(tmp_path):
    app = replay_app(tmp_path / "sessions")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("up", "up", "up")
        await pilot.pause()
        position = app.launch.replay.position
        assert position < len(app.launch.replay.events)
        app.screen.query_one("#filter-section", Select).value = "guardrails"
        await pilot.pause()
        await pilot.pause()
        assert app.launch.replay.position == position
        app.screen.query_one("#filter-section", Select).value = Select.NULL
        await pilot.pause()
        await pilot.pause()
        assert app.launch.replay.position == position
        app.screen.query_one("#timeline").focus()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SectionScreen)
