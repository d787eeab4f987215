"""The wizard's actions, end to end: record the intent (with its idempotency key and
arguments) before the call, make the call registered in `engine.actions`, record the
outcome. A crash or an unknown outcome leaves the intent open; `recovery` looks it up
on the platform before anything is sent again."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.text import Text

from launch_tui.clients.errors import TransportError
from launch_tui.clients.platform import CSV_HEADERS, PlatformClient, TenantInfo, sample_csv
from launch_tui.engine import ActionOutcome, actions, billing, first_value
from launch_tui.engine.actions import Call, Existing
from launch_tui.engine.first_value import PollProgress
from launch_tui.launch.inputs import InputError
from launch_tui.launch.live import LiveLaunch
from launch_tui.launch.previews import RequestPreview, preview
from launch_tui.results import CheckResult, ItemStatus
from launch_tui.session import EventKind, NewEvent
from launch_tui.session.state import PendingIntent

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def new_idempotency_key() -> str:
    return f"lt-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Step:
    """One mutating call of an action, as the confirmation dialog shows it."""

    action: str
    item: str
    title: str
    requests: list[RequestPreview]
    call: Call = field(default_factory=Call)
    replaces: str | None = None  # issue_key only: the live key a new one replaces (then revoked)


UNKNOWN = "outcome unknown"


async def step(launch: LiveLaunch, name: str, call: Call | None = None, title: str | None = None) -> Step:
    """The exact request(s) `name` will send, from its registered request: what the dialog shows."""
    spec = actions.spec(name)
    call = call or Call()
    requests: list[RequestPreview] = []
    if spec.request is not None:
        request = spec.request
        requests = await preview(
            launch.target.api_url,
            launch.secrets,
            lambda p: request(p, launch.target, launch.facts, call, "<idempotency key>"),
        )
    return Step(name, spec.item_id, title or spec.title, requests, call)


async def perform(launch: LiveLaunch, step: Step, *, key: str | None = None) -> ActionOutcome:
    """Record the intent (its idempotency key and arguments), make the call, record the
    outcome. An outcome that is unknown (a read timeout, a dropped connection, a 5xx)
    is recorded as such and leaves the intent open: the next try looks it up first and
    reuses its key. A cancel or a crash leaves it open too (nothing is recorded)."""
    spec = actions.spec(step.action)
    key = key or new_idempotency_key()
    unknown = [
        i
        for i in launch.state.intents.values()
        if i.action == step.action and i.args == step.call.args and i.idempotency_key != key
    ]
    if unknown:  # a retry under a new key could act twice: the earlier call is looked up first
        raise InputError(
            f"{UNKNOWN} for an earlier {step.action} ({unknown[0].idempotency_key}): look it up "
            "first (resume, or perform the item again)"
        )
    request = step.requests[0].as_data() if step.requests else {}
    data = {"action": step.action, "idempotency_key": key, "args": dict(step.call.args), **request}
    launch.record(NewEvent(kind=EventKind.ACTION_INTENT, item=step.item, data=data))
    async with launch.context() as ctx:
        outcome = await spec.run(ctx, key, step.call)
    result = outcome.result if outcome.result.id == step.item else outcome.result.model_copy(update={"id": step.item})
    if outcome.unknown:
        summary = f"{UNKNOWN}: {result.summary}; the next try looks it up on the platform before sending again"
        result = result.model_copy(update={"summary": summary})
        launch.record_result(result, EventKind.ACTION_RESULT, idempotency_key=key, action=step.action, unknown=True)
        return ActionOutcome(result, None, None, unknown=True)
    extra = {"partial": True} if spec.partial else {}
    launch.record_result(result, EventKind.ACTION_RESULT, idempotency_key=key, action=step.action, **extra)
    return ActionOutcome(result, outcome.secret, outcome.conflict)


def open_intents(launch: LiveLaunch, item_id: str) -> list[PendingIntent]:
    """The item's calls whose outcome is unknown, oldest first."""
    return sorted((i for i in launch.state.intents.values() if i.item == item_id), key=lambda i: i.seq)


async def existing(launch: LiveLaunch, name: str) -> Existing | None:
    """What a repeat of `name` would duplicate, with who did it and when, or None."""
    spec = actions.spec(name)
    state = launch.state.item(spec.item_id)
    if spec.existing is None or state.result not in (ItemStatus.PASS, ItemStatus.WARN) or not state.refs:
        return None
    try:
        async with launch.context() as ctx:
            found = await spec.existing(ctx, dict(state.refs))
    except TransportError as exc:  # cannot tell whether it is still there: say it was done, and ask
        found = Existing(f"{spec.item_id} was done; the platform could not be checked now ({exc})")
    if found is None:
        return None
    who = f" by {state.result_by}" if state.result_by else ""
    when = f" (done {state.result_at}{who})" if state.result_at else ""
    return Existing(found.summary + when, found.replace)


# What each action will send ----------------------------------------------------------------


def _tenant(launch: LiveLaunch) -> str:
    if not launch.facts.tenant_id:
        raise InputError("no tenant yet: create the customer's tenant first (section 3, first item)")
    return launch.facts.tenant_id


async def create_tenant_step(launch: LiveLaunch) -> Step:
    return await step(launch, "create_tenant", title=f"Create the tenant {launch.target.customer.tenant_slug}")


async def issue_key_step(launch: LiveLaunch) -> Step:
    _tenant(launch)
    return await step(launch, "issue_key", Call({"label": key_label(launch)}))


async def detectors_step(launch: LiveLaunch, detectors: dict[str, bool]) -> Step:
    _tenant(launch)
    return await step(launch, "set_detectors", Call({"detectors": dict(detectors)}))


async def enqueue_step(launch: LiveLaunch, job_type: str, csv: bytes, filename: str, source: str = "template") -> Step:
    call = Call({"job_type": job_type, "filename": filename, "source": source}, payload=csv)
    return await step(launch, "enqueue_job", call, title=f"Enqueue the customer's first {job_type} job")


async def generate_invoice_step(launch: LiveLaunch) -> Step:
    _tenant(launch)
    start, end = billing.current_month(launch.today())
    return await step(launch, "generate_invoice", Call({"period_start": start, "period_end": end}))


async def lifecycle_step(launch: LiveLaunch) -> Step:
    _tenant(launch)
    invoice = launch.facts.invoice_id or "<invoice id>"

    async def calls(p: PlatformClient) -> None:
        await p.invoice_transition(invoice, "issue", "<idempotency key>")
        await p.invoice_transition(invoice, "mark-paid", "<idempotency key>")
        await p.generate_invoice(_tenant(launch), *billing.current_month(launch.today()), "<idempotency key>")
        await p.invoice_transition("<second invoice id>", "cancel", "<idempotency key>")

    spec = actions.spec("invoice_lifecycle")
    return Step(spec.name, spec.item_id, spec.title, await preview(launch.target.api_url, launch.secrets, calls))


async def canary_step(launch: LiveLaunch) -> Step:
    _tenant(launch)
    return await step(launch, "issue_canary")


async def revoked_key_check(launch: LiveLaunch, step: Step) -> CheckResult | None:
    """The canary (its secret stays in memory), then the real check with it."""
    outcome = await perform(launch, step)
    if outcome.result.status.value != "pass":
        if not outcome.unknown:
            launch.record_result(outcome.result, EventKind.ACTION_RESULT, action="issue_canary")
        return outcome.result
    results = await launch.run_checks(["auth.token-revoked"])
    return results[0] if results else None


def key_label(launch: LiveLaunch) -> str:
    return actions.key_label(launch.target)


# Doing it -------------------------------------------------------------------------------------


async def create_tenant(launch: LiveLaunch, step: Step, key: str | None = None) -> ActionOutcome:
    return await perform(launch, step, key=key)


async def adopt_tenant(launch: LiveLaunch, tenant: TenantInfo, key: str | None = None) -> ActionOutcome:
    """The operator chose to use an existing tenant with the customer's slug. No network."""
    args = {"tenant_id": tenant.id, "slug": tenant.slug, "name": tenant.name, "created_at": tenant.created_at}
    return await perform(launch, await step(launch, "adopt_tenant", Call(args)), key=key)


async def issue_key(launch: LiveLaunch, step: Step) -> ActionOutcome:
    return await perform(launch, step)


async def revoke_key(launch: LiveLaunch, key_id: str) -> ActionOutcome:
    return await perform(launch, await step(launch, "revoke_key", Call({"key_id": key_id}), f"Revoke key {key_id}"))


async def replace_key_step(launch: LiveLaunch) -> Step:
    """The dialog of "issue a new one and revoke the old": both requests."""
    old = launch.facts.key_id or "<the old key's id>"
    issue = await issue_key_step(launch)
    revoke = await step(launch, "revoke_key", Call({"key_id": old}))
    return Step(
        issue.action,
        issue.item,
        f"Issue a new integration key, then revoke {old}",
        issue.requests + revoke.requests,
        issue.call,
        replaces=old,
    )


async def replace_key(launch: LiveLaunch) -> ActionOutcome:
    """Issue a new one and revoke the old: the new key first, so a failure leaves the old one working."""
    old = launch.facts.key_id
    outcome = await issue_key(launch, await issue_key_step(launch))
    if old and outcome.result.status.value == "pass" and not outcome.unknown and launch.facts.key_id != old:
        await revoke_key(launch, old)
    return outcome


async def set_detectors(launch: LiveLaunch, step: Step, detectors: dict[str, bool] | None = None) -> ActionOutcome:
    return await perform(launch, step)


async def enqueue(launch: LiveLaunch, step: Step, *_: object) -> ActionOutcome:
    """The upload itself is in the step (`enqueue_step`); extra arguments are ignored."""
    return await perform(launch, step)


async def generate_invoice(launch: LiveLaunch, step: Step) -> ActionOutcome:
    return await perform(launch, step)


async def run_main(launch: LiveLaunch, step: Step) -> Any:
    """Perform an item's main action after the operator agreed to `step`."""
    if step.action == "invoice_lifecycle":
        return await invoice_lifecycle(launch, step)
    if step.action == "issue_canary":
        return await revoked_key_check(launch, step)
    if step.replaces:
        return await replace_key(launch)
    return await perform(launch, step)


async def run_check(launch: LiveLaunch, item_id: str, on_progress: Callable[[PollProgress], Any] | None = None) -> Any:
    """An automated item: the poll shows its progress, results keep a preview; the rest
    are plain checks."""
    if item_id == "first-value.poll":
        return await poll(launch, on_progress)
    if item_id == "first-value.results":
        return await read_results(launch)
    return await launch.run_checks([item_id])


LIFECYCLE_STEPS = {"draft": ("issue", "mark-paid"), "issued": ("mark-paid",), "paid": ()}


async def invoice_lifecycle(launch: LiveLaunch, step: Step) -> CheckResult:
    """Two invoices, because a paid one cannot be cancelled: the generated one is issued
    then marked paid; a second is generated and cancelled. Each call is its own action
    (`invoice_*`), with its own intent.

    It starts from where the invoices stand on the platform, so running it again after
    a crash (once recovery has settled the interrupted call) does only what is left."""
    if not launch.facts.invoice_id:
        raise InputError("no invoice yet: generate one first (the item above)")
    if open_intents(launch, step.item):
        raise InputError(f"a call of the lifecycle has an unknown outcome: resolve it first ({UNKNOWN})")
    paid = launch.facts.invoice_id
    start, end = billing.current_month(launch.today())
    evidence: list[Any] = []

    async def call(name: str, args: dict[str, Any]) -> ActionOutcome:
        outcome = await perform(launch, await _sub_step(launch, name, Call(args), step.title))
        evidence.extend(outcome.result.evidence)
        return outcome

    def verdict(result: CheckResult) -> CheckResult:
        launch.facts.invoice_id = paid  # the lifecycle's subject stays the first invoice
        final = result.model_copy(update={"evidence": evidence[-20:]})
        launch.record_result(final, EventKind.ACTION_RESULT, action="invoice_lifecycle")
        return final

    def stopped(outcome: ActionOutcome) -> bool:
        return outcome.unknown or outcome.result.status.value != "pass"

    status = await _invoice_status(launch, paid)
    if status not in LIFECYCLE_STEPS:
        return verdict(
            CheckResult(
                id=step.item,
                status="fail",
                summary=f"invoice {paid} is {status}, so it cannot be paid: generate a new invoice (the item above) and run this again",
            )
        )
    for transition in LIFECYCLE_STEPS[status]:
        outcome = await call(f"invoice_{transition.replace('-', '_')}", {"invoice_id": paid})
        if stopped(outcome):
            return outcome.result if outcome.unknown else verdict(outcome.result)

    # The second invoice of *this* paid invoice's lifecycle, if one was generated.
    second = launch.state.facts.get("cancel_invoice_id") if launch.state.facts.get("cancel_for") == paid else None
    second_status = await _invoice_status(launch, second) if second else None
    if second_status not in ("draft", "issued", "cancelled"):
        outcome = await call("invoice_generate_for_cancel", {"period_start": start, "period_end": end, "for": paid})
        launch.facts.invoice_id = paid
        if stopped(outcome):
            return outcome.result if outcome.unknown else verdict(outcome.result)
        second, second_status = str(outcome.result.refs["cancel_invoice_id"]), "draft"
    if second_status != "cancelled":
        outcome = await call("invoice_cancel", {"invoice_id": second})
        if stopped(outcome):
            return outcome.result if outcome.unknown else verdict(outcome.result)
    summary = f"invoice {paid}: issued, then marked paid; invoice {second}: generated, then cancelled"
    refs = {"invoice_id": paid, "invoice_status": "paid", "cancel_invoice_id": second}
    return verdict(CheckResult(id=step.item, status="pass", summary=summary, refs=refs))


async def _sub_step(launch: LiveLaunch, name: str, call: Call, title: str) -> Step:
    """The intent records this call's real request (the dialog showed placeholders for an
    invoice that did not exist yet)."""
    return await step(launch, name, call, title)


async def _invoice_status(launch: LiveLaunch, invoice_id: str) -> str:
    async with launch.context() as ctx:
        return await billing.invoice_status(ctx, invoice_id)


def read_upload(path: str, job_type: str) -> tuple[bytes, str]:
    """The customer's own file, checked before anything is sent."""
    file = Path(path).expanduser()
    try:
        size = file.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise InputError(f"{file} is {size // 1024 // 1024} MB; the first upload should be small (under 10 MB)")
        content = file.read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"{file}: no such file; give the path of the customer's CSV, or leave it empty for the template"
        ) from None
    except IsADirectoryError:
        raise InputError(f"{file} is a folder; give the path of a CSV file") from None
    except OSError as exc:
        raise InputError(f"{file}: cannot read it ({exc.strerror})") from None
    header = content.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().lstrip("\ufeff")
    if header != CSV_HEADERS[job_type]:
        raise InputError(f"{file.name}: the header row must be {CSV_HEADERS[job_type]} for a {job_type} job")
    return content, file.name


def template_upload(job_type: str) -> tuple[bytes, str]:
    return sample_csv(job_type), f"{job_type.lower()}-first-upload.csv"


def record_customer_job(launch: LiveLaunch, job_id: str, job_type: str) -> None:
    """The customer enqueued on their side and read out the job id: poll will verify it."""
    job_id = job_id.strip()
    if not job_id or len(job_id) > 100 or not all(ch.isalnum() or ch in "_-" for ch in job_id):
        raise InputError(f"{job_id!r} is not a job id; it looks like job_abc123")
    launch.facts.update(job_id=job_id, job_type=job_type)
    result = CheckResult(
        id="first-value.enqueue",
        status="pass",
        summary=f"the customer enqueued {job_type} job {job_id} on their side (read out to {launch.operator}); polling verifies it",
        refs={"job_id": job_id, "job_type": job_type, "entered_by_operator": True},
    )
    launch.record_result(result, EventKind.ACTION_RESULT, action="customer_enqueued")


async def poll(launch: LiveLaunch, on_progress: Callable[[PollProgress], Any] | None = None) -> CheckResult:
    def show(progress: PollProgress) -> None:
        line = Text(
            f"polling job {launch.facts.job_id}: attempt {progress.attempt}, {progress.elapsed_s:.1f}s, status {progress.status}",
            style="bold blue",
        )
        if progress.next_poll_in_s:
            line.append(f", next in {progress.next_poll_in_s:.1f}s", style="dim")
        launch.extras["first-value.poll"] = line
        if on_progress:
            on_progress(progress)

    async with launch.context() as ctx:
        result = await first_value.poll_job(ctx, on_progress=show)
    launch.record_result(result)
    return result


async def read_results(launch: LiveLaunch) -> CheckResult:
    """Read the job's results and keep the first rows for the preview table."""
    async with launch.context() as ctx:
        result, rows = await first_value.read_results_preview(ctx)
    launch.results_preview = rows
    launch.record_result(result)
    return result
