"""Kill -9 a scripted session at random moments: every file then loads (dropping at
most a cut-short last event), verifies and resumes, crash recovery resolves every
interrupted action, and the platform shows no duplicated tenant, key or invoice.

The session runs in a child process (crash_child.py) against a sandbox in this
process, so the platform's state outlives each kill."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from launch_tui.results import ItemStatus
from launch_tui.sandbox import SandboxServer
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, read_session, session_files, verify_chain
from launch_tui.wizard import flows, recovery
from launch_tui.wizard.wizard import Wizard

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sandbox():
    with SandboxServer(job_seconds=0.2) as server:
        yield server


def start_child(sandbox: SandboxServer, target: Path, folder: Path, **env_extra: str) -> subprocess.Popen:
    env = {**os.environ, **sandbox.credentials, "PYTHONPATH": str(ROOT), **env_extra}
    return subprocess.Popen([sys.executable, str(CHILD), str(target), str(folder)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)


def wait_ready(child: subprocess.Popen) -> None:
    line = child.stdout.readline()
    assert line.strip() == "ready", f"the child did not start: {line!r} {child.stderr.read()}"


def timed_run(sandbox, target, folder) -> float:
    """One uninterrupted run on a throwaway session: how long the script takes here."""
    child = start_child(sandbox, target, folder)
    wait_ready(child)
    started = time.monotonic()
    out, err = child.communicate(timeout=120)
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
    interrupted action by its first choice: adopt, create/issue with the same key,
    revoke, or send again with the same key. Returns the findings, for the failure message."""
    live = LiveSession.resume(path, "recoverer", drop_cut_short=True)
    wizard = Wizard(live, Secrets(sandbox.credentials))
    findings = []
    try:
        for intent in list(wizard.state.intents.values()):
            found = await recovery.assess(wizard, intent)
            findings.append(f"{intent.action}: {found.finding}")
            await found.choices[0][1]()
        assert not wizard.state.intents, findings
    finally:
        wizard.close()
    return findings


def platform_rows(sandbox: SandboxServer, slug: str):
    """(the tenants with this slug, their live keys, their invoices)."""
    store = sandbox.state
    tenants = [t for t in store.tenants.values() if t.slug == slug]
    ids = {t.id for t in tenants}
    live_keys = [k for k in store.keys.values() if k.tenant_id in ids and k.revoked_at is None]
    invoices = [inv for inv in store.invoices.values() if inv.tenant_id in ids]
    return tenants, live_keys, invoices


def generate_intents(path: Path) -> set[str]:
    """The idempotency keys of every invoice generation the session recorded an intent for."""
    return {event.data["idempotency_key"] for event in read_session(path).events
            if event.kind is EventKind.ACTION_INTENT
            and event.data.get("action") in ("generate_invoice", "invoice_generate_for_cancel")}


def assert_no_duplicates(sandbox: SandboxServer, path: Path, slug: str) -> None:
    tenants, live_keys, invoices = platform_rows(sandbox, slug)
    assert len(tenants) <= 1, tenants
    labels = Counter(key.label for key in live_keys)
    assert all(count == 1 for count in labels.values()), labels
    # No generation made two invoices: at most one per recorded intent (idempotency key).
    # (Whether the lifecycle makes more invoices than it needs is test_lifecycle_... below.)
    assert len(invoices) <= len(generate_intents(path)), invoices


def finish(sandbox: SandboxServer, target: Path, folder: Path, slug: str) -> None:
    """The last run goes to the end: every action of the launch done, each once."""
    child = start_child(sandbox, target, folder)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    (path,) = session_files(folder)
    load_and_verify(path)
    assert_no_duplicates(sandbox, path, slug)
    with LiveSession.resume(path, "reviewer") as live:
        statuses = {item: live.state.item(item).status for item in ACTION_ITEMS}
    assert all(status in (ItemStatus.PASS, ItemStatus.WARN) for status in statuses.values()), statuses


# billing.invoice-lifecycle is left out: after a crash inside it, a rerun cannot finish
# (the wizard bug that test_a_crash_inside_the_invoice_lifecycle_* below pins down).
ACTION_ITEMS = ("onboarding.tenant", "onboarding.integration-key", "onboarding.detectors", "billing.invoice-generate")


@pytest.fixture
def span(sandbox, tmp_path) -> float:
    """How long one uninterrupted run of the script takes here (kill moments spread over it)."""
    timing = sandbox.write_target(tmp_path / "timing.toml", tenant_slug="timing-run")
    return timed_run(sandbox, timing, tmp_path / "timing")


def crash_many(sandbox: SandboxServer, tmp_path: Path, span: float, kills: int, per_session: int, seed: int) -> None:
    """`kills` kills in all, `per_session` on each session (its own tenant), each at a
    random moment of a run (a resumed run skips what is done, so may finish first);
    then each session runs to the end."""
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
            assert_no_duplicates(sandbox, path, slug)
        finish(sandbox, target, folder, slug)


def test_kill_9_at_8_random_moments(sandbox, tmp_path, span):
    crash_many(sandbox, tmp_path, span, kills=8, per_session=8, seed=7)


@pytest.mark.soak
def test_kill_9_at_50_random_moments(sandbox, tmp_path, span):
    crash_many(sandbox, tmp_path, span, kills=50, per_session=5, seed=50)


def crash_before_outcomes(sandbox: SandboxServer, tmp_path: Path, actions: list[str]) -> tuple[Path, str, list[str]]:
    """One session: for each action in turn, crash right after the platform acted on it
    and recover; then run to the end."""
    slug = f"once-{actions[0].replace('_', '-')}"
    target = sandbox.write_target(tmp_path / "target.toml", tenant_slug=slug)
    folder = tmp_path / "sessions"
    findings = []
    for action in actions:
        child = start_child(sandbox, target, folder, CRASH_BEFORE_OUTCOME_OF=action)
        child.communicate(timeout=120)
        assert child.returncode == -signal.SIGKILL
        (path,) = session_files(folder)
        load_and_verify(path)
        found = asyncio.run(recover(path, sandbox))
        assert len(found) == 1 and found[0].startswith(action), found
        findings += found
    finish(sandbox, target, folder, slug)
    return path, slug, findings


def test_a_crash_between_each_call_and_its_outcome_is_recovered_once(sandbox, tmp_path):
    actions = ["create_tenant", "issue_key", "set_detectors", "generate_invoice"]
    path, slug, findings = crash_before_outcomes(sandbox, tmp_path, actions)
    expected = ["most likely the call succeeded before the crash", "was issued before the crash; its secret is lost",
                "repeated idempotency key", "repeated idempotency key"]
    for finding, words in zip(findings, expected):
        assert words in finding
    tenants, live_keys, invoices = platform_rows(sandbox, slug)
    assert len(tenants) == 1 and len(live_keys) == 1, (tenants, live_keys)
    assert len(invoices) == 2, invoices  # the generated one (replayed, not made again) and the lifecycle's second


@pytest.mark.parametrize("action", ["invoice_issue", "invoice_generate_for_cancel"])
def test_a_crash_inside_the_invoice_lifecycle_is_recovered_once(sandbox, tmp_path, action):
    path, slug, findings = crash_before_outcomes(sandbox, tmp_path, [action])
    tenants, live_keys, invoices = platform_rows(sandbox, slug)
    with LiveSession.resume(path, "reviewer") as live:
        assert live.state.item("billing.invoice-lifecycle").status is ItemStatus.PASS
    assert sorted(inv.status for inv in invoices) == ["cancelled", "paid"], [(i.id, i.status) for i in invoices]


class Crash(Exception):
    """Stands for the process dying at this point."""


async def test_a_crash_right_after_revoking_a_lost_key_still_ends_with_one_live_key(sandbox, tmp_path, monkeypatch):
    from launch_tui.session import NewEvent
    from launch_tui.target import target_from_dict

    live = LiveSession.create(target_from_dict(sandbox.target_dict(tenant_slug="revoke-crash")), "alice", tmp_path)
    path = live.path
    wizard = Wizard(live, Secrets(sandbox.credentials))
    await flows.create_tenant(wizard, await flows.create_tenant_step(wizard))
    key = flows.new_idempotency_key()  # the key is issued; the process dies before its outcome is saved
    wizard.record(NewEvent(kind=EventKind.ACTION_INTENT, item="onboarding.integration-key",
                           data={"action": "issue_key", "idempotency_key": key}))
    async with wizard.context() as ctx:
        assert (await ctx.platform.issue_key(wizard.facts.tenant_id, flows.key_label(wizard), key)).ok
    wizard.close()

    wizard = Wizard(LiveSession.resume(path, "alice"), Secrets(sandbox.credentials))
    (intent,) = wizard.state.intents.values()
    found = await recovery.assess(wizard, intent)
    assert found.choices[0][0].startswith("Revoke it")

    def crash(*args, **kwargs):
        raise Crash()

    monkeypatch.setattr(recovery, "forget", crash)  # dies after the revoke, before the intent is closed
    with pytest.raises(Crash):
        await found.choices[0][1]()
    monkeypatch.undo()
    wizard.close()

    wizard = Wizard(LiveSession.resume(path, "alice"), Secrets(sandbox.credentials))
    try:
        (intent,) = wizard.state.intents.values()
        found = await recovery.assess(wizard, intent)
        assert found.choices[0][0] == "Issue a new key"  # a fresh idempotency key: the old one replays the revoked key
        await found.choices[0][1]()
        tenants, live_keys, invoices = platform_rows(sandbox, "revoke-crash")
        assert [k.id for k in live_keys] == [wizard.facts.key_id]  # the session's key is a live one
    finally:
        wizard.close()
