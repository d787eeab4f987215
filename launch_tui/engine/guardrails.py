"""Section 5, Operational Guardrails: branch protection (classic and rulesets together,
branch_rules.py), the FORCE-RLS result (a check run or a commit status) and the nightly
workflow, read from GitHub. Each verdict that cannot be known says which permission the
token lacks, never "check the target"."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from launch_tui.clients.errors import BadReply
from launch_tui.clients.github import (
    Listing,
    Protection,
    RulesetInfo,
    Run,
    first_success,
    github_error,
    parse_check_runs,
    parse_statuses,
    parse_workflow_runs,
)
from launch_tui.clients.text import clean
from launch_tui.engine.base import Verdict, check, errored, failed, passed, warned
from launch_tui.engine.branch_rules import (
    NotProtected,
    forbidden,
    inactive_requiring,
    not_visible,
    read_branch_rules,
    requires_workflow,
    token_rejected,
)
from launch_tui.engine.context import RunContext
from launch_tui.timefmt import parse_iso

_NOT_ENFORCED = "evaluate and disabled rulesets do not enforce (GitHub's rules endpoint returns active rules only)"


def _sources(protection: Protection) -> str:
    return " and ".join(dict.fromkeys(protection.sources))


def _names(rulesets: list[RulesetInfo]) -> str:
    return ", ".join(f"'{r.name}' ({r.enforcement})" for r in rulesets)


async def _protection_or_none(ctx: RunContext) -> tuple[Protection, str | None]:
    """What the branch enforces, and why classic settings are unknown (if they are). An
    unprotected branch enforces nothing: 0 approvals, no resolution, judged like any other."""
    try:
        found = await read_branch_rules(ctx)
    except NotProtected:
        return Protection(sources=["no protection"]), None
    return found.protection, found.classic_hidden


@check("guardrails.contract-gate")
async def contract_gate(ctx: RunContext) -> Verdict:
    gh = ctx.target.github
    assert gh is not None
    wanted = gh.contract_check
    try:
        found = await read_branch_rules(ctx)
    except NotProtected as exc:
        trial = await inactive_requiring(ctx, exc.inactive, wanted)
        why = f" (ruleset {_names(trial)} would require it, but {_NOT_ENFORCED})" if trial else ""
        return failed(
            f"{gh.branch} of {gh.repo} has no branch protection and no active rulesets, so nothing is "
            f"required before merging{why}; add a rule requiring {wanted} (Settings > Rules > Rulesets, "
            "enforcement Active)"
        )
    protection = found.protection
    how = None
    if wanted in protection.contexts:
        how = f"a required status check ({_sources(protection)})"
    elif workflow := next((p for p in sorted(protection.workflows) if requires_workflow(p, wanted)), None):
        how = f"a required workflow of a ruleset ({clean(workflow, 80)})"
    if how and protection.merge_queue:
        return warned(
            f"{wanted} is {how} on {gh.branch}, and {gh.branch} merges through a merge queue: the "
            f"workflow behind {wanted} must also run on merge_group events, or queued pull requests "
            "wait for it and are removed; make sure its `on:` lists merge_group"
        )
    if how:
        return passed(f"{wanted} is {how} on {gh.branch}")
    required = ", ".join(sorted(clean(c, 40) for c in protection.contexts)) or "none"
    trial = await inactive_requiring(ctx, found.inactive, wanted)
    if trial:
        return failed(
            f"{wanted} is required only by ruleset {_names(trial)}, and {_NOT_ENFORCED}; set that "
            "ruleset's enforcement to Active (Settings > Rules > Rulesets)"
        )
    return failed(
        f"{wanted} is not a required status check on {gh.branch} (required now: {required}); "
        "require it in a ruleset (Settings > Rules > Rulesets) or under Settings > Branches"
    )


@check("guardrails.review-policy")
async def review_policy(ctx: RunContext) -> Verdict:
    protection, hidden = await _protection_or_none(ctx)
    count, mode = protection.approvals, ctx.target.team_mode
    if mode == "solo":
        if count > 0:
            return failed(
                f"{count} approvals required ({_sources(protection)}), but team_mode is solo: a solo "
                "maintainer could never merge; set required approvals to 0",
                approvals=count,
            )
        if hidden:
            return errored(f"required approvals cannot be known: {hidden}")
        if protection.solo_blockers:
            return warned(
                f"required approvals = 0, but a solo maintainer still cannot merge alone: "
                f"{'; '.join(protection.solo_blockers)}; turn these off or add a second maintainer",
                approvals=count,
            )
        return passed(f"required approvals = 0, as a solo maintainer needs ({_sources(protection)})", approvals=count)
    if count >= 1:
        return passed(f"required approvals = {count} (multi-maintainer: at least 1)", approvals=count)
    if hidden:
        return errored(f"required approvals cannot be known: {hidden}")
    return failed("no approvals required, but team_mode is multi; require at least 1 approving review", approvals=count)


@check("guardrails.conversation-resolution")
async def conversation_resolution(ctx: RunContext) -> Verdict:
    protection, hidden = await _protection_or_none(ctx)
    enabled, mode = protection.conversation_resolution, ctx.target.team_mode
    state = "enabled" if enabled else "disabled"
    if hidden and not enabled:
        return errored(f"conversation resolution cannot be known: {hidden}")
    if (mode == "multi") == enabled:
        return passed(f"conversation resolution is {state}, as {mode} mode needs", enabled=enabled)
    want = "enable" if mode == "multi" else "disable"
    return failed(
        f'conversation resolution is {state}, but team_mode is {mode}; {want} "Require conversation '
        'resolution before merging"',
        enabled=enabled,
    )


def _readable(ctx: RunContext, listing: Listing, what: str, permission: str) -> str | None:
    """None if the list was read; otherwise why not (a 403: the permission it lacks)."""
    reply = listing.failed
    if reply is None:
        return None if listing.complete else f"the {what} run past {len(listing.replies)} pages and were not all read"
    if reply.status_code == 401:
        raise token_rejected(reply)
    if reply.status_code == 403:
        return forbidden(ctx, reply, what, permission)
    if reply.status_code == 404:
        raise not_visible(ctx, reply)
    gh = ctx.target.github
    assert gh is not None
    if reply.status_code == 422:
        raise BadReply(f"GitHub finds no commit for {gh.branch} ({github_error(reply)}); fix github.branch", reply)
    raise BadReply(f"GitHub answered {github_error(reply)} for {what}; try again later", reply)


@check("guardrails.force-rls")
async def force_rls(ctx: RunContext) -> Verdict:
    gh, client = ctx.target.github, ctx.github
    assert gh is not None and client is not None
    name = gh.force_rls_check
    runs, statuses = await asyncio.gather(
        client.check_runs(gh.repo, gh.branch, name), client.combined_status(gh.repo, gh.branch)
    )
    unread = [
        why
        for why in (
            _readable(ctx, runs, "check runs", "Checks: read"),
            _readable(ctx, statuses, "commit statuses", "Commit statuses: read"),
        )
        if why
    ]
    found = parse_check_runs(runs.items, name) + parse_statuses(statuses.items, name)
    if not found:
        if unread:
            return errored(
                f"no result of {name} found, and {'; '.join(unread)}; grant that permission so a "
                f"{name} result can be seen"
            )
        return failed(
            f"no run found of {name} (no check run or commit status by that name) on the head of "
            f"{gh.branch}; run the staging "
            "FORCE-RLS checks (or fix github.force_rls_check in the target)"
        )
    run = max(found, key=lambda r: r.finished_at or "")
    note = f" ({'; '.join(unread)})" if unread else ""
    if run.status and run.status != "completed":
        return errored(
            f"the latest {name} {run.kind} is still {clean(run.status, 20)}; check again when it finishes{note}"
        )
    if run.conclusion == "success":
        return passed(f"{name} succeeded on the head of {gh.branch} ({run.kind}){note}", run_id=run.id)
    return failed(
        f"the latest {name} {run.kind} on {gh.branch} concluded {clean(run.conclusion, 20)}; "
        f"open it on GitHub and fix the failing RLS checks{note}",
        run_id=run.id,
    )


@check("guardrails.nightly")
async def nightly(ctx: RunContext) -> Verdict:
    gh, client = ctx.target.github, ctx.github
    assert gh is not None and client is not None
    listing = await client.successful_runs(gh.repo, gh.nightly_workflow, gh.branch)
    if listing.failed is not None and listing.failed.status_code == 404 and not listing.items:
        raise BadReply(
            f"GitHub has no workflow {gh.nightly_workflow} in {gh.repo} "
            f"({github_error(listing.failed)}); check github.nightly_workflow in the target",
            listing.failed,
        )
    unread = _readable(ctx, listing, "workflow runs", "Actions: read")
    if unread:
        return errored(f"{unread}; grant it to see the {gh.nightly_workflow} runs")
    run = first_success(parse_workflow_runs(listing.items))
    limit = gh.nightly_max_age_hours
    if run is None or not run.finished_at:
        return failed(
            f"{gh.nightly_workflow} has no successful run on {gh.branch}; fix the nightly validation and let it run"
        )
    return _judge_age(gh.nightly_workflow, run, limit)


def _judge_age(workflow: str, run: Run, limit: int) -> Verdict:
    assert run.finished_at is not None
    try:
        age = (datetime.now(UTC) - parse_iso(run.finished_at)).total_seconds() / 3600
    except ValueError:
        return errored(f"the latest {workflow} run has an unreadable time {clean(run.finished_at, 30)!r}")
    when = _age(age)
    if age <= limit:
        return passed(
            f"last successful {workflow} run finished {when} ago (limit {limit} h)", run_id=run.id, age_hours=int(age)
        )
    return failed(
        f"last successful {workflow} run finished {when} ago, more than {limit} h; find why "
        "the nightly validation stopped succeeding",
        run_id=run.id,
        age_hours=int(age),
    )


def _age(hours: float) -> str:
    if hours < 1:
        return f"{max(0, int(hours * 60))} min"
    if hours < 72:
        return f"{hours:.1f} h"
    return f"{hours / 24:.0f} days"
