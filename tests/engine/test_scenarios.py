"""The issue's "done": against the healthy sandbox every automated item passes; under each
fault scenario exactly the items it is named for fail (or warn, for degraded), and the
items that depend on them are skipped, not failed twice. Real HTTP on loopback."""

from __future__ import annotations

import pytest

from launch_tui.checklist import Kind, load_checklist
from launch_tui.engine.headless import run_check
from launch_tui.report.check_output import exit_code
from launch_tui.results import Status
from launch_tui.sandbox import BREAKS
from launch_tui.sandbox.scenarios import OUTCOMES, WARNS

from .helpers import onboard, secrets_of, target_of

AUTO = [item.id for item in load_checklist().items if item.kind is Kind.AUTO]
CHECKLIST = load_checklist()


def dependents(broken: set[str]) -> set[str]:
    """Items that (transitively) depend on a broken one."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for item in CHECKLIST.items:
            if item.id not in found and any(dep in broken | found for dep in item.depends_on):
                found.add(item.id)
                changed = True
    return found


async def test_healthy_sandbox_passes_every_automated_item(shared_sandbox):
    facts = await onboard(shared_sandbox)
    run = await run_check(target_of(shared_sandbox), secrets_of(shared_sandbox), None, facts)
    by_id = {result.id: result for result in run.results}
    assert {i: by_id[i].summary for i in AUTO if by_id[i].status is not Status.PASS} == {}
    assert exit_code(run) == 0
    # Everything a person must do shows manual; nothing is skipped when the facts are there.
    for item in CHECKLIST.items:
        if item.kind is not Kind.AUTO:
            assert by_id[item.id].status is Status.MANUAL, item.id


async def test_headless_without_facts_skips_the_wizard_items_and_still_exits_0(shared_sandbox):
    run = await run_check(target_of(shared_sandbox), secrets_of(shared_sandbox))
    by_id = {result.id: result.status for result in run.results}
    skipped = {i for i, status in by_id.items() if status is Status.SKIP}
    assert skipped == {
        "onboarding.status",
        "first-value.token",
        "first-value.poll",
        "first-value.results",
        "first-value.artifact",
    }
    assert exit_code(run) == 0


FAULTS = [name for name in BREAKS if name not in ("healthy", "slow")]


@pytest.mark.parametrize("scenario", FAULTS)
async def test_each_fault_breaks_exactly_its_items(scenario, make_sandbox):
    server = make_sandbox(scenario, job_seconds=0.3)
    facts = await onboard(server)
    run = await run_check(target_of(server), secrets_of(server), None, facts)
    broken = set(BREAKS[scenario])
    by_id = {result.id: result for result in run.results}
    not_passing = {i: (by_id[i].status.value, by_id[i].summary) for i in AUTO if by_id[i].status is not Status.PASS}
    warns = set(WARNS.get(scenario, ())) | (broken if scenario == "degraded" else set())
    assert {i for i, (status, _) in not_passing.items() if status != "skip"} == broken, not_passing
    for item_id in broken:
        expected_status = Status.WARN if item_id in warns else Status(OUTCOMES.get(scenario, "fail"))
        assert by_id[item_id].status is expected_status, (item_id, by_id[item_id].summary)
        assert len(by_id[item_id].summary) < 400 and "\n" not in by_id[item_id].summary
    assert {i for i, (status, _) in not_passing.items() if status == "skip"} <= dependents(broken), not_passing
    statuses = {Status.WARN if i in warns else Status(OUTCOMES.get(scenario, "fail")) for i in broken}
    expected_code = 1 if Status.ERROR in statuses else 3 if Status.FAIL in statuses else 4 if statuses else 0
    assert exit_code(run) == expected_code


async def test_slow_jobs_still_pass_within_the_poll_deadline(make_sandbox):
    server = make_sandbox("slow", job_seconds=0.3)
    facts = await onboard(server)
    run = await run_check(target_of(server), secrets_of(server), ["first-value"], facts)
    statuses = {result.id: result.status for result in run.results}
    assert statuses["first-value.poll"] is Status.PASS
    assert statuses["first-value.results"] is Status.PASS
    assert statuses["first-value.artifact"] is Status.PASS
