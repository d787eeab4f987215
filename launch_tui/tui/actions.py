"""Starting checks and actions from the TUI. Everything runs in workers on the App, so
it outlives a screen switch and the operator keeps working; anything that changes the
platform asks first, showing the exact request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable

from launch_tui.checklist import Kind
from launch_tui.errors import LaunchError
from launch_tui.session import EventKind, NewEvent
from launch_tui.tui.look import safe
from launch_tui.wizard import flows

if TYPE_CHECKING:
    from launch_tui.tui.app import LaunchApp

Flow = Callable[["LaunchApp", str], Awaitable[None]]


def start_item(app: "LaunchApp", item_id: str) -> None:
    if item_id in app.running:
        app.notify(f"{item_id} is running already")
        return
    kind = app.wizard.effective_kind(item_id)
    if kind is Kind.AUTO:
        flow = AUTO_FLOWS.get(item_id, _check)
        _worker(app, item_id, flow)
    elif kind is Kind.ACTION:
        _worker(app, item_id, ACTION_FLOWS[item_id])
    elif kind is Kind.RECORD:
        app.screen.action_edit_record()
    elif item_id == "onboarding.handoff":
        handoff(app, item_id)
    else:
        reason = app.wizard.manual_reason(item_id)
        app.notify(safe(reason or f"{item_id} is confirmed by a person: press c"), timeout=8)


def start_section(app: "LaunchApp", section_id: str) -> None:
    section = app.checklist.section(section_id)
    item_ids = [
        item.id
        for item in section.items
        if item.kind is Kind.AUTO and item.id not in app.running and app.wizard.plan(item.id).automated
    ]
    if not item_ids:
        app.notify(f"nothing to run automatically in {section.title} right now", timeout=6)
        return

    async def run() -> None:
        await app.wizard.run_checks(item_ids, on_start=app.mark_running)

    app.run_worker(_tracked(app, item_ids, run), group="checks", exit_on_error=False, description=f"section {section_id}")


def _worker(app: "LaunchApp", item_id: str, flow: Flow) -> None:
    app.run_worker(_tracked(app, [item_id], lambda: flow(app, item_id)), group="checks", exit_on_error=False, description=item_id)


async def _tracked(app: "LaunchApp", item_ids: list[str], run: Callable[[], Awaitable[None]]) -> None:
    """One place where a failed worker becomes a visible one-line notice."""
    try:
        await run()
    except LaunchError as exc:
        app.notify(safe(str(exc)), severity="warning", timeout=8)
    finally:
        for item_id in item_ids:
            app.running.pop(item_id, None)
        app.wizard.extras.pop("first-value.poll", None)
        app.refresh_screen()


# Automated checks ------------------------------------------------------------------------------


async def _check(app: "LaunchApp", item_id: str) -> None:
    app.mark_running(item_id)
    await app.wizard.run_checks([item_id])


async def _poll(app: "LaunchApp", item_id: str) -> None:
    app.mark_running(item_id)
    await flows.poll(app.wizard, lambda progress: app.refresh_screen())


async def _results(app: "LaunchApp", item_id: str) -> None:
    app.mark_running(item_id)
    await flows.read_results(app.wizard)


async def _revoked(app: "LaunchApp", item_id: str) -> None:
    """Without LAUNCH_REVOKED_KEY, the wizard can make its own revoked key."""
    wizard = app.wizard
    if wizard.plan(item_id).automated or not wizard.facts.tenant_id or not wizard.secrets.has("LAUNCH_ADMIN_TOKEN"):
        await _check(app, item_id)
        return
    step = await flows.canary_step(wizard)
    await _send(app, item_id, step, lambda: flows.revoked_key_check(wizard, step))


AUTO_FLOWS: dict[str, Flow] = {"first-value.poll": _poll, "first-value.results": _results, "auth.token-revoked": _revoked}


# Actions ---------------------------------------------------------------------------------------


async def _send(app: "LaunchApp", item_id: str, step: flows.Step, run: Callable[[], Awaitable[Any]], *, type_slug: bool = False) -> Any:
    """Show the exact request; only if the operator says send, run it (None otherwise).
    In production, `type_slug` actions also ask for the tenant slug to be typed."""
    from launch_tui.tui.screens.action_dialogs import ActionDialog

    target = app.wizard.target
    slug = target.customer.tenant_slug if (type_slug and target.is_production) else None
    if not await app.push_screen_wait(ActionDialog(step, target.environment, type_to_confirm=slug)):
        return None
    app.mark_running(item_id)
    try:
        return await run()
    finally:
        app.mark_done(item_id)


async def _create_tenant(app: "LaunchApp", item_id: str) -> None:
    from launch_tui.tui.screens.dialogs import ConfirmDialog

    step = await flows.create_tenant_step(app.wizard)
    outcome = await _send(app, item_id, step, lambda: flows.create_tenant(app.wizard, step))
    if outcome is not None and outcome.conflict is not None:
        tenant = outcome.conflict
        question = ConfirmDialog(
            "The slug is taken",
            f"{outcome.result.summary}\n\nAdopt tenant {tenant.id} as {app.wizard.target.customer.name}'s tenant? "
            "Nothing is created; later steps use that tenant.",
            "Adopt it",
        )
        if await app.push_screen_wait(question):
            await flows.adopt_tenant(app.wizard, tenant)


async def _issue_key(app: "LaunchApp", item_id: str) -> None:
    from launch_tui.tui.screens.action_dialogs import RevealKeyDialog

    step = await flows.issue_key_step(app.wizard)
    outcome = await _send(app, item_id, step, lambda: flows.issue_key(app.wizard, step))
    if outcome is not None and outcome.secret:
        refs = outcome.result.refs
        shown = await app.push_screen_wait(RevealKeyDialog(outcome.secret, str(refs.get("key_id", "")), str(refs.get("key_prefix", ""))))
        if shown and (shown["revealed"] or shown["copied"]):
            app.wizard.record(NewEvent(kind=EventKind.KEY_REVEALED, item=item_id, data={"key_id": str(refs.get("key_id", "")), **shown}))


async def _detectors(app: "LaunchApp", item_id: str) -> None:
    from launch_tui.engine.onboarding import DEFAULT_DETECTORS
    from launch_tui.tui.screens.action_dialogs import DetectorsDialog

    choice = await app.push_screen_wait(DetectorsDialog(dict(DEFAULT_DETECTORS)))
    if choice is None:
        return
    if choice == "defaults":
        app.wizard.confirm(item_id, "the platform's default detector config was accepted")
        return
    step = await flows.detectors_step(app.wizard, choice)
    await _send(app, item_id, step, lambda: flows.set_detectors(app.wizard, step, choice))


async def _enqueue(app: "LaunchApp", item_id: str) -> None:
    from launch_tui.tui.screens.action_dialogs import EnqueueDialog

    chosen = await app.push_screen_wait(EnqueueDialog(app.wizard.facts.job_type or "TRADE"))
    if chosen is None:
        return
    job_type = chosen["job_type"]
    if chosen["job_id"]:
        flows.record_customer_job(app.wizard, chosen["job_id"], job_type)
        return
    csv, name = flows.read_upload(chosen["path"], job_type) if chosen["path"] else flows.template_upload(job_type)
    step = await flows.enqueue_step(app.wizard, job_type, csv, name)
    await _send(app, item_id, step, lambda: flows.enqueue(app.wizard, step, job_type, csv, name))


async def _generate_invoice(app: "LaunchApp", item_id: str) -> None:
    step = await flows.generate_invoice_step(app.wizard)
    await _send(app, item_id, step, lambda: flows.generate_invoice(app.wizard, step), type_slug=True)


async def _lifecycle(app: "LaunchApp", item_id: str) -> None:
    step = await flows.lifecycle_step(app.wizard)
    await _send(app, item_id, step, lambda: flows.invoice_lifecycle(app.wizard, step), type_slug=True)


ACTION_FLOWS: dict[str, Flow] = {
    "onboarding.tenant": _create_tenant,
    "onboarding.integration-key": _issue_key,
    "onboarding.detectors": _detectors,
    "first-value.enqueue": _enqueue,
    "billing.invoice-generate": _generate_invoice,
    "billing.invoice-lifecycle": _lifecycle,
}


# Resuming after a crash mid-action -------------------------------------------------------------


def after_opening(app: "LaunchApp") -> None:
    """On resume: finish what a crash interrupted, then offer to re-run stale results."""
    app.run_worker(_after_opening(app), group="recovery", exit_on_error=False, description="after opening")


async def _after_opening(app: "LaunchApp") -> None:
    await _recover(app)
    await _offer_reruns(app)


async def _offer_reruns(app: "LaunchApp") -> None:
    from launch_tui.timefmt import utcnow
    from launch_tui.tui.screens.dialogs import ChoiceDialog

    state, now = app.wizard.state, utcnow()
    stale = [item.id for item in app.checklist.items if state.item(item.id).is_stale(item, now) and app.wizard.plan(item.id).automated]
    if not stale:
        return
    finding = f"{len(stale)} result(s) are older than their useful age: {', '.join(stale)}. They count until re-run, marked stale."
    if await app.push_screen_wait(ChoiceDialog("Stale results", finding, ["Re-run them now", "Later"])) == 0:
        async def run() -> None:
            await app.wizard.run_checks(stale, on_start=app.mark_running)

        app.run_worker(_tracked(app, stale, run), group="checks", exit_on_error=False, description="re-run stale")


async def _recover(app: "LaunchApp") -> None:
    from launch_tui.tui.screens.dialogs import ChoiceDialog
    from launch_tui.wizard import recovery

    for intent in list(app.wizard.state.intents.values()):
        found = await recovery.assess(app.wizard, intent)
        title = f"Interrupted: {intent.action} ({intent.item})"
        chosen = await app.push_screen_wait(ChoiceDialog(title, found.finding, [label for label, _ in found.choices]))
        if chosen is None:
            app.notify("left for later: it is offered again on the next resume", timeout=6)
            continue
        try:
            await found.choices[chosen][1]()
        except LaunchError as exc:
            app.notify(safe(str(exc)), severity="warning", timeout=8)


# The handoff -------------------------------------------------------------------------------------


def handoff(app: "LaunchApp", item_id: str) -> None:
    """Write the guide and templates (small files: no worker needed), then ask the
    operator to confirm the customer received them and the secret."""
    from launch_tui.tui.screens.dialogs import TextDialog
    from launch_tui.wizard.handoff import write_handoff

    try:
        files = write_handoff(app.wizard)
    except OSError as exc:
        app.notify(f"could not write the handoff files: {exc.strerror}", severity="error")
        return
    listing = "\n".join(f"  {path}" for path in files.values())
    prompt = (
        f"Written for the customer:\n{listing}\n\nConfirm that the customer received the integration key's secret "
        "(one-time reveal), the usage guide and the first-upload template. Optional note (how it was sent):"
    )
    dialog = TextDialog(f"Confirm {item_id}", prompt, lambda text: text)
    app.push_screen(dialog, lambda note: note is not None and _confirm(app, item_id, note))


def _confirm(app: "LaunchApp", item_id: str, note: str) -> None:
    try:
        app.wizard.confirm(item_id, note)
    except LaunchError as exc:
        app.notify(safe(str(exc)), severity="warning")


def export_report(app: "LaunchApp") -> None:
    app.run_worker(_export(app), group="export", exclusive=True, exit_on_error=False, description="export report")


async def _export(app: "LaunchApp") -> None:
    import asyncio

    from launch_tui.wizard import exports
    from launch_tui.wizard.checkpoints import Checkpoint

    await app.reach_checkpoint(Checkpoint.REPORT)  # signed first, so that the report names the signature
    try:
        # Reading and folding a long session is file work: off the event loop.
        text, last_hash = await asyncio.to_thread(exports.build_report_text, app.wizard.live.path)
        path = exports.save_report(app.wizard, text, last_hash)
    except LaunchError as exc:
        app.notify(safe(str(exc)), severity="error", timeout=10)
        return
    app.notify(f"launch decision record written: {safe(path)}", timeout=10)
