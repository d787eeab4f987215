"""The read-only checks of some sections, run without the TUI: what `launch-tui check`
(launch_tui/commands/check.py) reports. Never performs an action; imports no Textual."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from launch_tui.checklist import load_checklist
from launch_tui.clients.transport import HttpTransport, Policy
from launch_tui.engine.context import Facts, RunContext
from launch_tui.engine.registry import Plan, plan
from launch_tui.engine.runner import run_items
from launch_tui.errors import UsageError
from launch_tui.report.check_output import CheckRun
from launch_tui.results import CheckResult, Status
from launch_tui.secrets import Secrets
from launch_tui.target import Target
from launch_tui.timefmt import now_iso


def section_items(sections: list[str] | None) -> list[str]:
    """The item ids of the chosen sections (all when None), checklist order; UsageError if unknown."""
    checklist = load_checklist()
    known = [section.id for section in checklist.sections]
    chosen = list(dict.fromkeys(sections or known))
    for section in chosen:
        if section not in known:
            raise UsageError(f"unknown section {section!r}; choose from: {', '.join(known)}")
    return [item.id for item in checklist.items if item.section_id in chosen]


async def run_check(
    target: Target,
    secrets: Secrets,
    sections: list[str] | None = None,
    facts: Facts | dict[str, Any] | None = None,
    *,
    policy: Policy = Policy(),
    on_result: Callable[..., Any] | None = None,
    http_transport: HttpTransport | None = None,
    strict: bool = False,
) -> CheckRun:
    item_ids = section_items(sections)
    checklist = load_checklist()
    if isinstance(facts, dict):  # as a session stores them
        facts = Facts.from_dict(facts)
    started = now_iso()
    async with RunContext(target, secrets, facts, policy=policy, http_transport=http_transport) as ctx:
        results = await run_items(ctx, item_ids, on_result=on_result)
    if strict:
        results = strict_results(results, plan(target, secrets, facts, checklist))
    return CheckRun(target, started, now_iso(), [(checklist.by_id[r.id], r) for r in results])


def strict_results(results: list[CheckResult], plans: dict[str, Plan]) -> list[CheckResult]:
    """`--strict`: an item that would be automated but fell back to a person because a
    credential is not set is an error, so a CI job missing RENDER_API_KEY is red, not green.
    (A target that does not configure Render at all is a choice, and stays manual.)"""
    strict = []
    for result in results:
        item_plan = plans.get(result.id)
        if result.status is Status.MANUAL and item_plan and item_plan.mode == "manual" and item_plan.needs:
            result = result.model_copy(
                update={
                    "status": Status.ERROR,
                    "summary": f"--strict: {', '.join(item_plan.needs)} not set; {result.summary}",
                }
            )
        strict.append(result)
    return strict
