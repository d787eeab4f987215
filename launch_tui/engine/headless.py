"""`launch-tui check` without the TUI: run the read-only checks of some sections and
report them. Never performs an action; imports no Textual."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from launch_tui.checklist import load_checklist
from launch_tui.clients.transport import Policy
from launch_tui.engine.context import Facts, RunContext
from launch_tui.engine.registry import Plan, plan
from launch_tui.engine.runner import run_items
from launch_tui.errors import UsageError
from launch_tui.files import write_private
from launch_tui.report.check_output import FORMATS, CheckRun, exit_code, render_check
from launch_tui.results import CheckResult, Status
from launch_tui.secrets import Secrets
from launch_tui.target import Target, load_target
from launch_tui.terminal import color_wanted
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
    http_transport: httpx.AsyncBaseTransport | None = None,
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


def check_command(
    target_path_or_target: str | Path | Target,
    sections: list[str] | None = None,
    fmt: str = "text",
    output: str | Path | None = None,
    facts: Facts | dict[str, Any] | None = None,
    *,
    secrets: Secrets | None = None,
    color: bool | None = None,
    strict: bool = False,
    trust_target: bool = False,
) -> int:
    """The whole `check` command: returns its exit code. Raises UsageError (exit 2) for a bad
    target, section, format or output path, before any request is sent."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    target = target_path_or_target if isinstance(target_path_or_target, Target) else load_target(target_path_or_target)
    section_items(sections)  # validate before touching the network
    if trust_target:  # `check --target FILE`: the operator's own file names where their credentials go
        from launch_tui.trust import announce

        announce(target, f"target file {target_path_or_target}")
    out_path = Path(output) if output else None
    if out_path is not None and not out_path.parent.is_dir():
        raise UsageError(f"{out_path}: its folder does not exist")
    if color is None:
        color = fmt == "text" and out_path is None and color_wanted("auto", sys.stdout)
    run = asyncio.run(run_check(target, secrets or Secrets.from_env(), sections, facts, strict=strict))
    text = render_check(run, fmt, color)  # type: ignore[arg-type]
    if out_path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_private(out_path, text, replace=True)
    return exit_code(run)
