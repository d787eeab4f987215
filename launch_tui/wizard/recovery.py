"""Resuming after a crash mid-action: an intent was recorded, its outcome was not.
Look at the platform, then let the operator choose; never create anything twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Awaitable, Callable

from launch_tui.clients.errors import TransportError
from launch_tui.engine import billing, first_value, onboarding
from launch_tui.engine.base import ActionOutcome
from launch_tui.results import CheckResult, Status
from launch_tui.session import EventKind
from launch_tui.session.state import PendingIntent
from launch_tui.wizard import flows
from launch_tui.wizard.wizard import Wizard

Choice = tuple[str, Callable[[], Awaitable[object]]]


@dataclass
class Recovery:
    intent: PendingIntent
    finding: str  # what the platform shows now, one line
    choices: list[Choice] = field(default_factory=list)


def forget(wizard: Wizard, intent: PendingIntent, why: str) -> None:
    """Close the intent without a verdict: the item keeps whatever it had before."""
    result = CheckResult(id=intent.item, status=Status.SKIP, summary=why)
    wizard.record_result(result, EventKind.ACTION_RESULT, idempotency_key=intent.idempotency_key, action=intent.action, partial=True)


async def assess(wizard: Wizard, intent: PendingIntent) -> Recovery:
    try:
        if intent.action in ("create_tenant", "adopt_tenant"):
            return await _tenant(wizard, intent)
        if intent.action == "issue_key":
            return await _key(wizard, intent)
        if intent.action == "issue_canary":
            return await _canary(wizard, intent)
        if intent.action.startswith("invoice_"):
            return _lifecycle(wizard, intent)
    except TransportError as exc:
        return Recovery(intent, f"could not look at the platform ({exc}); try again later", [_forget_choice(wizard, intent)])
    return _replay(wizard, intent)


def _forget_choice(wizard: Wizard, intent: PendingIntent) -> Choice:
    async def run() -> None:
        forget(wizard, intent, f"{intent.action} was interrupted by a crash; the operator chose to leave it")

    return ("Leave it (record that it was interrupted)", run)


async def _tenant(wizard: Wizard, intent: PendingIntent) -> Recovery:
    async with wizard.context() as ctx:
        tenant = await onboarding.find_tenant_by_slug(ctx)
    slug = wizard.target.customer.tenant_slug
    if tenant is None:
        async def create() -> None:
            step = await flows.create_tenant_step(wizard)
            await flows.create_tenant(wizard, step, key=intent.idempotency_key)

        return Recovery(intent, f"no tenant {slug} exists: the crash came before it was created",
                        [("Create it now (same idempotency key)", create), _forget_choice(wizard, intent)])

    async def adopt() -> None:
        await flows.adopt_tenant(wizard, tenant, key=intent.idempotency_key)

    return Recovery(intent, f"tenant {slug} exists ({tenant.id}, created {tenant.created_at or 'at an unknown time'}): "
                            "most likely the call succeeded before the crash",
                    [("Adopt it as the customer's tenant", adopt), _forget_choice(wizard, intent)])


async def _key(wizard: Wizard, intent: PendingIntent) -> Recovery:
    label = flows.key_label(wizard)
    async with wizard.context() as ctx:
        labelled = await onboarding.list_keys(ctx, label=label)
    keys = [key for key in labelled if not key.revoked]
    if not keys:
        # With the same idempotency key the platform would answer with the first key,
        # revoked or not; only when no key was ever issued is replaying it right.
        fresh = bool(labelled)

        async def issue() -> None:
            if fresh:
                forget(wizard, intent, "the key issued before the crash was revoked; a new one is issued")
            step = await flows.issue_key_step(wizard)
            await flows.perform(wizard, step, lambda ctx, k: onboarding.issue_key(ctx, k, label), key=None if fresh else intent.idempotency_key)

        if fresh:
            return Recovery(intent, "the key issued before the crash has been revoked since: issue a new one",
                            [("Issue a new key", issue), _forget_choice(wizard, intent)])
        return Recovery(intent, "no key with this session's label: the crash came before it was issued",
                        [("Issue it now (same idempotency key)", issue), _forget_choice(wizard, intent)])
    key = keys[-1]

    async def revoke() -> None:
        step = flows.Step("revoke_key", intent.item, f"Revoke key {key.id}", [])
        await flows.perform(wizard, step, lambda ctx, k: onboarding.revoke_key(ctx, k, key.id), partial=True)
        forget(wizard, intent, f"key {key.id} was issued before a crash and revoked: its secret was never shown; issue a new one")

    async def adopt() -> None:
        wizard.facts.update(key_id=key.id, key_prefix=key.prefix, key_label=key.label)
        result = CheckResult(id=intent.item, status=Status.WARN,
                             summary=f"adopted key {key.prefix}… ({key.id}) issued before a crash; its secret was never shown, "
                                     "so the customer cannot use it: issue a new key unless they already have it",
                             refs={"key_id": key.id, "key_prefix": key.prefix, "key_label": key.label})
        wizard.record_result(result, EventKind.ACTION_RESULT, idempotency_key=intent.idempotency_key, action="adopt_key")

    return Recovery(intent, f"key {key.prefix}… ({key.id}) was issued before the crash; its secret is lost",
                    [("Revoke it (then issue a new one)", revoke), ("Adopt it (id and prefix only)", adopt), _forget_choice(wizard, intent)])


async def _canary(wizard: Wizard, intent: PendingIntent) -> Recovery:
    """A throwaway key may have been issued and not yet revoked: revoke what is live."""
    async with wizard.context() as ctx:
        live = [key for key in await onboarding.list_keys(ctx, label=onboarding.CANARY_LABEL) if not key.revoked]
    if not live:
        return Recovery(intent, "no live canary key: nothing was left behind", [_forget_choice(wizard, intent)])

    async def revoke() -> None:
        for key in live:
            step = flows.Step("revoke_canary", intent.item, f"Revoke canary key {key.id}", [])
            await flows.perform(wizard, step, lambda ctx, k, key_id=key.id: onboarding.revoke_key(ctx, k, key_id), partial=True)
        forget(wizard, intent, f"the canary check was interrupted; {len(live)} live canary key(s) revoked")

    ids = ", ".join(key.id for key in live)
    return Recovery(intent, f"the canary check was interrupted and left live canary key(s): {ids}",
                    [("Revoke them", revoke), _forget_choice(wizard, intent)])


def _lifecycle(wizard: Wizard, intent: PendingIntent) -> Recovery:
    """The lifecycle starts from where the invoices stand, so finishing it repeats
    nothing; an interrupted generation is replayed with its own idempotency key."""
    replay_key = intent.idempotency_key if intent.action == "invoice_generate_for_cancel" else None

    async def finish() -> CheckResult:
        forget(wizard, intent, f"{intent.action} was interrupted by a crash; the lifecycle was finished from where the invoices stood")
        return await flows.invoice_lifecycle(wizard, await flows.lifecycle_step(wizard), generate_key=replay_key)

    return Recovery(intent, f"the invoice lifecycle was interrupted at {intent.action}",
                    [("Finish the lifecycle (from where the invoices stand)", finish), _forget_choice(wizard, intent)])


def _replay(wizard: Wizard, intent: PendingIntent) -> Recovery:
    """Admin calls honour Idempotency-Key: sending the same key again returns the first
    answer if the platform acted, or acts once if it did not."""
    calls: dict[str, Callable] = {
        "set_detectors": lambda ctx, k: onboarding.set_detectors(ctx, k),
        "generate_invoice": lambda ctx, k: billing.generate_invoice(ctx, k, *billing.current_month(wizard.today())),
        "enqueue_job": lambda ctx, k: first_value.enqueue_job(ctx, k, wizard.facts.job_type or "TRADE"),
    }
    call = calls.get(intent.action)
    if call is None:
        return Recovery(intent, f"{intent.action} was interrupted; run the item again when ready", [_forget_choice(wizard, intent)])

    async def replay() -> ActionOutcome:
        step = flows.Step(intent.action, intent.item, intent.action, [])
        return await flows.perform(wizard, step, call, key=intent.idempotency_key)

    note = " (uploads may not honour it: check the job list if in doubt)" if intent.action == "enqueue_job" else ""
    return Recovery(intent, f"{intent.action} was interrupted; the platform answers a repeated idempotency key with its first answer{note}",
                    [("Send it again with the same key", replay), _forget_choice(wizard, intent)])
