"""Drives the wizard like an operator: keys and clicks through Pilot, against a real
sandbox over loopback. Shared by the flow tests, the leak scan and the example session."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from textual.screen import Screen
from textual.widgets import Button, Input

from launch_tui.tui.dialogs.actions import ActionDialog, DetectorsDialog, EnqueueDialog, RevealKeyDialog
from launch_tui.tui.dialogs.common import Dialog, TextDialog
from launch_tui.tui.dialogs.record import RecordDialog
from launch_tui.tui.dialogs.since import SinceYouLeftDialog

Shown = TypeVar("Shown", bound=Screen)


async def settle(pilot, seconds: float = 60) -> None:
    """Wait for the workers; a worker stuck on a dialog nobody answers fails the test
    instead of hanging it. The git sync's loop runs as long as the app: not waited for."""
    workers = [worker for worker in pilot.app.workers if worker.group != "sync"]
    # A worker that failed is finished too: the App said so in a notice, which a test may read.
    waits = [worker.wait() for worker in workers]
    await asyncio.wait_for(asyncio.gather(*waits, return_exceptions=True), seconds)
    await pilot.pause()


def noted(app) -> list[str]:
    """Every notice the app shows from now on, as text."""
    notes: list[str] = []
    app.notify = lambda message, **kwargs: notes.append(str(message))
    return notes


async def listed(pilot) -> None:
    """The home screen's list, read in a thread, on screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def goto(pilot, section_id: str) -> None:
    pilot.app.show_section(section_id)
    await pilot.pause()
    await pilot.pause()


async def select_item(pilot, item_id: str) -> None:
    table = pilot.app.screen.query_one("ItemTable")
    ids = [item.id for item in table.section.items]
    table.move_cursor(row=ids.index(item_id))
    await pilot.pause()


async def wait_for_dialog(pilot, kind: type[Shown], tries: int = 200) -> Shown:
    """The screen of that class, once it is on top (a dialog a worker opens comes later)
    and laid out: on a loaded machine a dialog can be on top a frame before its buttons
    are mounted, or before they have a place a click can land on."""
    for _ in range(tries):
        screen = pilot.app.screen
        if isinstance(screen, kind) and laid_out(screen):
            await pilot.pause()
            return screen
        await pilot.pause(0.02)
    raise AssertionError(f"no {kind.__name__} appeared; the screen is {type(pilot.app.screen).__name__}")


def laid_out(screen: Screen) -> bool:
    buttons = list(screen.query(Button))
    return screen.is_mounted and all(button.region.area or not button.display for button in buttons)


async def open_item(pilot, item_id: str, kind: type[Shown], key: str = "enter") -> Shown:
    """Go to the item's section, put the cursor on it, press `key`, and wait for the dialog."""
    await goto(pilot, item_id.split(".", 1)[0])
    await select_item(pilot, item_id)
    await pilot.press(key)
    return await wait_for_dialog(pilot, kind)


async def send_action(pilot, item_id: str, *, slug: str | None = None) -> None:
    """Start an action and accept its request dialog (typing the slug when asked)."""
    await select_item(pilot, item_id)
    await pilot.press("enter")
    dialog = await wait_for_dialog(pilot, ActionDialog)
    if slug is not None:
        dialog.query_one("#confirm-slug", Input).value = slug
    dialog.action_submit()
    await pilot.pause()


async def send_with(pilot, item_id: str, kind: type[Dialog]) -> None:
    """An action that asks for its arguments first: accept that dialog, then the request."""
    await select_item(pilot, item_id)
    await pilot.press("enter")
    arguments = await wait_for_dialog(pilot, kind)
    arguments.action_submit()
    request = await wait_for_dialog(pilot, ActionDialog)
    request.action_submit()
    await settle(pilot)


async def create_tenant(pilot) -> None:
    await goto(pilot, "onboarding")
    await send_action(pilot, "onboarding.tenant")
    await settle(pilot)


async def issue_and_reveal(pilot) -> None:
    await send_action(pilot, "onboarding.integration-key")
    reveal = await wait_for_dialog(pilot, RevealKeyDialog)
    await pilot.click("#reveal")
    await pilot.pause()
    reveal.action_submit()
    await settle(pilot)


async def run_item(pilot, item_id: str) -> None:
    await select_item(pilot, item_id)
    await pilot.press("r")
    await settle(pilot)


async def confirm(pilot, item_id: str, note: str = "") -> None:
    await select_item(pilot, item_id)
    await pilot.press("c")
    dialog = await wait_for_dialog(pilot, TextDialog)
    dialog.query_one("#text", Input).value = note
    dialog.action_submit()
    await pilot.pause()


async def fill_record(pilot, item_id: str, values: dict) -> None:
    await select_item(pilot, item_id)
    await pilot.press("e")
    dialog = await wait_for_dialog(pilot, RecordDialog)
    for name, value in values.items():
        if name == "gaps":
            dialog.query_one("GapsEditor").rows = list(value)
            continue
        dialog.query_one(f"#field-{name}").value = value  # an Input or a Select
    dialog.action_submit()
    await pilot.pause()


async def walk_whole_launch(pilot) -> None:
    """Every section, in order, to launch complete (healthy sandbox, production target)."""
    app = pilot.app
    slug = app.launch.target.customer.tenant_slug
    for section in ("infra", "auth"):
        await goto(pilot, section)
        await pilot.press("a")
        await settle(pilot)

    await create_tenant(pilot)
    await issue_and_reveal(pilot)
    await send_with(pilot, "onboarding.detectors", DetectorsDialog)
    await run_item(pilot, "onboarding.status")
    await select_item(pilot, "onboarding.handoff")
    await pilot.press("enter")
    handoff = await wait_for_dialog(pilot, TextDialog)
    handoff.query_one("#text", Input).value = "key read out on the call; guide and template emailed"
    handoff.action_submit()
    await pilot.pause()

    await goto(pilot, "first-value")
    await run_item(pilot, "first-value.token")
    await send_with(pilot, "first-value.enqueue", EnqueueDialog)
    for item_id in ("first-value.poll", "first-value.results", "first-value.artifact"):
        await run_item(pilot, item_id)

    await goto(pilot, "guardrails")
    await pilot.press("a")
    await settle(pilot)
    await confirm(pilot, "guardrails.alert-routing", "PagerDuty: staging checks and nightly failures")
    await confirm(pilot, "guardrails.rollback-levers", "both levers rehearsed last week")

    await goto(pilot, "billing")
    await fill_record(pilot, "billing.model", {"model": "platform fee", "terms": "USD 2,000 a month, invoiced monthly"})
    await send_action(pilot, "billing.invoice-generate", slug=slug)
    await settle(pilot)
    await send_action(pilot, "billing.invoice-lifecycle", slug=slug)
    await settle(pilot)
    await fill_record(
        pilot, "billing.collection-owner", {"owner": "Dana Ops", "process_doc": "Finance wiki: Collections"}
    )

    await goto(pilot, "decision")
    today = app.launch.today().isoformat()
    await fill_record(pilot, "decision.signoff", {"owner": "Sam Founder", "date": today})
    await fill_record(
        pilot,
        "decision.known-gaps",
        {"gaps": [{"what": "SSO for the customer's staff", "owner": "Dana Ops", "due": "2027-01-15"}]},
    )
    await fill_record(pilot, "decision.rollback-authority", {"authority": "Sam Founder (CTO as backup)"})
    await fill_record(
        pilot,
        "decision.support",
        {"channel": "support@example.com and a shared Slack channel", "sla": "4 business hours"},
    )
    await goto(pilot, "summary")


async def past_since_you_left(pilot) -> None:
    """A resume opens on the "since you left" panel: read, then Enter."""
    await wait_for_dialog(pilot, SinceYouLeftDialog)
    await pilot.press("enter")
    await pilot.pause()
