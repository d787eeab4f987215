"""What a person resuming a session needs to know before anything else: what happened
last (who, what, when), which actions have an unknown outcome, what changed on the
platform since (as far as this machine can see), and what cannot be automated here
and why. Textual-free: the resume panel draws it, tests read it."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from launch_tui.checklist import Kind
from launch_tui.clients.errors import TransportError
from launch_tui.clients.platform import parse_job
from launch_tui.engine import billing, first_value, onboarding
from launch_tui.engine.base import Unavailable
from launch_tui.errors import LaunchError
from launch_tui.launch.live import LiveLaunch
from launch_tui.results import ItemStatus
from launch_tui.session import Event, EventKind

LAST_EVENTS = 5
QUIET = {EventKind.SECTION_ENTERED, EventKind.SESSION_RESUMED}
CUSTOMER_KEY_ITEMS = ("first-value.token", "first-value.poll", "first-value.results", "first-value.artifact")


@dataclass
class SinceYouLeft:
    last: list[str] = field(default_factory=list)  # "2026-11-30 10:42Z alice: check.result infra.health → pass"
    unknown: list[str] = field(default_factory=list)
    platform: list[str] = field(default_factory=list)  # filled by `platform_since`, which needs the network
    not_here: list[str] = field(default_factory=list)
    demo_gone: str | None = None


def resume_command(path: Path) -> str:
    """The exact command that resumes this session."""
    return f"launch-tui resume {shlex.quote(str(path))}"


def replay_command(path: Path) -> str:
    return f"launch-tui replay {shlex.quote(str(path))}"


def demo_gone(launch: LiveLaunch) -> str | None:
    """A demo's sandbox lived inside `launch-tui demo`: once that exits it is gone, and
    asking for its credentials would be asking for something nobody has."""
    if not launch.state.header.session.sandbox or launch.secrets.has("LAUNCH_ADMIN_TOKEN"):
        return None
    return (
        "this is a demo session: its sandbox ran inside `launch-tui demo` and is gone, so nothing can run against "
        f"it and no credentials are asked for. Review it with `{replay_command(launch.session_path)}`, or start a "
        "new demo with `make demo`."
    )


def since_you_left(launch: LiveLaunch, events: list[Event]) -> SinceYouLeft:
    """From the recorded events (the resume's own event last) and this machine's plans."""
    found = SinceYouLeft(demo_gone=demo_gone(launch))
    earlier = [event for event in events if event.kind not in QUIET]
    found.last = [describe(event) for event in earlier[-LAST_EVENTS:]]
    for intent in sorted(launch.state.intents.values(), key=lambda intent: intent.seq):
        found.unknown.append(
            f"{intent.action} ({intent.item}): intent recorded at event #{intent.seq}, no outcome recorded; "
            "the platform is asked before anything runs again"
        )
    if found.demo_gone is None:
        found.not_here = not_automated_here(launch)
    return found


def describe(event: Event) -> str:
    when = event.at[:16].replace("T", " ") + "Z"
    what = event.kind.value + (f" {event.item}" if event.item else "")
    if event.status:
        what += f" → {event.status.value}"
    return f"{when} {event.actor}: {what}"


def not_automated_here(launch: LiveLaunch) -> list[str]:
    """Items with a verdict that this machine could not re-run, and why; earlier verdicts stand."""
    lines = []
    state = launch.state
    key_items = [item_id for item_id in CUSTOMER_KEY_ITEMS if not launch.plan(item_id).automated]
    if key_items and not launch.facts.customer_key:
        lines.append(
            "the customer's key is not on this machine (it is never saved): section 4 re-runs need it, or "
            "LAUNCH_INTEGRATION_KEY set to a key of the customer's tenant; earlier passes stand"
        )
    for item in state.checklist.items:
        if item.kind is not Kind.AUTO or item.id in key_items or launch.plan(item.id).automated:
            continue
        earlier = state.item(item.id).result
        if earlier in (ItemStatus.PASS, ItemStatus.WARN):
            assert earlier is not None
            lines.append(f"{item.id}: {launch.plan(item.id).reason}; its earlier {earlier.value} stands")
    return lines


async def platform_since(launch: LiveLaunch) -> list[str]:
    """Read-only looks at what the session refers to: the customer's key, the first job,
    the invoice. Each says what it saw, or why it cannot look from here."""
    facts, state = launch.facts, launch.state
    seen: list[str] = []
    admin = launch.secrets.has("LAUNCH_ADMIN_TOKEN")
    if not (facts.tenant_id or facts.job_id):
        return seen
    async with launch.context() as ctx:
        if facts.key_id and facts.tenant_id:
            if not admin:
                seen.append(f"key {facts.key_id}: cannot look from here (LAUNCH_ADMIN_TOKEN is not set)")
            else:
                seen.append(await _look(lambda: _key_line(onboarding, ctx, facts.tenant_id, facts.key_id)))
        if facts.job_id:
            recorded = state.item("first-value.poll").result
            try:
                seen.append(await _look(lambda: _job_line(first_value, ctx, facts.job_id, recorded)))
            except Unavailable:
                seen.append(
                    f"job {facts.job_id}: cannot look from here (no key of the customer's tenant on this machine)"
                )
        if facts.invoice_id and admin:
            recorded_status = state.facts.get("invoice_status")
            seen.append(await _look(lambda: _invoice_line(billing, ctx, facts.invoice_id, recorded_status)))
    return seen


async def _look(read) -> str:
    try:
        return await read()
    except Unavailable:
        raise
    except (LaunchError, TransportError, OSError) as exc:  # one line, never a traceback
        return f"could not look: {(str(exc).splitlines() or [type(exc).__name__])[0][:200]}"


async def _key_line(onboarding, ctx, tenant_id: str, key_id: str) -> str:
    keys = {key.id: key for key in await onboarding.list_keys(ctx, tenant_id)}
    key = keys.get(key_id)
    if key is None:
        return f"key {key_id}: no longer listed for tenant {tenant_id}"
    return f"key {key_id}: REVOKED at {key.revoked_at}" if key.revoked else f"key {key_id}: still active"


async def _job_line(first_value, ctx, job_id: str, recorded: ItemStatus | None) -> str:
    reply = await first_value._with_token(ctx, lambda token: ctx.platform.job(job_id, token))
    job = parse_job(reply.json_or_none()) if reply.ok else None
    if job is None:
        return f"job {job_id}: the platform did not say ({reply.status_text()})"
    since = (
        " (finished since the session last polled it)"
        if job.status in ("succeeded", "failed") and recorded is not ItemStatus.PASS
        else ""
    )
    return f"job {job_id}: {job.status}{since}"


async def _invoice_line(billing, ctx, invoice_id: str, recorded: object) -> str:
    status = await billing.invoice_status(ctx, invoice_id)
    changed = f" (recorded as {recorded})" if recorded and recorded != status else ""
    return f"invoice {invoice_id}: {status}{changed}"
