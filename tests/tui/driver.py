"""Drives the wizard like an operator: keys and clicks through Pilot, against a real
sandbox over loopback. Shared by the flow tests, the leak scan and the example session."""

from __future__ import annotations

import asyncio

from textual.widgets import Input, Select


async def settle(pilot, seconds: float = 60) -> None:
    """Wait for the workers; a worker stuck on a dialog nobody answers fails the test
    instead of hanging it. The git sync's loop runs as long as the app: not waited for."""
    workers = [worker for worker in pilot.app.workers if worker.group != "sync"]
    if workers:  # (an empty list would mean "all of them")
        await asyncio.wait_for(pilot.app.workers.wait_for_complete(workers), seconds)
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


async def wait_for_dialog(pilot, name: str, tries: int = 200):
    for _ in range(tries):
        if type(pilot.app.screen).__name__ == name:
            await pilot.pause()  # composed and mounted, not just pushed
            return pilot.app.screen
        await pilot.pause(0.02)
    raise AssertionError(f"no {name} appeared; the screen is {type(pilot.app.screen).__name__}")


async def send_action(pilot, item_id: str, *, slug: str | None = None) -> None:
    """Start an action and accept its request dialog (typing the slug when asked)."""
    await select_item(pilot, item_id)
    await pilot.press("enter")
    dialog = await wait_for_dialog(pilot, "ActionDialog")
    if slug is not None:
        dialog.query_one("#confirm-slug", Input).value = slug
    dialog.action_submit()
    await pilot.pause()


async def run_item(pilot, item_id: str) -> None:
    await select_item(pilot, item_id)
    await pilot.press("r")
    await settle(pilot)


async def confirm(pilot, item_id: str, note: str = "") -> None:
    await select_item(pilot, item_id)
    await pilot.press("c")
    dialog = await wait_for_dialog(pilot, "TextDialog")
    dialog.query_one("#text", Input).value = note
    dialog.action_submit()
    await pilot.pause()


async def fill_record(pilot, item_id: str, values: dict) -> None:
    await select_item(pilot, item_id)
    await pilot.press("e")
    dialog = await wait_for_dialog(pilot, "RecordDialog")
    for name, value in values.items():
        if name == "gaps":
            dialog.query_one("GapsEditor").rows = list(value)
            continue
        widget = dialog.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            widget.value = value
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

    await goto(pilot, "onboarding")
    await send_action(pilot, "onboarding.tenant")
    await settle(pilot)
    await send_action(pilot, "onboarding.integration-key")
    reveal = await wait_for_dialog(pilot, "RevealKeyDialog")
    await pilot.click("#reveal")
    await pilot.pause()
    reveal.action_submit()
    await settle(pilot)
    await select_item(pilot, "onboarding.detectors")
    await pilot.press("enter")
    detectors = await wait_for_dialog(pilot, "DetectorsDialog")
    detectors.action_submit()
    dialog = await wait_for_dialog(pilot, "ActionDialog")
    dialog.action_submit()
    await settle(pilot)
    await run_item(pilot, "onboarding.status")
    await select_item(pilot, "onboarding.handoff")
    await pilot.press("enter")
    handoff = await wait_for_dialog(pilot, "TextDialog")
    handoff.query_one("#text", Input).value = "key read out on the call; guide and template emailed"
    handoff.action_submit()
    await pilot.pause()

    await goto(pilot, "first-value")
    await run_item(pilot, "first-value.token")
    await select_item(pilot, "first-value.enqueue")
    await pilot.press("enter")
    enqueue = await wait_for_dialog(pilot, "EnqueueDialog")
    enqueue.action_submit()
    dialog = await wait_for_dialog(pilot, "ActionDialog")
    dialog.action_submit()
    await settle(pilot)
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
    await wait_for_dialog(pilot, "SinceYouLeftDialog")
    await pilot.press("enter")
    await pilot.pause()
