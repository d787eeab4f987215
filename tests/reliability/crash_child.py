"""A scripted, Textual-free launch session, run as a child process that the crash
tests kill -9 at random moments. Usage: `python crash_child.py TARGET FOLDER`.

It opens the only session in FOLDER (or creates one), then works through the
onboarding, first-job and billing actions an operator would take, skipping what the
session says is done, the way a person resumes after a crash (a key whose secret went
with the killed process is replaced before the first job: a new one, the old revoked). Credentials come from the
environment; the sandbox runs in the parent process, so its state survives the kill.
With CRASH_BEFORE_OUTCOME_OF=ACTION it kills itself right after the platform acted on
ACTION, before the outcome is saved.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from launch_tui.launch import flows
from launch_tui.launch.live import LiveLaunch
from launch_tui.results import ItemStatus
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, session_files
from launch_tui.target import load_target

OPERATOR = "crash-bot"
INFRA = ["infra.health", "auth.token-valid", "auth.token-invalid"]


def open_session(target_path: str, folder: Path) -> LiveSession:
    existing = session_files(folder)
    if existing:
        return LiveSession.resume(existing[0], OPERATOR, drop_cut_short=True)
    return LiveSession.create(load_target(target_path), OPERATOR, folder)


def done(launch: LiveLaunch, item_id: str) -> bool:
    return launch.state.item(item_id).status in (ItemStatus.PASS, ItemStatus.WARN)


async def script(launch: LiveLaunch) -> None:
    await launch.run_checks(INFRA)
    if not launch.facts.tenant_id:
        outcome = await flows.create_tenant(launch, await flows.create_tenant_step(launch))
        if outcome.conflict is not None:  # the tenant exists: adopt it, as the TUI offers
            await flows.adopt_tenant(launch, outcome.conflict)
    if not done(launch, "onboarding.integration-key"):
        await flows.issue_key(launch, await flows.issue_key_step(launch))
    if not done(launch, "onboarding.detectors"):
        choice = {"TRADE": True, "SHIP": True, "ORDERS": False}
        await flows.set_detectors(launch, await flows.detectors_step(launch, choice), choice)
    launch.add_note("onboarding.status", "crash test: onboarding done")
    if not done(launch, "first-value.enqueue"):
        if not launch.facts.customer_key:  # its secret went with the last process: a new one, the old revoked
            await flows.replace_key(launch)
        csv, name = flows.template_upload("TRADE")
        await flows.enqueue(launch, await flows.enqueue_step(launch, "TRADE", csv, name))
    if not launch.facts.invoice_id:
        await flows.generate_invoice(launch, await flows.generate_invoice_step(launch))
    if not done(launch, "billing.invoice-lifecycle"):
        await flows.invoice_lifecycle(launch, await flows.lifecycle_step(launch))
    for index in range(5):
        launch.add_note("billing.model", f"crash test note {index}")


def crash_before_outcome(live: LiveSession, action: str) -> None:
    """Kill this process the moment the outcome of `action` is about to be saved: the
    platform has acted, the session holds only the intent (a deterministic crash)."""
    record = live.record

    def recording(new):
        if new.kind is EventKind.ACTION_RESULT and new.data.get("action") == action:
            os.kill(os.getpid(), signal.SIGKILL)
        return record(new)

    live.record = recording


def main() -> int:
    target_path, folder = sys.argv[1], Path(sys.argv[2])
    live = open_session(target_path, folder)
    if os.environ.get("CRASH_BEFORE_OUTCOME_OF"):
        crash_before_outcome(live, os.environ["CRASH_BEFORE_OUTCOME_OF"])
    launch = LiveLaunch(live, Secrets.from_env())
    print("ready", flush=True)
    try:
        asyncio.run(script(launch))
    finally:
        launch.close()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
