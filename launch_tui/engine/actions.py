"""One home per action. Checks have `@check`; every call that changes the platform has
one `ActionSpec` here: the request it sends (the confirmation dialog's preview is that
very request, recorded instead of sent), the call, whether it needs the admin token,
how its outcome is looked up when it is unknown (a read timeout, a dropped connection,
a crash), and what already exists when it is asked for again.

The wizard records an intent (with its idempotency key and `args`) before `run`, and
the outcome after; the TUI only knows how to ask the operator, keyed by `name`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from launch_tui.clients.platform import (
    DEFAULT_DETECTORS,
    KeyInfo,
    PlatformClient,
    TenantInfo,
    parse_invoice,
    sample_csv,
)
from launch_tui.clients.text import clean
from launch_tui.engine import billing, first_value, onboarding
from launch_tui.engine.base import ActionOutcome, Unavailable, passed, perform as execute_action
from launch_tui.engine.context import Facts, RunContext
from launch_tui.target import Target
from launch_tui.timefmt import parse_iso, utcnow

Args = dict[str, Any]  # JSON values only: recorded with the intent, so a retry sends the same body
PLACEHOLDER_TOKEN = "<the customer's access token>"  # noqa: S105 - shown in previews, not a secret
# Keys the platform made this long before the intent was recorded still count as its own
# (clocks of the machine and the platform differ a little).
CLOCK_SLACK = timedelta(seconds=120)
REPLAY_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Call:
    """One call of an action: its arguments, and a payload too large to record (a CSV)."""

    args: Args = field(default_factory=dict)
    payload: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Intent:
    """What the session knows of a call whose outcome is unknown."""

    action: str
    idempotency_key: str
    args: Args
    at: str | None = None  # when the intent was recorded

    def age(self, now: datetime) -> timedelta | None:
        return now - parse_iso(self.at) if self.at else None


@dataclass
class Lookup:
    """What the platform holds for an intent whose outcome is unknown.

    `outcome`: the platform acted and this is what it did (record it, close the intent).
    `orphans`: keys it made that the session cannot adopt (their secret never arrived):
    each must be revoked, never left live in silence.
    `retry`: sending it again with the same idempotency key acts at most once.
    """

    finding: str
    outcome: ActionOutcome | None = None
    orphans: list[KeyInfo] = field(default_factory=list)
    retry: bool = True
    new_key: bool = False  # the idempotency key is spent (it would replay a dead answer): retry with a fresh one


@dataclass(frozen=True)
class Existing:
    """What a repeat of a finished action would duplicate. `summary` is one line
    ("key key_… (lk_…) is live"); `replace` labels the choice that redoes it properly
    ("Issue a new one and revoke the old"), None when a repeat makes no sense."""

    summary: str
    replace: str | None = None


RequestFn = Callable[[PlatformClient, Target, Facts, Call, str], Awaitable[object]]
RunFn = Callable[[RunContext, str, Call], Awaitable[ActionOutcome]]
LookupFn = Callable[[RunContext, Intent], Awaitable[Lookup]]
ExistingFn = Callable[[RunContext, dict[str, Any]], Awaitable[Existing | None]]


@dataclass(frozen=True)
class ActionSpec:
    name: str  # recorded as the intent's `action`
    item_id: str
    title: str
    admin: bool  # needs LAUNCH_ADMIN_TOKEN
    request: RequestFn | None  # None: no network (adopting what exists)
    run: RunFn
    lookup: LookupFn | None = None
    existing: ExistingFn | None = None  # given the item's recorded refs
    main: bool = False  # the action that performing the item starts
    partial: bool = False  # one call of a multi-call action: the item's verdict comes with the last


ACTIONS: dict[str, ActionSpec] = {}


def action(
    name: str,
    item_id: str,
    title: str,
    *,
    admin: bool = True,
    request: RequestFn | None = None,
    lookup: LookupFn | None = None,
    existing: ExistingFn | None = None,
    main: bool = False,
    partial: bool = False,
) -> Callable[[RunFn], RunFn]:
    """Register an action: the decorated function makes the call."""

    def register(run: RunFn) -> RunFn:
        ACTIONS[name] = ActionSpec(name, item_id, title, admin, request, run, lookup, existing, main, partial)
        return run

    return register


def spec(name: str) -> ActionSpec:
    return ACTIONS[name]


def main_action(item_id: str) -> ActionSpec | None:
    """The action performing an item starts (None: the item is not an action)."""
    return next((s for s in ACTIONS.values() if s.item_id == item_id and s.main), None)


def needs_admin(item_id: str) -> bool:
    return any(s.admin for s in ACTIONS.values() if s.item_id == item_id)


def _tenant(facts: Facts) -> str:
    return facts.tenant_id or "<tenant id>"


def key_label(target: Target) -> str:
    return f"{target.customer.tenant_slug} {target.environment} integration"


def _since(intent: Intent, created_at: str | None) -> bool:
    if not intent.at or not created_at:
        return True  # no time to compare: count it, a person decides
    try:
        return parse_iso(created_at) >= parse_iso(intent.at) - CLOCK_SLACK
    except ValueError:
        return True


def _when(at: str | None) -> str:
    return clean(at, 30) if at else "at an unknown time"


# Tenant ------------------------------------------------------------------------------------


async def _request_tenant(p: PlatformClient, target: Target, facts: Facts, call: Call, key: str) -> object:
    return await p.create_tenant(target.customer.name, target.customer.tenant_slug, key)


async def _lookup_tenant(ctx: RunContext, intent: Intent) -> Lookup:
    slug = ctx.target.customer.tenant_slug
    tenant = await onboarding.find_tenant_by_slug(ctx, slug)
    if tenant is None:
        return Lookup(
            f"no tenant {slug} exists: nothing was created; creating it with the same idempotency key acts once"
        )
    outcome = await onboarding.adopt_tenant(ctx, tenant)
    return Lookup(
        f"tenant {slug} exists ({tenant.id}, created {_when(tenant.created_at)}): the platform acted; "
        "it is recorded as the customer's tenant",
        outcome=outcome,
    )


async def _existing_tenant(ctx: RunContext, refs: dict[str, Any]) -> Existing | None:
    tenant_id = refs.get("tenant_id")
    if not tenant_id:
        return None
    tenant = await onboarding.find_tenant_by_slug(ctx)
    if tenant is None or tenant.id != tenant_id:
        return None
    return Existing(
        f"tenant {tenant.slug} ({tenant.id}, created {_when(tenant.created_at)}) exists; a slug is created once"
    )


@action(
    "create_tenant",
    "onboarding.tenant",
    "Create the tenant",
    request=_request_tenant,
    lookup=_lookup_tenant,
    existing=_existing_tenant,
    main=True,
)
async def create_tenant(ctx: RunContext, key: str, call: Call) -> ActionOutcome:
    return await onboarding.create_tenant(ctx, key)


async def _lookup_adopt(ctx: RunContext, intent: Intent) -> Lookup:
    return Lookup("adopting changes nothing on the platform: it is done again")


@action("adopt_tenant", "onboarding.tenant", "Adopt the existing tenant", admin=False, lookup=_lookup_adopt)
async def adopt_tenant(ctx: RunContext, key: str, call: Call) -> ActionOutcome:
    args = call.args
    tenant = TenantInfo(
        str(args["tenant_id"]), str(args.get("slug", "")), str(args.get("name", "")), args.get("created_at")
    )
    return await onboarding.adopt_tenant(ctx, tenant)


# Integration keys ----------------------------------------------------------------------------


async def _request_key(p: PlatformClient, target: Target, facts: Facts, call: Call, key: str) -> object:
    return await p.issue_key(_tenant(facts), str(call.args.get("label") or key_label(target)), key)


async def keys_made_since(ctx: RunContext, intent: Intent, labels: tuple[str, ...]) -> list[KeyInfo]:
    """Keys of the tenant made since the intent, with one of `labels` or none at all, that
    the session does not hold: what the interrupted call may have made (revoked or not)."""
    known = {ctx.facts.key_id} if ctx.facts.key_id else set()
    keys = await onboarding.list_keys(ctx)
    return [k for k in keys if k.id not in known and k.label in (*labels, "") and _since(intent, k.created_at)]


async def _lookup_key(ctx: RunContext, intent: Intent) -> Lookup:
    label = str(intent.args.get("label") or key_label(ctx.target))
    made = await keys_made_since(ctx, intent, (label,))
    live = [k for k in made if not k.revoked]
    if live:
        names = ", ".join(
            f"{k.id} ({k.prefix}…, label {k.label or 'none'!r}, made {_when(k.created_at)})" for k in live
        )
        return Lookup(
            f"the platform made key {names}, but its secret is lost (it never reached launch-tui), so it "
            "cannot be adopted: revoke it, then issue a new key",
            orphans=live,
            retry=False,
        )
    if made:
        names = ", ".join(k.id for k in made)
        return Lookup(
            f"key {names} was made since the intent and revoked since: the idempotency key would replay it; "
            "issue a new key with a fresh idempotency key",
            new_key=True,
        )
    return Lookup(
        f"no key of tenant {ctx.facts.tenant_id} was made since {_when(intent.at)}: nothing was issued; "
        "issuing it with the same idempotency key acts once"
    )


async def _existing_key(ctx: RunContext, refs: dict[str, Any]) -> Existing | None:
    key_id = refs.get("key_id")
    if not key_id or not ctx.facts.tenant_id:
        return None
    live = [k for k in await onboarding.list_keys(ctx) if k.id == key_id and not k.revoked]
    if not live:
        return None
    return Existing(f"key {key_id} ({live[0].prefix}…) is live", replace="Issue a new one and revoke the old")


@action(
    "issue_key",
    "onboarding.integration-key",
    "Issue the customer's integration key",
    request=_request_key,
    lookup=_lookup_key,
    existing=_existing_key,
    main=True,
)
async def issue_key(ctx: RunContext, key: str, call: Call) -> ActionOutcome:
    return await onboarding.issue_key(ctx, key, str(call.args.get("label") or key_label(ctx.target)))


async def _request_revoke(p: PlatformClient, target: Target, facts: Facts, call: Call, key: str) -> object:
    return await p.revoke_key(str(call.args.get("tenant_id") or _tenant(facts)), str(call.args["key_id"]), key)


async def _lookup_revoke(ctx: RunContext, intent: Intent) -> Lookup:
    key_id = str(intent.args["key_id"])
    keys = [k for k in await onboarding.list_keys(ctx, intent.args.get("tenant_id")) if k.id == key_id]
    if keys and keys[0].revoked:
        verdict = passed(f"key {key_id} revoked", revoked_key_id=key_id, revoked_at=str(keys[0].revoked_at))
        return Lookup(
            f"key {key_id} is revoked (at {_when(keys[0].revoked_at)})",
            outcome=await _outcome(ctx, "onboarding.integration-key", verdict),
        )
    return Lookup(f"key {key_id} is still live: revoking it with the same idempotency key acts once")


@action(
    "revoke_key",
    "onboarding.integration-key",
    "Revoke a key",
    request=_request_revoke,
    lookup=_lookup_revoke,
    partial=True,
)
async def revoke_key(ctx: RunContext, key: str, call: Call) -> ActionOutcome:
    return await onboarding.revoke_key(ctx, key, str(call.args["key_id"]), call.args.get("tenant_id"))


async def _request_canary(p: PlatformClient, target: Target, facts: Facts, call: Call, key: str) -> object:
    await p.issue_key(_tenant(facts), onboarding.CANARY_LABEL, f"{key}:issue")
    return await p.revoke_key(_tenant(facts), "<the canary key's id>", f"{key}:revoke")


async def _lookup_canary(ctx: RunContext, intent: Intent) -> Lookup:
    live = [k for k in await onboarding.list_keys(ctx, label=onboarding.CANARY_LABEL) if not k.revoked]
    if not live:
        return Lookup(
            "no live canary key: nothing was left behind; run the check again when ready",
            outcome=await _outcome(ctx, "auth.token-revoked", passed("the interrupted canary left no live key")),
        )
    names = ", ".join(k.id for k in live)
    return Lookup(
        f"the interrupted canary check left live canary key(s) {names}: revoke them", orphans=live, retry=False
    )


@action(
    "issue_canary",
    "auth.token-revoked",
    "Issue a throwaway canary key and revoke it at once, to check that revoked keys are refused",
    request=_request_canary,
    lookup=_lookup_canary,
    partial=True,
)
async def issue_canary(ctx: RunContext, key: str, call: Call) -> ActionOutcome:
    return await onboarding.issue_canary_key(ctx, key)


# Detectors -------------------------------------------------------------------------------


def _detectors(args: Args) -> dict[str, bool]:
    chosen = args.get("detectors")
    return {str(k): bool(v) for k, v in chosen.items()} if isinstance(chosen, dict) else dict(DEFAULT_DETECTORS)


def _shown(detectors: dict[str, Any]) -> str:
    return ", ".join(f"{name} {'on' if on else 'off'}" for name, on in detectors.items())


async def _request_detectors(p: PlatformClient, target: Target, facts: Facts, call: Call, key: str) -> object:
    return await p.set_detectors(_tenant(facts), _detectors(call.args), key)


async def _lookup_detectors(ctx: RunContext, intent: Intent) -> Lookup:
    wanted = _detectors(intent.args)
    current = await onboarding.read_detectors(ctx)
    if all(current.get(name) == on for name, on in wanted.items()):
        verdict = passed(
            f"detector config set: {_shown(wanted)}",
            tenant_id=ctx.facts.tenant_id or "",
            **{f"detector_{name}": on for name, on in wanted.items()},
        )
        return Lookup(
            "the platform holds exactly this detector config: the call was applied",
            outcome=await _outcome(ctx, "onboarding.detectors", verdict),
        )
    return Lookup(
        "the platform does not hold this config yet; sending it again with the same idempotency key acts once"
    )


async def _existing_detectors(ctx: RunContext, refs: dict[str, Any]) -> Existing | None:
    chosen = {k.removeprefix("detector_"): v for k, v in refs.items() if k.startswith("detector_")}
    if not chosen:
        return None
    return Existing(f"the detector config is set ({_shown(chosen)})", replace="Set it again")


@action(
    "set_detectors",
    "onboarding.detectors",
    "Set the detector config",
    request=_request_detectors,
    lookup=_lookup_detectors,
    existing=_existing_detectors,
    main=True,
)
async def set_detectors(ctx: RunContext, key: str, call: Call) -> ActionOutcome:
    return await onboarding.set_detectors(ctx, key, _detectors(call.args))


# The first job ------------------------------------------------------------------------------


async def _request_enqueue(p: PlatformClient, target: Target, facts: Facts, call: Call, key: str) -> object:
    job_type = str(call.args.get("job_type") or "TRADE")
    csv = call.payload if call.payload is not None else sample_csv(job_type)
    filename = str(call.args.get("filename") or f"{job_type.lower()}-first-upload.csv")
    return await p.upload(job_type, csv, filename, PLACEHOLDER_TOKEN, key)


async def _lookup_enqueue(ctx: RunContext, intent: Intent) -> Lookup:
    # The contract has no route that lists a tenant's jobs and does not promise that
    # uploads honour Idempotency-Key: the platform cannot say whether a job was made.
    return Lookup(
        "the platform cannot list jobs, and uploads may not honour an idempotency key, so whether a job "
        "was made is unknown; uploading again may make a second test job (harmless: the first job is "
        "a test); if the customer sees a job id, enter it instead",
        retry=False,
    )


async def _existing_job(ctx: RunContext, refs: dict[str, Any]) -> Existing | None:
    job_id = refs.get("job_id")
    if not job_id:
        return None
    return Existing(f"{refs.get('job_type') or 'the'} job {job_id} was enqueued", replace="Enqueue another job")


@action(
    "enqueue_job",
    "first-value.enqueue",
    "Enqueue the customer's first job",
    admin=False,
    request=_request_enqueue,
    lookup=_lookup_enqueue,
    existing=_existing_job,
    main=True,
)
async def enqueue_job(ctx: RunContext, key: str, call: Call) -> ActionOutcome:
    job_type = str(call.args.get("job_type") or "TRADE")
    return await first_value.enqueue_job(ctx, key, job_type, csv=call.payload, filename=call.args.get("filename"))


# Invoices ---------------------------------------------------------------------------------


def _period(args: Args) -> tuple[str, str]:
    """The intent's period (an intent recorded before periods were recorded: this month)."""
    start, end = billing.current_month()
    return str(args.get("period_start") or start), str(args.get("period_end") or end)


def _invoice(ctx: RunContext, args: Args) -> str:
    invoice_id = args.get("invoice_id") or ctx.facts.invoice_id
    if not invoice_id:
        raise Unavailable("no invoice id in the intent or the session")
    return str(invoice_id)


async def _request_generate(p: PlatformClient, target: Target, facts: Facts, call: Call, key: str) -> object:
    return await p.generate_invoice(_tenant(facts), *_period(call.args), key)


async def _lookup_generate(ctx: RunContext, intent: Intent) -> Lookup:
    # The contract lists no invoices of a tenant; it promises that a repeated key within
    # 24 h gets the first answer: sending it again returns the invoice if one was made.
    start, end = _period(intent.args)
    age = intent.age(utcnow())
    if age is not None and age > REPLAY_WINDOW:
        return Lookup(
            f"the generation for {start} to {end} was interrupted over 24 h ago: the platform no longer "
            "replays its answer, so sending it again might make a second invoice; look in the billing "
            "console first",
            retry=False,
        )
    return Lookup(
        f"the platform keeps its first answer to this idempotency key for 24 h: sending it again returns "
        f"the invoice for {start} to {end} if one was made, or makes it once"
    )


async def _existing_invoice(ctx: RunContext, refs: dict[str, Any]) -> Existing | None:
    invoice_id = refs.get("invoice_id")
    if not invoice_id:
        return None
    reply = await ctx.platform.invoice(str(invoice_id))
    invoice = parse_invoice(reply.json_or_none()) if reply.ok else None
    if invoice is None:
        return None
    return Existing(f"invoice {invoice.id} exists ({clean(invoice.status, 20)})", replace="Generate another invoice")


@action(
    "generate_invoice",
    "billing.invoice-generate",
    "Generate a draft invoice (this month)",
    request=_request_generate,
    lookup=_lookup_generate,
    existing=_existing_invoice,
    main=True,
)
async def generate_invoice(ctx: RunContext, key: str, call: Call) -> ActionOutcome:
    return await billing.generate_invoice(ctx, key, *_period(call.args))


@action(
    "invoice_generate_for_cancel",
    "billing.invoice-lifecycle",
    "Generate a second invoice, to cancel",
    request=_request_generate,
    lookup=_lookup_generate,
    partial=True,
)
async def generate_for_cancel(ctx: RunContext, key: str, call: Call) -> ActionOutcome:
    """The lifecycle's second invoice: recorded as `cancel_invoice_id`, never as *the* invoice."""
    paid = ctx.facts.invoice_id
    outcome = await billing.generate_invoice(ctx, key, *_period(call.args))
    ctx.facts.invoice_id = paid
    refs = dict(outcome.result.refs)
    if "invoice_id" in refs:
        refs = {"cancel_invoice_id": refs["invoice_id"], "cancel_for": str(call.args.get("for") or paid or "")}
    outcome.result = outcome.result.model_copy(update={"refs": refs})
    return outcome


LATER = {"issue": ("issued", "paid"), "mark-paid": ("paid",), "cancel": ("cancelled",)}


def _transition_lookup(transition: str) -> LookupFn:
    async def lookup(ctx: RunContext, intent: Intent) -> Lookup:
        invoice_id = _invoice(ctx, intent.args)
        status = await billing.invoice_status(ctx, invoice_id)
        if status in LATER[transition]:
            verdict = passed(f"invoice {invoice_id} is now {status}", invoice_id=invoice_id, invoice_status=status)
            outcome = _as_second(transition, await _outcome(ctx, "billing.invoice-lifecycle", verdict))
            return Lookup(f"invoice {invoice_id} is {status}: {transition} was applied", outcome=outcome)
        return Lookup(
            f"invoice {invoice_id} is {clean(status, 20)}: {transition} was not applied; sending it again "
            "with the same idempotency key applies it once"
        )

    return lookup


def _request_transition(transition: str) -> RequestFn:
    async def request(p: PlatformClient, target: Target, facts: Facts, call: Call, key: str) -> object:
        return await p.invoice_transition(str(call.args.get("invoice_id") or "<invoice id>"), transition, key)

    return request


def _transition(transition: str) -> RunFn:
    async def run(ctx: RunContext, key: str, call: Call) -> ActionOutcome:
        return _as_second(transition, await billing.invoice_transition(ctx, key, transition, _invoice(ctx, call.args)))

    return run


def _as_second(transition: str, outcome: ActionOutcome) -> ActionOutcome:
    """The lifecycle cancels its second invoice: its references must not replace *the* invoice's."""
    refs = outcome.result.refs
    if transition == "cancel" and "invoice_id" in refs:
        renamed = {"cancel_invoice_id": refs["invoice_id"], "cancel_status": refs.get("invoice_status", "")}
        outcome.result = outcome.result.model_copy(update={"refs": renamed})
    return outcome


for _t in ("issue", "mark-paid", "cancel"):
    action(
        f"invoice_{_t.replace('-', '_')}",
        "billing.invoice-lifecycle",
        f"{_t} the invoice",
        request=_request_transition(_t),
        lookup=_transition_lookup(_t),
        partial=True,
    )(_transition(_t))


async def _existing_lifecycle(ctx: RunContext, refs: dict[str, Any]) -> Existing | None:
    if refs.get("invoice_status") != "paid":
        return None
    return Existing(
        f"invoice {refs.get('invoice_id')} is paid and invoice {refs.get('cancel_invoice_id')} "
        "cancelled: the lifecycle is done"
    )


async def _no_call(ctx: RunContext, key: str, call: Call) -> ActionOutcome:
    raise NotImplementedError("the lifecycle is a sequence of the invoice_* actions (wizard.flows)")


action(
    "invoice_lifecycle",
    "billing.invoice-lifecycle",
    "Issue and mark paid this invoice; generate a second and cancel it",
    existing=_existing_lifecycle,
    main=True,
)(_no_call)


async def _outcome(ctx: RunContext, item_id: str, verdict: Any) -> ActionOutcome:
    """An outcome for what a lookup found, in the shape a call's outcome has."""

    async def found() -> Any:
        return verdict

    return await execute_action(ctx, item_id, found)


__all__ = [
    "ACTIONS",
    "ActionSpec",
    "Call",
    "Existing",
    "Intent",
    "Lookup",
    "action",
    "key_label",
    "keys_made_since",
    "main_action",
    "needs_admin",
    "spec",
]
