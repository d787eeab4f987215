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
from launch_tui.launch import flows
from launch_tui.launch.live import LiveLaunch
from launch_tui.results import CheckResult, Status
from launch_tui.session import EventKind
from launch_tui.session.state import PendingIntent

Choice = tuple[str, Callable[[], Awaitable[Any]]]
LOOKING = "outcome unknown: looking it up"


@dataclass
class Recovery:
    intent: PendingIntent
    finding: str  # what the platform shows now, one line
    choices: list[Choice] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)  # ids of what the platform made that no one can use
    settled: bool = False  # the lookup found a definite outcome and recorded it: nothing to choose


def forget(launch: LiveLaunch, intent: PendingIntent, why: str) -> None:
    """Close the intent without a verdict: the item keeps whatever it had before."""
    result = CheckResult(id=intent.item, status=Status.SKIP, summary=why)
    launch.record_result(
        result, EventKind.ACTION_RESULT, idempotency_key=intent.idempotency_key, action=intent.action, partial=True
    )


def record_found(launch: LiveLaunch, intent: PendingIntent, outcome: ActionOutcome) -> None:
    """What the lookup found the platform did, recorded as the intent's outcome."""
    spec = actions.ACTIONS.get(intent.action)
    extra = {"partial": True} if spec is None or spec.partial else {}
    result = outcome.result.model_copy(update={"id": intent.item})
    launch.record_result(
        result,
        EventKind.ACTION_RESULT,
        idempotency_key=intent.idempotency_key,
        action=intent.action,
        looked_up=True,
        **extra,
    )


async def look_up(launch: LiveLaunch, intent: PendingIntent) -> Lookup | None:
    spec = actions.ACTIONS.get(intent.action)
    if spec is None or spec.lookup is None:
        return None
    async with launch.context() as ctx:
        return await spec.lookup(ctx, Intent(intent.action, intent.idempotency_key, intent.args, intent.at))


async def assess(launch: LiveLaunch, intent: PendingIntent, *, settle: bool = False) -> Recovery:
    """What the platform holds for `intent`, and the ways forward. `settle`: when the
    platform clearly acted, record that at once (the choice would be the only one)."""
    try:
        found = await look_up(launch, intent)
    except TransportError as exc:
        return Recovery(
            intent,
            f"could not look at the platform ({exc}); it is looked up again next time",
            [_forget_choice(launch, intent)],
        )
    if found is None:
        return Recovery(
            intent, f"{intent.action} was interrupted; run the item again when ready", [_forget_choice(launch, intent)]
        )
    if found.outcome is not None:
        outcome = found.outcome
        if settle:
            record_found(launch, intent, outcome)
            return Recovery(intent, found.finding, settled=True)

        async def adopt() -> ActionOutcome:
            record_found(launch, intent, outcome)
            return outcome

        return Recovery(
            intent, found.finding, [("Adopt it (record what the platform did)", adopt), _forget_choice(launch, intent)]
        )
    if found.orphans:
        return Recovery(
            intent,
            found.finding,
            [_revoke_choice(launch, intent, found), _forget_choice(launch, intent)],
            orphans=[key.id for key in found.orphans],
        )
    if found.retry:
        return Recovery(
            intent, found.finding, [_retry_choice(launch, intent, fresh=found.new_key), _forget_choice(launch, intent)]
        )
    return Recovery(intent, found.finding, [_again_choice(launch, intent), _forget_choice(launch, intent)])


def _forget_choice(launch: LiveLaunch, intent: PendingIntent) -> Choice:
    async def run() -> None:
        forget(launch, intent, f"{intent.action} was interrupted; the operator chose to leave it")

    return ("Leave it (record that it was interrupted)", run)


def _step_again(launch: LiveLaunch, intent: PendingIntent) -> Awaitable[flows.Step]:
    """The same call as the intent: the same arguments, so the same body (a repeated
    idempotency key with another body is refused)."""
    args = intent.args
    payload = None
    if intent.action == "enqueue_job":
        payload = _upload_again(args)
    return flows.step(launch, intent.action, Call(args, payload))


def _upload_again(args: dict[str, Any]) -> bytes:
    job_type = str(args.get("job_type") or "TRADE")
    source = str(args.get("source") or "template")
    if source == "template":
        return flows.template_upload(job_type)[0]
    return flows.read_upload(source, job_type)[0]


def _retry_choice(launch: LiveLaunch, intent: PendingIntent, *, fresh: bool) -> Choice:
    async def run() -> Any:
        step = await _step_again(launch, intent)
        if fresh:
            forget(
                launch,
                intent,
                f"{intent.action}: what it made was revoked since; done again with a new idempotency key",
            )
            return await flows.perform(launch, step)
        return await flows.perform(launch, step, key=intent.idempotency_key)

    label = "Do it again (a new idempotency key)" if fresh else "Send it again (the same idempotency key: acts once)"
    return (label, run)


def _again_choice(launch: LiveLaunch, intent: PendingIntent) -> Choice:
    """The platform cannot say (uploads): close the intent, saying so, and do it anew."""

    async def run() -> Any:
        step = await _step_again(launch, intent)
        forget(
            launch,
            intent,
            f"{intent.action}: whether the platform acted is unknown (it cannot be looked up); "
            "done again, so a second object may exist",
        )
        return await flows.perform(launch, step)

    return ("Do it again (a second one may be made)", run)


def _revoke_choice(launch: LiveLaunch, intent: PendingIntent, found: Lookup) -> Choice:
    """Revoke every orphan (each its own intent), close this intent naming them, then
    issue a new key if this was the customer's key."""
    orphans = list(found.orphans)

    async def run() -> ActionOutcome | None:
        for key in orphans:
            await flows.revoke_key(launch, key.id)
        names = ", ".join(key.id for key in orphans)
        forget(
            launch,
            intent,
            f"{intent.action} made {names} before its outcome was known; its secret was lost, so it was revoked",
        )
        if intent.action == "issue_key":
            return await flows.issue_key(launch, await flows.issue_key_step(launch))
        return None

    then = ", then issue a new key" if intent.action == "issue_key" else ""
    return (f"Revoke {', '.join(key.id for key in orphans)}{then}", run)


async def sweep(launch: LiveLaunch) -> Recovery | None:
    """Live keys of the customer's tenant besides the customer's key, with the session's
    label or none (a replacement cut short between issuing the new key and revoking the
    old, a key made by hand): named, and offered for revocation, never left in silence."""
    if not launch.facts.tenant_id or not launch.secrets.has("LAUNCH_ADMIN_TOKEN"):
        return None
    label = flows.key_label(launch)
    try:
        async with launch.context() as ctx:
            keys = await onboarding.list_keys(ctx)
    except TransportError:
        return None
    extra = [k for k in keys if not k.revoked and k.id != launch.facts.key_id and k.label in (label, "")]
    if not extra:
        return None
    intent = PendingIntent("onboarding.integration-key", "", "sweep", 0, {})
    names = ", ".join(f"{k.id} ({k.prefix}…, made {k.created_at or 'at an unknown time'})" for k in extra)
    mine = f"the customer's key is {launch.facts.key_id}" if launch.facts.key_id else "the session holds no key"

    async def revoke() -> None:
        for key in extra:
            await flows.revoke_key(launch, key.id)

    finding = f"other live key(s) of tenant {launch.facts.tenant_id}: {names}; {mine}"
    return Recovery(
        intent, finding, [(f"Revoke {', '.join(k.id for k in extra)}", revoke)], orphans=[k.id for k in extra]
    )
