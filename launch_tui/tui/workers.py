"""Starting checks and actions from the TUI. Everything runs in workers on the App, so
it outlives a screen switch and the operator keeps working; anything that changes the
platform asks first, showing the exact request. A worker that fails is reported by
the App's one worker handler (LaunchApp.on_worker_state_changed)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from launch_tui.checklist import Kind
from launch_tui.clients.platform import DEFAULT_DETECTORS
from launch_tui.engine import ActionOutcome, actions, billing
from launch_tui.engine.actions import Call, Existing
from launch_tui.errors import LaunchError
from launch_tui.launch import flows, recovery
from launch_tui.launch.checkpoints import Checkpoint
from launch_tui.launch.handoff import write_handoff
from launch_tui.launch.live import LiveLaunch
from launch_tui.session import EventKind, NewEvent
from launch_tui.session.state import PendingIntent
from launch_tui.timefmt import utcnow
from launch_tui.tui.dialogs.actions import ActionDialog, DetectorsDialog, EnqueueDialog, RevealKeyDialog
from launch_tui.tui.dialogs.common import ChoiceDialog, ConfirmDialog, TextDialog
from launch_tui.tui.look import safe

if TYPE_CHECKING:
    from launch_tui.tui.app import LaunchApp

Flow = Callable[["LaunchApp", LiveLaunch, str], Awaitable[None]]


def start_item(app: LaunchApp, launch: LiveLaunch, item_id: str) -> None:
    if item_id in app.running:
        app.notify(f"{item_id} is running already")
        return
    kind = launch.effective_kind(item_id)
    if kind is Kind.AUTO:
        _worker(app, launch, item_id, _check)
    elif kind is Kind.ACTION:
        _worker(app, launch, item_id, _perform)
    elif kind is Kind.RECORD:
        app.notify(f"{item_id} is filled in by a person: press e")
    elif item_id == "onboarding.handoff":
        handoff(app, launch, item_id)
    else:
        reason = launch.manual_reason(item_id)
        app.notify(safe(reason or f"{item_id} is confirmed by a person: press c"), timeout=8)


def start_section(app: LaunchApp, launch: LiveLaunch, section_id: str) -> None:
    section = launch.checklist.section(section_id)
    item_ids = [
        item.id
        for item in section.items
        if item.kind is Kind.AUTO and item.id not in app.running and launch.plan(item.id).automated
    ]
    left = left_by_run_all(app, launch, section_id, item_ids)
    if not item_ids:
        app.notify(
            f"nothing to run automatically in {section.title} right now" + (f"; {left}" if left else ""), timeout=8
        )
        return
    if left:
        app.notify(f"running {len(item_ids)} check(s); {left}", timeout=8)
    _run_checks(app, launch, item_ids, f"section {section_id}")


def left_by_run_all(app: LaunchApp, launch: LiveLaunch, section_id: str, running: list[str]) -> str:
    """Which open items `a` does not run, and why: an action (Enter), a person (c/e)."""
    why = []
    for item in launch.checklist.section(section_id).items:
        if item.id in running or item.id in app.running or launch.state.item(item.id).satisfied:
            continue
        kind = launch.effective_kind(item.id)
        if kind is Kind.ACTION:
            why.append(f"{item.id} (an action: Enter)")
        elif kind is Kind.RECORD:
            why.append(f"{item.id} (a person fills it in: e)")
        elif kind is Kind.MANUAL:
            why.append(f"{item.id} (a person confirms: c)")
        else:
            why.append(f"{item.id} (cannot run here: {launch.plan(item.id).reason or 'see its detail'})")
    return ("left: " + "; ".join(why)) if why else ""


def _run_checks(app: LaunchApp, launch: LiveLaunch, item_ids: list[str], description: str) -> None:
    async def run() -> None:
        await launch.run_checks(item_ids, on_start=app.running.start)

    app.run_worker(_tracked(app, launch, item_ids, run), group="checks", exit_on_error=False, description=description)


def _worker(app: LaunchApp, launch: LiveLaunch, item_id: str, flow: Flow) -> None:
    run = _tracked(app, launch, [item_id], lambda: flow(app, launch, item_id))
    app.run_worker(run, group="checks", exit_on_error=False, description=item_id)


async def _tracked(app: LaunchApp, launch: LiveLaunch, item_ids: list[str], run: Callable[[], Awaitable[None]]) -> None:
    """However the run ends (done, failed, cancelled), its items stop showing as running."""
    try:
        await run()
    finally:
        launch.extras.pop("first-value.poll", None)
        app.running.finish(*item_ids)
        app.redraw()


# Automated checks ------------------------------------------------------------------------------


async def _check(app: LaunchApp, launch: LiveLaunch, item_id: str) -> None:
    """A check; without LAUNCH_REVOKED_KEY, auth.token-revoked is the canary action instead."""
    canary = actions.spec("issue_canary")
    if (
        item_id == canary.item_id
        and not launch.plan(item_id).automated
        and launch.facts.tenant_id
        and launch.secrets.has("LAUNCH_ADMIN_TOKEN")
    ):
        await _perform_action(app, launch, item_id, canary.name)
        return
    app.running.start(item_id)
    await flows.run_check(launch, item_id, lambda progress: app.redraw())
    if item_id == "first-value.poll":
        await launch.recapture_outdated()  # the status read before the job said "no job yet"
    if item_id in launch.kept:  # it cannot run here: its earlier verdict stands
        app.notify(
            f"{item_id} not re-run here: {safe(launch.plan(item_id).reason)}; its earlier verdict stands", timeout=10
        )


# Actions: the wizard knows each action (engine.actions); here is only how to ask ----------------


async def _perform(app: LaunchApp, launch: LiveLaunch, item_id: str) -> None:
    spec = actions.main_action(item_id)
    if spec is None:
        app.notify(f"{item_id} has no action in this version: confirm it by hand (c)", timeout=8)
        return
    await _perform_action(app, launch, item_id, spec.name)


async def _perform_action(app: LaunchApp, launch: LiveLaunch, item_id: str, name: str) -> None:
    """Settle what is unknown first, ask before repeating what is done, then ask the
    operator what is needed, show the exact request, and send only on their word."""
    if not await _settle_open_intents(app, launch, item_id):
        return
    found = await flows.existing(launch, name)
    ask = ASK.get(name, Ask())
    replace = False
    if found is not None:
        choice = await _ask_repeat(app, item_id, found)
        if choice is None:
            return
        replace = choice == "replace"
    call = await ask.arguments(app, launch)
    if call is None:
        return
    if name == "invoice_lifecycle":
        step = await flows.lifecycle_step(launch)
    elif replace and name == "issue_key":
        step = await flows.replace_key_step(launch)
    else:
        step = await flows.step(launch, name, call)
    outcome = await _send(app, launch, item_id, step, lambda: flows.run_main(launch, step), type_slug=ask.type_slug)
    if outcome is not None:
        await ask.after(app, launch, outcome)


async def _ask_repeat(app: LaunchApp, item_id: str, found: Existing) -> str | None:
    """The action succeeded before: say what exists and ask, before anything is sent."""
    options = ([("replace", found.replace)] if found.replace else []) + [(None, "Keep it as it is")]
    chosen = await app.push_screen_wait(
        ChoiceDialog(f"{item_id} is done already", found.summary, [label for _, label in options])
    )
    return None if chosen is None else options[chosen][0]


async def _settle_open_intents(app: LaunchApp, launch: LiveLaunch, item_id: str) -> bool:
    """An earlier call of this item has an unknown outcome: look it up before anything
    else is sent. True when nothing is left open."""
    for intent in flows.open_intents(launch, item_id):
        app.notify(recovery.LOOKING, timeout=4)
        await _resolve(app, launch, intent)
    return not flows.open_intents(launch, item_id)


async def _send(
    app: LaunchApp,
    launch: LiveLaunch,
    item_id: str,
    step: flows.Step,
    run: Callable[[], Awaitable[Any]],
    *,
    type_slug: bool = False,
) -> Any:
    """Show the exact request; only if the operator says send, run it (None otherwise).
    In production, `type_slug` actions also ask for the tenant slug to be typed."""
    target = launch.target
    slug = target.customer.tenant_slug if (type_slug and target.is_production) else None
    demo = launch.state.header.session.sandbox
    if not await app.push_screen_wait(ActionDialog(step, target.environment, type_to_confirm=slug, demo=demo)):
        return None
    app.running.start(item_id)
    try:
        outcome = await run()
    finally:
        app.running.finish(item_id)
    if isinstance(outcome, ActionOutcome) and outcome.unknown:
        app.notify(safe(f"{recovery.LOOKING}: {item_id}"), severity="warning", timeout=8)
        intent = next(iter(flows.open_intents(launch, item_id)), None)
        if intent is not None:
            await _resolve(app, launch, intent)
        return None
    return outcome


Arguments = Callable[["LaunchApp", LiveLaunch], Awaitable[Call | None]]
After = Callable[["LaunchApp", LiveLaunch, Any], Awaitable[None]]


async def _no_arguments(app: LaunchApp, launch: LiveLaunch) -> Call:
    return Call()


async def _nothing(app: LaunchApp, launch: LiveLaunch, outcome: Any) -> None:
    return None


@dataclass(frozen=True)
class Ask:
    """How to ask the operator for one action: its arguments before, what to do with
    its outcome after, and whether production asks for the slug to be typed."""

    arguments: Arguments = _no_arguments
    after: After = _nothing
    type_slug: bool = False


async def _key_arguments(app: LaunchApp, launch: LiveLaunch) -> Call:
    return Call({"label": flows.key_label(launch)})


async def _invoice_arguments(app: LaunchApp, launch: LiveLaunch) -> Call:
    start, end = billing.current_month(launch.today())
    return Call({"period_start": start, "period_end": end})


async def _adopt_if_taken(app: LaunchApp, launch: LiveLaunch, outcome: Any) -> None:
    if outcome.conflict is None:
        return
    tenant = outcome.conflict
    question = ConfirmDialog(
        "The slug is taken",
        f"{outcome.result.summary}\n\nAdopt tenant {tenant.id} as {launch.target.customer.name}'s tenant? "
        "Nothing is created; later steps use that tenant.",
        "Adopt it",
    )
    if await app.push_screen_wait(question):
        await flows.adopt_tenant(launch, tenant)


async def _reveal(app: LaunchApp, launch: LiveLaunch, outcome: Any) -> None:
    """The one-time secret: shown once, and the dialog asks before it is closed unseen."""
    if not isinstance(outcome, ActionOutcome) or not outcome.secret:
        return
    refs = outcome.result.refs
    key_id = str(refs.get("key_id", ""))
    shown = await app.push_screen_wait(RevealKeyDialog(outcome.secret, key_id, str(refs.get("key_prefix", ""))))
    if shown and (shown.revealed or shown.copied):
        item_id = actions.spec("issue_key").item_id
        launch.record(NewEvent(kind=EventKind.KEY_REVEALED, item=item_id, data={"key_id": key_id, **asdict(shown)}))


async def _detector_arguments(app: LaunchApp, launch: LiveLaunch) -> Call | None:
    choice = await app.push_screen_wait(DetectorsDialog(dict(DEFAULT_DETECTORS), dict(DEFAULT_DETECTORS)))
    if choice is None:
        return None
    if choice.platform_defaults:
        launch.confirm(actions.spec("set_detectors").item_id, "the platform's default detector config was accepted")
        return None
    return Call({"detectors": dict(choice.enabled)})


async def _enqueue_arguments(app: LaunchApp, launch: LiveLaunch) -> Call | None:
    chosen = await app.push_screen_wait(EnqueueDialog(launch.facts.job_type or "TRADE"))
    if chosen is None:
        return None
    if chosen.job_id:
        flows.record_customer_job(launch, chosen.job_id, chosen.job_type)
        return None
    csv, name = chosen.upload or flows.template_upload(chosen.job_type)  # the dialog read and checked the file
    data = {"job_type": chosen.job_type, "filename": name, "source": chosen.path or "template"}
    return Call(data, payload=csv)


ASK: dict[str, Ask] = {
    "create_tenant": Ask(after=_adopt_if_taken),
    "issue_key": Ask(arguments=_key_arguments, after=_reveal),
    "set_detectors": Ask(arguments=_detector_arguments),
    "enqueue_job": Ask(arguments=_enqueue_arguments),
    "generate_invoice": Ask(arguments=_invoice_arguments, type_slug=True),
    "invoice_lifecycle": Ask(type_slug=True),
}


# Resuming after a crash mid-action -------------------------------------------------------------


def after_opening(app: LaunchApp, launch: LiveLaunch) -> None:
    """On resume: finish what a crash interrupted, then offer to re-run stale results."""
    app.run_worker(_after_opening(app, launch), group="recovery", exit_on_error=False, description="after opening")


async def _after_opening(app: LaunchApp, launch: LiveLaunch) -> None:
    await _recover(app, launch)
    await _offer_reruns(app, launch)


async def _offer_reruns(app: LaunchApp, launch: LiveLaunch) -> None:
    state, now = launch.state, utcnow()
    stale = [
        item.id
        for item in launch.checklist.items
        if state.item(item.id).is_stale(item, now) and launch.plan(item.id).automated
    ]
    if not stale:
        return
    finding = f"{len(stale)} result(s) are older than their useful age: {', '.join(stale)}. They count until re-run, marked stale."
    if await app.push_screen_wait(ChoiceDialog("Stale results", finding, ["Re-run them now", "Later"])) == 0:
        _run_checks(app, launch, stale, "re-run stale")


async def _recover(app: LaunchApp, launch: LiveLaunch) -> None:
    for intent in list(launch.state.intents.values()):
        await _resolve(app, launch, intent)
    found = await recovery.sweep(launch)
    if found is not None:
        labels = [label for label, _ in found.choices] + ["Leave them (they stay live)"]
        if await app.push_screen_wait(ChoiceDialog("Live keys besides the customer's", found.finding, labels)) == 0:
            await found.choices[0][1]()


async def _resolve(app: LaunchApp, launch: LiveLaunch, intent: PendingIntent) -> None:
    """Look one open intent up on the platform and let the operator choose."""
    found = await recovery.assess(launch, intent)
    title = f"{recovery.LOOKING}: {intent.action} ({intent.item})"
    chosen = await app.push_screen_wait(ChoiceDialog(title, found.finding, [label for label, _ in found.choices]))
    if chosen is None:
        app.notify("left open: it is looked up again before this item sends anything", timeout=6)
        return
    try:
        outcome = await found.choices[chosen][1]()
    except LaunchError as exc:  # this intent stays open; the others are still looked up
        app.notify_error(exc, severity="warning", timeout=8)
        return
    await _reveal(app, launch, outcome)


# The handoff -------------------------------------------------------------------------------------


def handoff(app: LaunchApp, launch: LiveLaunch, item_id: str) -> None:
    """Write the guide and templates (small files: no worker needed), then ask the
    operator to confirm the customer received them and the secret."""
    try:
        files = write_handoff(launch)
    except OSError as exc:
        app.notify_error(f"could not write the handoff files: {exc.strerror}", timeout=None)
        return
    listing = "\n".join(f"  {path}" for path in files.values())
    prompt = (
        f"Written for the customer:\n{listing}\n\nThe key's secret: {launch.secret_delivery()}.\n\n"
        "Confirm that the customer received the integration key's secret (one-time reveal), the usage guide and "
        "the first-upload template. Optional note (how it was sent), then Enter:"
    )
    dialog = TextDialog(f"Confirm {item_id}", prompt, lambda text: text)
    app.ask(dialog, lambda note: launch.confirm_handoff(files, note))


def export_report(app: LaunchApp, launch: LiveLaunch) -> None:
    export = _export(app, launch)
    app.run_worker(export, group="export", exclusive=True, exit_on_error=False, description="export report")


async def _export(app: LaunchApp, launch: LiveLaunch) -> None:
    from launch_tui.launch import exports  # the report's renderer: loaded when a report is exported, not on opening

    await app.reach_checkpoint(Checkpoint.REPORT)  # signed first, so that the report names the signature
    try:
        # Reading and folding a long session is file work: off the event loop.
        text, last_hash = await asyncio.to_thread(exports.build_report_text, launch.live.path)
        path = exports.save_report(launch, text, last_hash)
    except LaunchError as exc:
        app.notify_error(exc)
        return
    app.notify(f"launch decision record written: {safe(path)}", timeout=10)
