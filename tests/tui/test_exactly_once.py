"""Exactly once, as the operator meets it: Enter again on a finished action says what
exists and asks first; "issue a new one and revoke the old" leaves one live key; the
one-time secret dialog asks before closing unseen; an action whose answer came too late
is looked up before anything is sent again."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from launch_tui.clients.transport import Policy
from launch_tui.launch.live import LiveLaunch
from launch_tui.sandbox import SandboxServer
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, read_session
from launch_tui.target import target_from_dict
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.dialogs.actions import ActionDialog, RevealKeyDialog
from launch_tui.tui.dialogs.common import ChoiceDialog, ConfirmDialog

from ..reliability.fault_proxy import FaultProxy
from .driver import create_tenant, goto, issue_and_reveal, select_item, send_action, settle, wait_for_dialog


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox(job_seconds=0.3)


def live_keys(sandbox: SandboxServer, tenant_id: str) -> list[str]:
    return [k.id for k in sandbox.state.keys.values() if k.tenant_id == tenant_id and k.revoked_at is None]


def launch_app(sandbox, folder, api_url: str | None = None, policy: Policy | None = None) -> LaunchApp:
    target = sandbox.target_dict()
    if api_url:
        target["api_url"] = api_url
    live = LiveSession.create(target_from_dict(target), "alice", folder)
    return LaunchApp(LiveLaunch(live, Secrets(sandbox.credentials), policy=policy))


async def test_enter_again_on_an_issued_key_asks_first_and_can_replace_it(sandbox, sessions):
    app = launch_app(sandbox, sessions)
    async with app.run_test(size=(120, 40)) as pilot:
        await create_tenant(pilot)
        await issue_and_reveal(pilot)
        first = app.launch.facts.key_id
        tenant = app.launch.facts.tenant_id

        await select_item(pilot, "onboarding.integration-key")
        await pilot.press("enter")
        asked = await wait_for_dialog(pilot, ChoiceDialog)
        assert f"key {first}" in asked.finding and "is live" in asked.finding and "by alice" in asked.finding
        labels = [str(button.label) for button in asked.query(Button)]
        assert labels == ["Issue a new one and revoke the old", "Keep it as it is"]
        await pilot.click("#choice-1")  # keep it: nothing is sent
        await settle(pilot)
        assert live_keys(sandbox, tenant) == [first]

        await pilot.press("enter")
        asked = await wait_for_dialog(pilot, ChoiceDialog)
        await pilot.click("#choice-0")
        dialog = await wait_for_dialog(pilot, ActionDialog)
        shown = str(dialog.query_one("#request Static").render())
        assert "integration-keys" in shown and f"{first}/revoke" in shown  # both requests are shown
        dialog.action_submit()
        reveal = await wait_for_dialog(pilot, RevealKeyDialog)
        await pilot.click("#copy")
        await pilot.pause()
        reveal.action_submit()
        await settle(pilot)
        second = app.launch.facts.key_id
        assert second != first and live_keys(sandbox, tenant) == [second]  # exactly one live key
        assert first in app.launch.live.path.read_text()  # the revoked one is recorded


async def test_escape_on_the_unseen_secret_asks_before_losing_it(sandbox, sessions):
    app = launch_app(sandbox, sessions)
    async with app.run_test(size=(120, 40)) as pilot:
        await create_tenant(pilot)
        await send_action(pilot, "onboarding.integration-key")
        await wait_for_dialog(pilot, RevealKeyDialog)
        await pilot.press("escape")
        question = await wait_for_dialog(pilot, ConfirmDialog)
        assert "neither revealed nor copied" in str(question.explanation)
        question.action_cancel()  # no: back to the secret
        reveal = await wait_for_dialog(pilot, RevealKeyDialog)
        assert reveal.secret  # still there
        await pilot.press("escape")
        question = await wait_for_dialog(pilot, ConfirmDialog)
        question.action_submit()  # yes, close and lose it
        await settle(pilot)
        events = read_session(app.launch.live.path).events
        assert not [e for e in events if e.kind is EventKind.KEY_REVEALED]


async def test_a_late_answer_is_looked_up_before_anything_is_sent_again(sandbox, sessions):
    with FaultProxy(sandbox.base_url) as proxy:
        app = launch_app(sandbox, sessions, proxy.url, Policy(read_timeout=0.5, connect_timeout=0.5))
        async with app.run_test(size=(120, 40)) as pilot:
            await goto(pilot, "onboarding")
            proxy.arm("POST", "/api/admin/tenants", "late", hold=1.5)
            await send_action(pilot, "onboarding.tenant")
            looked = await wait_for_dialog(pilot, ChoiceDialog)  # at once, before any retry
            assert str(looked.title_text).startswith("outcome unknown: looking it up")
            assert "the platform acted" in looked.finding
            await pilot.click("#choice-0")  # adopt it
            await settle(pilot)
            assert not app.launch.state.intents
            assert [t.slug for t in sandbox.state.tenants.values()].count("acme-freight") == 1
            assert app.launch.state.item("onboarding.tenant").status.value == "pass"
