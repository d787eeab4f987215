"""The wizard's actions, end to end: record the intent (with its idempotency key)
before the call, make the call through the engine, record the outcome. A crash between
the two leaves an intent without an outcome, which `recovery` resolves on resume."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable

from rich.text import Text

from launch_tui.clients.platform import CSV_HEADERS, PlatformClient, sample_csv
from launch_tui.engine import ActionOutcome, RunContext
from launch_tui.engine import billing, first_value, onboarding
from launch_tui.engine.first_value import PollProgress
from launch_tui.results import CheckResult
from launch_tui.session import EventKind, NewEvent
from launch_tui.wizard.inputs import InputError
from launch_tui.wizard.previews import RequestPreview, preview
from launch_tui.wizard.wizard import Wizard

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PLACEHOLDER_TOKEN = "<the customer's access token>"


def new_idempotency_key() -> str:
    return f"lt-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Step:
    """One mutating call of an action, as the confirmation dialog shows it."""

    action: str
    item: str
    title: str
    requests: list[RequestPreview]


async def perform(
    wizard: Wizard,
    step: Step,
    call: Callable[[RunContext, str], Awaitable[ActionOutcome]],
    *,
    key: str | None = None,
    partial: bool = False,
    map_refs: Callable[[dict], dict] | None = None,
) -> ActionOutcome:
    """`partial`: one call of a multi-call action; its outcome closes its intent and
    updates the facts, but the item's verdict waits for the whole action.
    `map_refs` changes the references before they are recorded (a second invoice must
    not become *the* invoice)."""
    key = key or new_idempotency_key()
    request = step.requests[0].as_data() if step.requests else {}
    wizard.record(NewEvent(kind=EventKind.ACTION_INTENT, item=step.item, data={"action": step.action, "idempotency_key": key, **request}))
    async with wizard.context() as ctx:
        outcome = await call(ctx, key)
    result = outcome.result if outcome.result.id == step.item else outcome.result.model_copy(update={"id": step.item})
    if map_refs:
        result = result.model_copy(update={"refs": map_refs(dict(result.refs))})
    extra = {"partial": True} if partial else {}
    wizard.record_result(result, EventKind.ACTION_RESULT, idempotency_key=key, action=step.action, **extra)
    return ActionOutcome(result, outcome.secret, outcome.conflict)


# What each action will send ----------------------------------------------------------------


async def _preview(wizard: Wizard, call: Callable[[PlatformClient], Awaitable[object]]) -> list[RequestPreview]:
    return await preview(wizard.target.api_url, wizard.secrets, call)


def _tenant(wizard: Wizard) -> str:
    if not wizard.facts.tenant_id:
        raise InputError("no tenant yet: create the customer's tenant first (section 3, first item)")
    return wizard.facts.tenant_id


async def create_tenant_step(wizard: Wizard) -> Step:
    customer = wizard.target.customer
    requests = await _preview(wizard, lambda p: p.create_tenant(customer.name, customer.tenant_slug, "<idempotency key>"))
    return Step("create_tenant", "onboarding.tenant", f"Create the tenant {customer.tenant_slug}", requests)


async def issue_key_step(wizard: Wizard) -> Step:
    tenant_id, label = _tenant(wizard), key_label(wizard)
    requests = await _preview(wizard, lambda p: p.issue_key(tenant_id, label, "<idempotency key>"))
    return Step("issue_key", "onboarding.integration-key", "Issue the customer's integration key", requests)


async def detectors_step(wizard: Wizard, detectors: dict[str, bool]) -> Step:
    tenant_id = _tenant(wizard)
    requests = await _preview(wizard, lambda p: p.set_detectors(tenant_id, detectors, "<idempotency key>"))
    return Step("set_detectors", "onboarding.detectors", "Set the detector config", requests)


async def enqueue_step(wizard: Wizard, job_type: str, csv: bytes, filename: str) -> Step:
    requests = await _preview(wizard, lambda p: p.upload(job_type, csv, filename, PLACEHOLDER_TOKEN, "<idempotency key>"))
    return Step("enqueue_job", "first-value.enqueue", f"Enqueue the customer's first {job_type} job", requests)


async def generate_invoice_step(wizard: Wizard) -> Step:
    tenant_id = _tenant(wizard)
    start, end = billing.current_month(wizard.today())
    requests = await _preview(wizard, lambda p: p.generate_invoice(tenant_id, start, end, "<idempotency key>"))
    return Step("generate_invoice", "billing.invoice-generate", "Generate a draft invoice (this month)", requests)


async def lifecycle_step(wizard: Wizard) -> Step:
    _tenant(wizard)
    invoice = wizard.facts.invoice_id or "<invoice id>"

    async def calls(p: PlatformClient) -> None:
        await p.invoice_transition(invoice, "issue", "<idempotency key>")
        await p.invoice_transition(invoice, "mark-paid", "<idempotency key>")
        await p.generate_invoice(_tenant(wizard), *billing.current_month(wizard.today()), "<idempotency key>")
        await p.invoice_transition("<second invoice id>", "cancel", "<idempotency key>")

    requests = await _preview(wizard, calls)
    return Step("invoice_lifecycle", "billing.invoice-lifecycle", "Issue and mark paid this invoice; generate a second and cancel it", requests)


async def canary_step(wizard: Wizard) -> Step:
    tenant_id = _tenant(wizard)

    async def calls(p: PlatformClient) -> None:
        await p.issue_key(tenant_id, onboarding.CANARY_LABEL, "<idempotency key>:issue")
        await p.revoke_key(tenant_id, "<the canary key's id>", "<idempotency key>:revoke")

    title = "Issue a throwaway canary key and revoke it at once, to check that revoked keys are refused"
    return Step("issue_canary", "auth.token-revoked", title, await _preview(wizard, calls))


async def revoked_key_check(wizard: Wizard, step: Step) -> CheckResult | None:
    """The canary (its secret stays in memory), then the real check with it."""
    outcome = await perform(wizard, step, lambda ctx, k: onboarding.issue_canary_key(ctx, k), partial=True)
    if outcome.result.status.value != "pass":
        wizard.record_result(outcome.result, EventKind.ACTION_RESULT, action="issue_canary")
        return outcome.result
    results = await wizard.run_checks(["auth.token-revoked"])
    return results[0] if results else None


def key_label(wizard: Wizard) -> str:
    return f"{wizard.target.customer.tenant_slug} {wizard.target.environment} integration"


# Doing it -------------------------------------------------------------------------------------


async def create_tenant(wizard: Wizard, step: Step, key: str | None = None) -> ActionOutcome:
    return await perform(wizard, step, lambda ctx, k: onboarding.create_tenant(ctx, k), key=key)


async def adopt_tenant(wizard: Wizard, tenant, key: str | None = None) -> ActionOutcome:
    """The operator chose to use an existing tenant with the customer's slug. No network."""
    step = Step("adopt_tenant", "onboarding.tenant", "Adopt the existing tenant", [])
    return await perform(wizard, step, lambda ctx, k: onboarding.adopt_tenant(ctx, tenant), key=key)


async def issue_key(wizard: Wizard, step: Step) -> ActionOutcome:
    return await perform(wizard, step, lambda ctx, k: onboarding.issue_key(ctx, k, key_label(wizard)))


async def set_detectors(wizard: Wizard, step: Step, detectors: dict[str, bool]) -> ActionOutcome:
    return await perform(wizard, step, lambda ctx, k: onboarding.set_detectors(ctx, k, detectors))


async def enqueue(wizard: Wizard, step: Step, job_type: str, csv: bytes, filename: str) -> ActionOutcome:
    return await perform(wizard, step, lambda ctx, k: first_value.enqueue_job(ctx, k, job_type, csv=csv, filename=filename))


async def generate_invoice(wizard: Wizard, step: Step) -> ActionOutcome:
    start, end = billing.current_month(wizard.today())
    return await perform(wizard, step, lambda ctx, k: billing.generate_invoice(ctx, k, start, end))


LIFECYCLE_STEPS = {"draft": ("issue", "mark-paid"), "issued": ("mark-paid",), "paid": ()}


async def invoice_lifecycle(wizard: Wizard, step: Step, *, generate_key: str | None = None) -> CheckResult:
    """Two invoices, because a paid one cannot be cancelled: the generated one is issued
    then marked paid; a second is generated and cancelled. Each call has its own intent.

    It starts from where the invoices stand on the platform, so running it again after
    a crash does only what is left. `generate_key`: the idempotency key of an
    interrupted generation of the second invoice, so it is replayed, not repeated."""
    if not wizard.facts.invoice_id:
        raise InputError("no invoice yet: generate one first (the item above)")
    paid = wizard.facts.invoice_id
    start, end = billing.current_month(wizard.today())
    evidence = []

    async def call(action: str, request, run, **options) -> CheckResult:
        # The intent records this call's real request (the dialog showed placeholders
        # for an invoice that did not exist yet).
        sub = Step(action, step.item, step.title, await _preview(wizard, request))
        outcome = await perform(wizard, sub, run, partial=True, **options)
        evidence.extend(outcome.result.evidence)
        return outcome.result

    def verdict(result: CheckResult) -> CheckResult:
        wizard.facts.invoice_id = paid  # the lifecycle's subject stays the first invoice
        final = result.model_copy(update={"evidence": evidence[-20:]})
        wizard.record_result(final, EventKind.ACTION_RESULT, action="invoice_lifecycle")
        return final

    status = await _invoice_status(wizard, paid)
    if status not in LIFECYCLE_STEPS:
        return verdict(CheckResult(id=step.item, status="fail", summary=f"invoice {paid} is {status}, so it cannot be paid: generate a new invoice (the item above) and run this again"))
    for transition in LIFECYCLE_STEPS[status]:
        request = lambda p, t=transition: p.invoice_transition(paid, t, "<idempotency key>")  # noqa: E731
        result = await call(f"invoice_{transition.replace('-', '_')}", request, lambda ctx, k, t=transition: billing.invoice_transition(ctx, k, t, paid))
        if result.status.value != "pass":
            return verdict(result)

    # The second invoice of *this* paid invoice's lifecycle, if one was generated.
    second = wizard.state.facts.get("cancel_invoice_id") if wizard.state.facts.get("cancel_for") == paid and not generate_key else None
    second_status = await _invoice_status(wizard, second) if second else None
    if second_status not in ("draft", "issued", "cancelled"):
        generate = lambda ctx, k: billing.generate_invoice(ctx, k, start, end)  # noqa: E731
        as_second = lambda refs: {"cancel_invoice_id": refs.get("invoice_id", ""), "cancel_for": paid}  # noqa: E731
        request = lambda p: p.generate_invoice(_tenant(wizard), start, end, "<idempotency key>")  # noqa: E731
        result = await call("invoice_generate_for_cancel", request, generate, key=generate_key, map_refs=as_second)
        wizard.facts.invoice_id = paid
        if result.status.value != "pass":
            return verdict(result)
        second, second_status = str(result.refs["cancel_invoice_id"]), "draft"
    if second_status != "cancelled":
        request = lambda p: p.invoice_transition(second, "cancel", "<idempotency key>")  # noqa: E731
        result = await call("invoice_cancel", request, lambda ctx, k: billing.invoice_transition(ctx, k, "cancel", second))
        if result.status.value != "pass":
            return verdict(result)
    summary = f"invoice {paid}: issued, then marked paid; invoice {second}: generated, then cancelled"
    refs = {"invoice_id": paid, "invoice_status": "paid", "cancel_invoice_id": second}
    return verdict(CheckResult(id=step.item, status="pass", summary=summary, refs=refs))


async def _invoice_status(wizard: Wizard, invoice_id: str) -> str:
    async with wizard.context() as ctx:
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
        raise InputError(f"{file}: no such file; give the path of the customer's CSV, or leave it empty for the template") from None
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


def record_customer_job(wizard: Wizard, job_id: str, job_type: str) -> None:
    """The customer enqueued on their side and read out the job id: poll will verify it."""
    job_id = job_id.strip()
    if not job_id or len(job_id) > 100 or not all(ch.isalnum() or ch in "_-" for ch in job_id):
        raise InputError(f"{job_id!r} is not a job id; it looks like job_abc123")
    wizard.facts.update(job_id=job_id, job_type=job_type)
    result = CheckResult(
        id="first-value.enqueue",
        status="pass",
        summary=f"the customer enqueued {job_type} job {job_id} on their side (read out to {wizard.operator}); polling verifies it",
        refs={"job_id": job_id, "job_type": job_type, "entered_by_operator": True},
    )
    wizard.record_result(result, EventKind.ACTION_RESULT, action="customer_enqueued")


async def poll(wizard: Wizard, on_progress: Callable[[PollProgress], Any] | None = None) -> CheckResult:
    def show(progress: PollProgress) -> None:
        line = Text(f"polling job {wizard.facts.job_id}: attempt {progress.attempt}, {progress.elapsed_s:.1f}s, status {progress.status}", style="bold blue")
        if progress.next_poll_in_s:
            line.append(f", next in {progress.next_poll_in_s:.1f}s", style="dim")
        wizard.extras["first-value.poll"] = line
        if on_progress:
            on_progress(progress)

    async with wizard.context() as ctx:
        result = await first_value.poll_job(ctx, on_progress=show)
    wizard.record_result(result)
    return result


async def read_results(wizard: Wizard) -> CheckResult:
    """Read the job's results and keep the first rows for the preview table."""
    async with wizard.context() as ctx:
        result, rows = await first_value.read_results_preview(ctx)
    wizard.results_preview = rows
    wizard.record_result(result)
    return result
