"""Kill -9 a scripted session at random moments and at every step: every file then
loads (dropping at most a cut-short last event), verifies and resumes, recovery
resolves every interrupted action, and counting what the platform holds shows each
action happened once: one tenant, one live key (any other revoked and named in the
session), the lifecycle's two invoices, each transition applied once.

The session runs in a child process (crash_child.py) against a sandbox in this
process, so the platform's state outlives each kill."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from launch_tui.launch import flows, recovery
from launch_tui.launch.live import LiveLaunch
from launch_tui.results import ItemStatus
from launch_tui.sandbox import SandboxServer
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, read_session, session_files, verify_chain

from .platform_count import Holdings, assert_exactly_once, holdings

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]


def start_child(sandbox: SandboxServer, target: Path, folder: Path, **env_extra: str) -> subprocess.Popen:
    env = {**os.environ, **sandbox.credentials, "PYTHONPATH": str(ROOT), **env_extra}
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(target), str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )


def wait_ready(child: subprocess.Popen) -> None:
    line = child.stdout.readline()
    assert line.strip() == "ready", f"the child did not start: {line!r} {child.stderr.read()}"


def timed_run(sandbox, target, folder) -> float:
    """One uninterrupted run on a throwaway session: how long the script takes here."""
    child = start_child(sandbox, target, folder)
    wait_ready(child)
    started = time.monotonic()
    _out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    return time.monotonic() - started


def kill_at(child: subprocess.Popen, delay: float) -> bool:
    """Kill -9 after `delay` seconds; False if the child finished first."""
    wait_ready(child)
    try:
        child.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        return True
    finally:
        child.stdout.close()
        child.stderr.close()
    return False


def load_and_verify(path: Path) -> None:
    """What a crash may leave: complete sealed events and at most one cut-short tail."""
    loaded = read_session(path)
    if loaded.tail is not None:
        assert loaded.tail.seq == len(loaded.events) + 1
    verdict = verify_chain(loaded)
    assert verdict.intact, verdict.problem


async def recover(path: Path, sandbox: SandboxServer) -> list[str]:
    """Resume as an operator would (agreeing to drop a cut-short tail) and resolve every
    interrupted action by its first choice: adopt what the platform did, send it again
    with the same key, or revoke what cannot be adopted; then revoke any other live key
    the sweep names. Returns the findings, for the failure message."""
    live = LiveSession.resume(path, "recoverer", drop_cut_short=True)
    launch = LiveLaunch(live, Secrets(sandbox.credentials))
    findings = []
    try:
        for intent in list(launch.state.intents.values()):
            found = await recovery.assess(launch, intent)
            findings.append(f"{intent.action}: {found.finding}")
            await found.choices[0][1]()
        assert not launch.state.intents, findings
        swept = await recovery.sweep(launch)
        if swept is not None:
            findings.append(f"sweep: {swept.finding}")
            await swept.choices[0][1]()
    finally:
        launch.close()
    if os.environ.get("EXACTLY_ONCE_TALLY"):  # what each recovery found, for docs/reliability.md
        with open(os.environ["EXACTLY_ONCE_TALLY"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"recovered": [finding.split(":")[0] for finding in findings]}) + "\n")
    return findings


ACTION_ITEMS = (
    "onboarding.tenant",
    "onboarding.integration-key",
    "onboarding.detectors",
    "first-value.enqueue",
    "billing.invoice-generate",
    "billing.invoice-lifecycle",
)


def finish(sandbox: SandboxServer, target: Path, folder: Path, slug: str) -> Holdings:
    """The last run goes to the end: every action of the launch done, each once."""
    child = start_child(sandbox, target, folder)
    _out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    (path,) = session_files(folder)
    load_and_verify(path)
    held = assert_exactly_once(sandbox, path, slug, finished=True)
    with LiveSession.resume(path, "reviewer") as live:
        statuses = {item: live.state.item(item).status for item in ACTION_ITEMS}
        assert live.state.facts["key_id"] == held.live_keys[0]["id"]  # the session's key is the live one
        assert live.state.facts["tenant_id"] == held.tenants[0]["id"]
    assert all(status in (ItemStatus.PASS, ItemStatus.WARN) for status in statuses.values()), statuses
    return held


@pytest.fixture
def span(sandbox, tmp_path) -> float:
    """How long one uninterrupted run of the script takes here (kill moments spread over it)."""
    timing = sandbox.write_target(tmp_path / "timing.toml", tenant_slug="timing-run")
    return timed_run(sandbox, timing, tmp_path / "timing")


def crash_many(sandbox: SandboxServer, tmp_path: Path, span: float, kills: int, per_session: int, seed: int) -> None:
    """`kills` kills in all, `per_session` on each session (its own tenant), each at a
    random moment of a run (a resumed run skips what is done, so may finish first);
    after each, recovery and a count of what the platform holds; then each session
    runs to the end."""
    rng = random.Random(seed)
    for number in range(-(-kills // per_session)):
        slug = f"crash-{number}"
        target = sandbox.write_target(tmp_path / f"{slug}.toml", tenant_slug=slug)
        folder = tmp_path / slug
        for _ in range(min(per_session, kills - number * per_session)):
            kill_at(start_child(sandbox, target, folder), rng.uniform(0, span))
            (path,) = session_files(folder)
            load_and_verify(path)
            asyncio.run(recover(path, sandbox))
            load_and_verify(path)
            assert_exactly_once(sandbox, path, slug)
        finish(sandbox, target, folder, slug)


def test_kill_9_at_8_random_moments(sandbox, tmp_path, span):
    crash_many(sandbox, tmp_path, span, kills=8, per_session=8, seed=7)


@pytest.mark.soak
def test_kill_9_at_50_random_moments(sandbox, tmp_path, span):
    crash_many(sandbox, tmp_path, span, kills=50, per_session=5, seed=50)


# Every step of tenant, key, detectors, the replaced key's revocation, enqueue, and
# each invoice transition, in the order a launch reaches them.
EVERY_STEP = [
    "create_tenant",
    "issue_key",
    "set_detectors",
    "revoke_key",
    "enqueue_job",
    "generate_invoice",
    "invoice_issue",
    "invoice_mark_paid",
    "invoice_generate_for_cancel",
    "invoice_cancel",
]
EXPECTED = {
    "create_tenant": "the platform acted",
    "issue_key": "its secret is lost",
    "set_detectors": "the call was applied",
    "revoke_key": "is revoked",
    "enqueue_job": "cannot list jobs",
    "generate_invoice": "keeps its first answer",
    "invoice_issue": "issue was applied",
    "invoice_mark_paid": "mark-paid was applied",
    "invoice_generate_for_cancel": "keeps its first answer",
    "invoice_cancel": "cancel was applied",
}


def test_a_kill_at_every_step_between_the_platform_acting_and_the_outcome_is_recovered_once(sandbox, tmp_path):
    """One session: for each step in turn, kill -9 right after the platform acted on it
    and recover; count the platform's objects after each; then run to the end."""
    slug = "every-step"
    target = sandbox.write_target(tmp_path / "target.toml", tenant_slug=slug)
    folder = tmp_path / "sessions"
    for action in EVERY_STEP:
        child = start_child(sandbox, target, folder, CRASH_BEFORE_OUTCOME_OF=action)
        child.communicate(timeout=120)
        assert child.returncode == -signal.SIGKILL, action
        (path,) = session_files(folder)
        load_and_verify(path)
        found = asyncio.run(recover(path, sandbox))
        assert found and found[0].startswith(action) and EXPECTED[action] in found[0], found
        assert_exactly_once(sandbox, path, slug)
    held = finish(sandbox, target, folder, slug)
    # Every key but the customer's was revoked, and the session says so.
    assert len(held.keys) > 1 and len(held.live_keys) == 1


class Crash(Exception):
    """Stands for the process dying at this point."""


async def test_a_crash_right_after_revoking_a_lost_key_still_ends_with_one_live_key(sandbox, tmp_path, monkeypatch):
    from launch_tui.session import NewEvent
    from launch_tui.target import target_from_dict

    live = LiveSession.create(target_from_dict(sandbox.target_dict(tenant_slug="revoke-crash")), "alice", tmp_path)
    path = live.path
    launch = LiveLaunch(live, Secrets(sandbox.credentials))
    await flows.create_tenant(launch, await flows.create_tenant_step(launch))
    key = flows.new_idempotency_key()  # the key is issued; the process dies before its outcome is saved
    launch.record(
        NewEvent(
            kind=EventKind.ACTION_INTENT,
            item="onboarding.integration-key",
            data={"action": "issue_key", "idempotency_key": key},
        )
    )
    async with launch.context() as ctx:
        assert (await ctx.platform.issue_key(launch.facts.tenant_id, flows.key_label(launch), key)).ok
    launch.close()

    launch = LiveLaunch(LiveSession.resume(path, "alice"), Secrets(sandbox.credentials))
    (intent,) = launch.state.intents.values()
    found = await recovery.assess(launch, intent)
    assert found.choices[0][0].startswith("Revoke key_")

    def crash(*args, **kwargs):
        raise Crash()

    monkeypatch.setattr(recovery, "forget", crash)  # dies after the revoke, before the intent is closed
    with pytest.raises(Crash):
        await found.choices[0][1]()
    monkeypatch.undo()
    launch.close()

    launch = LiveLaunch(LiveSession.resume(path, "alice"), Secrets(sandbox.credentials))
    try:
        (intent,) = launch.state.intents.values()
        found = await recovery.assess(launch, intent)
        assert found.choices[0][0] == "Do it again (a new idempotency key)"  # the old key replays the revoked key
        await found.choices[0][1]()
        held = holdings(sandbox, "revoke-crash")
        assert [k["id"] for k in held.live_keys] == [launch.facts.key_id]  # the session's key is a live one
    finally:
        launch.close()
