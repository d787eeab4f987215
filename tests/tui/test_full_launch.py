"""The main flow against a real sandbox: every section to launch complete; quit and
resume in a new app instance; nothing secret in any file the run wrote."""

from __future__ import annotations

import pytest

from launch_tui.launch.live import LiveLaunch
from launch_tui.results import ItemStatus
from launch_tui.secrets import Secrets
from launch_tui.session import LiveSession, open_read_only
from launch_tui.target import target_from_dict
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.dialogs.actions import ActionDialog
from launch_tui.tui.dialogs.common import ChoiceDialog

from .driver import create_tenant, goto, past_since_you_left, settle, wait_for_dialog, walk_whole_launch


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox(job_seconds=0.3)


def launch_app(sandbox, folder, operator="alice") -> LaunchApp:
    live = LiveSession.create(target_from_dict(sandbox.target_dict()), operator, folder)
    return LaunchApp(LiveLaunch(live, Secrets(sandbox.credentials)))


async def test_new_to_launch_complete(sandbox, sessions):
    app = launch_app(sandbox, sessions)
    async with app.run_test(size=(120, 40)) as pilot:
        await walk_whole_launch(pilot)
        state = app.launch.state
        not_done = {item: state.item(item).status.value for item in state.items if not state.item(item).satisfied}
        assert not_done == {}
        assert state.launch_complete
        assert app.launch.results_preview, "the results preview has the job's rows"
        assert state.item("first-value.artifact").refs["job_id"] == state.facts["job_id"]
        assert "LAUNCH COMPLETE" in str(app.screen.query_one("#verdict").render())
        path = app.launch.live.path
        secret = app.launch.facts.customer_key
        assert secret
    written = [file for file in sessions.rglob("*") if file.is_file()]
    assert len(written) >= 5  # session, lock note or not, handoff guide and templates
    for file in written:
        assert secret.encode() not in file.read_bytes(), file  # the revealed key is in no file
    opened = open_read_only(path)
    assert opened.verdict.intact and opened.state.launch_complete
    assert [tenant.slug for tenant in sandbox.state.tenants.values()].count("acme-freight") == 1


async def test_quit_midway_and_resume_in_a_new_app(sandbox, sessions):
    app = launch_app(sandbox, sessions)
    async with app.run_test(size=(80, 24)) as pilot:
        await create_tenant(pilot)
        await pilot.press("q")
    path = app.launch.live.path
    before = open_read_only(path).state

    again = LaunchApp(LiveLaunch(LiveSession.resume(path, "bob"), Secrets(sandbox.credentials)))
    async with again.run_test(size=(80, 24)) as pilot:
        await past_since_you_left(pilot)
        assert again.screen.section.id == "onboarding"  # reopens where it was left
        assert again.launch.state.item("onboarding.tenant").status is ItemStatus.PASS
        assert again.launch.facts.tenant_id == before.facts["tenant_id"]
        assert again.launch.state.items == before.items


async def test_an_action_cancelled_at_its_dialog_sends_and_records_nothing(sandbox, sessions):
    app = launch_app(sandbox, sessions)
    async with app.run_test(size=(80, 24)) as pilot:
        await goto(pilot, "onboarding")
        before = app.launch.state.last_seq
        await pilot.press("enter")
        await wait_for_dialog(pilot, ActionDialog)
        assert app.focused.id == "cancel"  # a stray enter does not send
        await pilot.press("escape")
        await settle(pilot)
        assert app.launch.state.last_seq == before and not app.launch.state.intents
    assert [tenant.slug for tenant in sandbox.state.tenants.values()].count("acme-freight") == 0


async def test_resume_after_a_crash_mid_action_asks_what_to_do(sandbox, sessions):
    from launch_tui.engine import onboarding
    from launch_tui.session import EventKind, NewEvent

    app = launch_app(sandbox, sessions)
    launch = app.launch
    launch.record(
        NewEvent(
            kind=EventKind.ACTION_INTENT,
            item="onboarding.tenant",
            data={"action": "create_tenant", "idempotency_key": "lt-k1"},
        )
    )
    async with launch.context() as ctx:
        await onboarding.create_tenant(ctx, "lt-k1")  # reached the platform; then the crash
    launch.close()

    again = LaunchApp(LiveLaunch(LiveSession.resume(launch.session_path, "bob"), Secrets(sandbox.credentials)))
    async with again.run_test(size=(80, 24)) as pilot:
        await past_since_you_left(pilot)
        dialog = await wait_for_dialog(pilot, ChoiceDialog)
        assert "exists" in " ".join(str(static.render()) for static in dialog.query("Static"))
        await pilot.click("#choice-0")  # adopt
        await settle(pilot)
        assert again.launch.state.item("onboarding.tenant").status is ItemStatus.PASS and not again.launch.state.intents
    assert [tenant.slug for tenant in sandbox.state.tenants.values()].count("acme-freight") == 1


async def test_resume_offers_to_rerun_stale_results(sandbox, sessions):
    from datetime import timedelta

    from launch_tui import timefmt

    app = launch_app(sandbox, sessions)
    await app.launch.run_checks(["infra.health"])
    first = app.launch.state.item("infra.health").result_at
    app.launch.close()
    later = timefmt.utcnow() + timedelta(hours=2)  # health is useful for an hour
    timefmt.set_clock(lambda: later)
    try:
        again = LaunchApp(LiveLaunch(LiveSession.resume(app.launch.session_path, "bob"), Secrets(sandbox.credentials)))
        async with again.run_test(size=(80, 24)) as pilot:
            await past_since_you_left(pilot)
            dialog = await wait_for_dialog(pilot, ChoiceDialog)
            assert "infra.health" in " ".join(str(static.render()) for static in dialog.query("Static"))
            await pilot.click("#choice-0")
            await settle(pilot)
            assert again.launch.state.item("infra.health").result_at != first
    finally:
        timefmt.set_clock(None)
