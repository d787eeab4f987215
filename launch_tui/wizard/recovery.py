"""An intent whose outcome is unknown (a crash mid-call, a read timeout, a dropped
connection, a cancel): look at what the platform holds, with the lookup registered for
the action in `engine.actions`, then let the operator choose. Nothing is sent again
before it is looked up, a retry reuses the intent's idempotency key, and whatever the
platform made that the session cannot adopt is named and offered for revocation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from launch_tui.clients.errors import TransportError
from launch_tui.engine import ActionOutcome, actions, onboarding
from launch_tui.engine.actions import Call, Intent, Lookup
from launch_tui.results import CheckResult, Status
from launch_tui.session import EventKind
from launch_tui.session.state import PendingIntent
from launch_tui.wizard import flows
from launch_tui.wizard.wizard import Wizard

Choice = tuple[str, Callable[[], Awaitable[Any]]]
LOOKING = "outcome unknown: looking it up"


@dataclass
class Recovery:
    intent: PendingIntent
    finding: str  # what the platform shows now, one line
    choices: list[Choice] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)  # ids of what the platform made that no one can use
    settled: bool = False  # the lookup found a definite outcome and recorded it: nothing to choose


def forget(wizard: Wizard, intent: PendingIntent, why: str) -> None:
    """Close the intent without a verdict: the item keeps whatever it had before."""
    result = CheckResult(id=intent.item, status=Status.SKIP, summary=why)
    wizard.record_result(
        result, EventKind.ACTION_RESULT, idempotency_key=intent.idempotency_key, action=intent.action, partial=True
    )


def record_found(wizard: Wizard, intent: PendingIntent, outcome: ActionOutcome) -> None:
    """What the lookup found the platform did, recorded as the intent's outcome."""
    spec = actions.ACTIONS.get(intent.action)
    extra = {"partial": True} if spec is None or spec.partial else {}
    result = outcome.result.model_copy(update={"id": intent.item})
    wizard.record_result(
        result,
        EventKind.ACTION_RESULT,
        idempotency_key=intent.idempotency_key,
        action=intent.action,
        looked_up=True,
        **extra,
    )


async def look_up(wizard: Wizard, intent: PendingIntent) -> Lookup | None:
    spec = actions.ACTIONS.get(intent.action)
    if spec is None or spec.lookup is None:
        return None
    async with wizard.context() as ctx:
        return await spec.lookup(ctx, Intent(intent.action, intent.idempotency_key, intent.args, intent.at))


async def assess(wizard: Wizard, intent: PendingIntent, *, settle: bool = False) -> Recovery:
    """What the platform holds for `intent`, and the ways forward. `settle`: when the
    platform clearly acted, record that at once (the choice would be the only one)."""
    try:
        found = await look_up(wizard, intent)
    except TransportError as exc:
        return Recovery(
            intent,
            f"could not look at the platform ({exc}); it is looked up again next time",
            [_forget_choice(wizard, intent)],
        )
    if found is None:
        return Recovery(
            intent, f"{intent.action} was interrupted; run the item again when ready", [_forget_choice(wizard, intent)]
        )
    if found.outcome is not None:
        outcome = found.outcome
        if settle:
            record_found(wizard, intent, outcome)
            return Recovery(intent, found.finding, settled=True)

        async def adopt() -> ActionOutcome:
            record_found(wizard, intent, outcome)
            return outcome

        return Recovery(
            intent, found.finding, [("Adopt it (record what the platform did)", adopt), _forget_choice(wizard, intent)]
        )
    if found.orphans:
        return Recovery(
            intent,
            found.finding,
            [_revoke_choice(wizard, intent, found), _forget_choice(wizard, intent)],
            orphans=[key.id for key in found.orphans],
        )
    if found.retry:
        return Recovery(
            intent, found.finding, [_retry_choice(wizard, intent, fresh=found.new_key), _forget_choice(wizard, intent)]
        )
    return Recovery(intent, found.finding, [_again_choice(wizard, intent), _forget_choice(wizard, intent)])


def _forget_choice(wizard: Wizard, intent: PendingIntent) -> Choice:
    async def run() -> None:
        forget(wizard, intent, f"{intent.action} was interrupted; the operator chose to leave it")

    return ("Leave it (record that it was interrupted)", run)


def _step_again(wizard: Wizard, intent: PendingIntent) -> Awaitable[flows.Step]:
    """The same call as the intent: the same arguments, so the same body (a repeated
    idempotency key with another body is refused)."""
    args = intent.args
    payload = None
    if intent.action == "enqueue_job":
        payload = _upload_again(args)
    return flows.step(wizard, intent.action, Call(args, payload))


def _upload_again(args: dict[str, Any]) -> bytes:
    job_type = str(args.get("job_type") or "TRADE")
    source = str(args.get("source") or "template")
    if source == "template":
        return flows.template_upload(job_type)[0]
    return flows.read_upload(source, job_type)[0]


def _retry_choice(wizard: Wizard, intent: PendingIntent, *, fresh: bool) -> Choice:
    async def run() -> Any:
        step = await _step_again(wizard, intent)
        if fresh:
            forget(
                wizard,
                intent,
                f"{intent.action}: what it made was revoked since; done again with a new idempotency key",
            )
            return await flows.perform(wizard, step)
        return await flows.perform(wizard, step, key=intent.idempotency_key)

    label = "Do it again (a new idempotency key)" if fresh else "Send it again (the same idempotency key: acts once)"
    return (label, run)


def _again_choice(wizard: Wizard, intent: PendingIntent) -> Choice:
    """The platform cannot say (uploads): close the intent, saying so, and do it anew."""

    async def run() -> Any:
        step = await _step_again(wizard, intent)
        forget(
            wizard,
            intent,
            f"{intent.action}: whether the platform acted is unknown (it cannot be looked up); "
            "done again, so a second object may exist",
        )
        return await flows.perform(wizard, step)

    return ("Do it again (a second one may be made)", run)


def _revoke_choice(wizard: Wizard, intent: PendingIntent, found: Lookup) -> Choice:
    """Revoke every orphan (each its own intent), close this intent naming them, then
    issue a new key if this was the customer's key."""
    orphans = list(found.orphans)

    async def run() -> ActionOutcome | None:
        for key in orphans:
            await flows.revoke_key(wizard, key.id)
        names = ", ".join(key.id for key in orphans)
        forget(
            wizard,
            intent,
            f"{intent.action} made {names} before its outcome was known; its secret was lost, so it was revoked",
        )
        if intent.action == "issue_key":
            return await flows.issue_key(wizard, await flows.issue_key_step(wizard))
        return None

    then = ", then issue a new key" if intent.action == "issue_key" else ""
    return (f"Revoke {', '.join(key.id for key in orphans)}{then}", run)


async def sweep(wizard: Wizard) -> Recovery | None:
    """Live keys of the customer's tenant besides the customer's key, with the session's
    label or none (a replacement cut short between issuing the new key and revoking the
    old, a key made by hand): named, and offered for revocation, never left in silence."""
    if not wizard.facts.tenant_id or not wizard.secrets.has("LAUNCH_ADMIN_TOKEN"):
        return None
    label = flows.key_label(wizard)
    try:
        async with wizard.context() as ctx:
            keys = await onboarding.list_keys(ctx)
    except TransportError:
        return None
    extra = [k for k in keys if not k.revoked and k.id != wizard.facts.key_id and k.label in (label, "")]
    if not extra:
        return None
    intent = PendingIntent("onboarding.integration-key", "", "sweep", 0, {})
    names = ", ".join(f"{k.id} ({k.prefix}…, made {k.created_at or 'at an unknown time'})" for k in extra)
    mine = f"the customer's key is {wizard.facts.key_id}" if wizard.facts.key_id else "the session holds no key"

    async def revoke() -> None:
        for key in extra:
            await flows.revoke_key(wizard, key.id)

    finding = f"other live key(s) of tenant {wizard.facts.tenant_id}: {names}; {mine}"
    return Recovery(
        intent, finding, [(f"Revoke {', '.join(k.id for k in extra)}", revoke)], orphans=[k.id for k in extra]
    )
