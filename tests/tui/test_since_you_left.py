"""Issue 14: on resume, what happened since comes first; the credentials dialog says
what each credential is for; quitting says how to come back."""

from __future__ import annotations

from textual.widgets import Input, Static

from launch_tui.commands.tui import farewell
from launch_tui.launch.live import LiveLaunch
from launch_tui.results import ItemStatus
from launch_tui.secrets import Secrets
from launch_tui.session import LiveSession
from launch_tui.target import target_from_dict
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.dialogs.secrets import SecretsDialog
from launch_tui.tui.dialogs.since import SinceYouLeftDialog
from launch_tui.tui.screens.section import SectionScreen

from .driver import settle, wait_for_dialog


def text_of(screen) -> str:
    return "\n".join(str(static.render()) for static in screen.query(Static))


async def test_resume_shows_since_you_left_first_with_what_the_platform_says(sandbox, sessions):
    from launch_tui.engine import onboarding

    live = LiveSession.create(target_from_dict(sandbox.target_dict()), "alice", sessions)
    launch = LiveLaunch(live, Secrets(sandbox.credentials))
    from launch_tui.launch import flows

    await flows.create_tenant(launch, await flows.create_tenant_step(launch))
    await flows.issue_key(launch, await flows.issue_key_step(launch))
    await launch.run_checks(["first-value.token"])
    assert launch.state.item("first-value.token").status is ItemStatus.PASS
    async with launch.context() as ctx:  # someone revokes the key while nobody has the session open
        await onboarding.revoke_key(ctx, "lt-revoke-1", launch.facts.key_id)
    launch.close()

    admin_only = {"LAUNCH_ADMIN_TOKEN": sandbox.credentials["LAUNCH_ADMIN_TOKEN"]}  # another machine: no customer key
    app = LaunchApp(LiveLaunch(LiveSession.resume(live.path, "bob"), Secrets(admin_only)))
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await wait_for_dialog(pilot, SinceYouLeftDialog)
        await settle(pilot)
        shown = text_of(panel)
        assert "alice: check.result first-value.token → pass" in shown  # who, what, when
        assert "REVOKED" in shown  # what happened on the platform since
        assert "customer's key is not on this machine" in shown and "earlier passes stand" in shown
        await pilot.press("enter")
        secrets = await wait_for_dialog(pilot, SecretsDialog)  # the credentials come after
        uses = text_of(secrets)
        assert (
            "serves auth.token-revoked" in uses and "onboarding.{tenant, integration-key" in uses
        )  # LAUNCH_REVOKED_KEY says which item it is for


async def test_a_new_session_opens_without_the_panel(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SectionScreen)


async def test_a_demo_whose_sandbox_is_gone_says_so_and_asks_for_no_credentials(sessions, target):
    live = LiveSession.create(target, "alice", sessions, sandbox=True)
    live.close()
    app = LaunchApp(LiveLaunch(LiveSession.resume(live.path, "bob"), Secrets({})))
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await wait_for_dialog(pilot, SinceYouLeftDialog)
        assert "its sandbox ran inside `launch-tui demo` and is gone" in text_of(panel)
        assert "launch-tui replay" in text_of(panel)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SectionScreen)  # no credentials dialog


def test_quitting_prints_the_exact_resume_command(make_app, capsys):
    app = make_app()
    farewell(app)
    assert f"launch-tui resume {app.launch.session_path}" in capsys.readouterr().err


async def test_the_credentials_dialog_keeps_what_is_typed_right_after_tab(make_app):
    app = make_app(secrets={})
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await wait_for_dialog(pilot, SecretsDialog)
        first, second = list(dialog.query(Input))[:2]
        assert app.focused is first  # the first empty field
        await pilot.press("a", "b", "tab", "c", "d")
        assert first.value == "ab" and second.value == "cd"
        await pilot.press("shift+tab", "e")
        assert first.value == "abe"
