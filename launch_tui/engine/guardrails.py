"""Section 5, Operational Guardrails: branch protection (classic and rulesets together),
the FORCE-RLS check run and the nightly workflow, read from GitHub."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from launch_tui.clients.errors import BadReply
from launch_tui.clients.github import Protection, parse_latest_check_run, parse_protection, parse_rules, parse_workflow_run
from launch_tui.clients.text import clean
from launch_tui.clients.transport import Reply
from launch_tui.engine.base import Verdict, check, errored, failed, passed
from launch_tui.engine.context import RunContext
from launch_tui.timefmt import parse_iso

NEEDS_ADMIN = ("GITHUB_TOKEN may not read branch protection (HTTP 403); it needs admin read access "
               "(fine-grained token: Administration read; classic token: repo scope, as a repo admin)")


class NotProtected(Exception):
    """Neither classic protection nor any ruleset guards the branch."""


def _not_found(reply: Reply, what: str) -> BadReply:
    return BadReply(f"GitHub answered HTTP 404 for {what}; check github.repo and github.branch in the target, "
                    "and that GITHUB_TOKEN can see the repository", reply)


async def _protection(ctx: RunContext) -> Protection:
    """Classic protection and rulesets, read together, fetched once per batch."""
    async def fetch() -> Protection:
        gh = ctx.target.github
        classic, rules = await asyncio.gather(ctx.github.protection(gh.repo, gh.branch),
                                              ctx.github.rules(gh.repo, gh.branch))
        for reply in (classic, rules):
            if reply.status_code == 403:
                raise BadReply(NEEDS_ADMIN, reply)
            if reply.status_code == 401:
                raise BadReply("GitHub rejected GITHUB_TOKEN (HTTP 401); create a new token", reply)
        parts = []
        if classic.ok:
            parts.append(parse_protection(classic.json_object()))
        elif classic.status_code == 404:
            message = (classic.json_or_none() or {}).get("message", "") if isinstance(classic.json_or_none(), dict) else ""
            if "not protected" not in str(message).lower():
                raise _not_found(classic, f"{gh.repo} branch {gh.branch}")
        else:
            raise BadReply(f"GitHub answered HTTP {classic.status_code} for the branch protection", classic)
        if rules.ok:
            ruleset = parse_rules(rules.json())
            if ruleset.contexts or ruleset.approvals or ruleset.conversation_resolution or rules.json():
                parts.append(ruleset)
        elif rules.status_code != 404:
            raise BadReply(f"GitHub answered HTTP {rules.status_code} for the branch rulesets", rules)
        if not parts:
            raise NotProtected()
        merged = parts[0]
        for part in parts[1:]:
            merged = merged.merge(part)
        return merged

    return await ctx.shared("github.protection", fetch)


async def _effective_protection(ctx: RunContext) -> Protection:
    """What the branch enforces. An unprotected branch enforces nothing: no required checks,
    0 approvals, no conversation resolution; the policy checks judge that like any other."""
    try:
        return await _protection(ctx)
    except NotProtected:
        return Protection(sources=["no protection"])


def _sources(protection: Protection) -> str:
    return " and ".join(dict.fromkeys(protection.sources))


@check("guardrails.contract-gate")
async def contract_gate(ctx: RunContext) -> Verdict:
    gh = ctx.target.github
    try:
        protection = await _protection(ctx)
    except NotProtected:
        return failed(f"{gh.branch} of {gh.repo} has no branch protection and no rulesets, so nothing is "
                      f"required before merging; add a rule (Settings > Branches) requiring {gh.contract_check}")
    if gh.contract_check in protection.contexts:
        return passed(f"{gh.contract_check} is a required status check on {gh.branch} ({_sources(protection)})")
    required = ", ".join(sorted(clean(c, 40) for c in protection.contexts)) or "none"
    return failed(f"{gh.contract_check} is not a required status check on {gh.branch} (required now: {required}); "
                  "add it under Settings > Branches > Require status checks")


@check("guardrails.review-policy")
async def review_policy(ctx: RunContext) -> Verdict:
    protection = await _effective_protection(ctx)
    count, mode = protection.approvals, ctx.target.team_mode
    if mode == "solo":
        if count == 0:
            return passed(f"required approvals = 0, as a solo maintainer needs ({_sources(protection)})",
                          approvals=count)
        return failed(f"{count} approvals required, but team_mode is solo: a solo maintainer could never merge; "
                      "set required approvals to 0", approvals=count)
    if count >= 1:
        return passed(f"required approvals = {count} (multi-maintainer: at least 1)", approvals=count)
    return failed("no approvals required, but team_mode is multi; require at least 1 approving review",
                  approvals=count)


@check("guardrails.conversation-resolution")
async def conversation_resolution(ctx: RunContext) -> Verdict:
    protection = await _effective_protection(ctx)
    enabled, mode = protection.conversation_resolution, ctx.target.team_mode
    state = "enabled" if enabled else "disabled"
    if (mode == "multi") == enabled:
        return passed(f"conversation resolution is {state}, as {mode} mode needs", enabled=enabled)
    want = "enable" if mode == "multi" else "disable"
    return failed(f"conversation resolution is {state}, but team_mode is {mode}; {want} \"Require conversation "
                  "resolution before merging\"", enabled=enabled)


@check("guardrails.force-rls")
async def force_rls(ctx: RunContext) -> Verdict:
    gh = ctx.target.github
    reply = await ctx.github.check_runs(gh.repo, gh.branch, gh.force_rls_check)
    _require_ok(reply, f"the check runs of {gh.branch}")
    run = parse_latest_check_run(reply.json_object())
    if run is None:
        return failed(f"no run found of the check {gh.force_rls_check} on the head of {gh.branch}; run the staging "
                      "FORCE-RLS checks (or fix github.force_rls_check in the target)")
    if run.status and run.status != "completed":
        return errored(f"the latest {gh.force_rls_check} run is still {clean(run.status, 20)}; check again when it "
                       "finishes")
    if run.conclusion == "success":
        return passed(f"{gh.force_rls_check} succeeded on the head of {gh.branch}", run_id=run.id)
    return failed(f"the latest {gh.force_rls_check} run on {gh.branch} concluded {clean(run.conclusion, 20)}; "
                  "open it on GitHub and fix the failing RLS checks", run_id=run.id)


@check("guardrails.nightly")
async def nightly(ctx: RunContext) -> Verdict:
    gh = ctx.target.github
    reply = await ctx.github.latest_successful_run(gh.repo, gh.nightly_workflow, gh.branch)
    if reply.status_code == 404:
        raise BadReply(f"GitHub has no workflow {gh.nightly_workflow} in {gh.repo} (HTTP 404); check "
                       "github.nightly_workflow in the target", reply)
    _require_ok(reply, f"the runs of {gh.nightly_workflow}")
    run = parse_workflow_run(reply.json_object())
    limit = gh.nightly_max_age_hours
    if run is None or not run.finished_at:
        return failed(f"{gh.nightly_workflow} has no successful run on {gh.branch}; fix the nightly validation "
                      "and let it run")
    try:
        age = (datetime.now(timezone.utc) - parse_iso(run.finished_at)).total_seconds() / 3600
    except ValueError:
        return errored(f"the latest {gh.nightly_workflow} run has an unreadable time {clean(run.finished_at, 30)!r}")
    when = _age(age)
    if age <= limit:
        return passed(f"last successful {gh.nightly_workflow} run finished {when} ago (limit {limit} h)",
                      run_id=run.id, age_hours=int(age))
    return failed(f"last successful {gh.nightly_workflow} run finished {when} ago, more than {limit} h; find why "
                  "the nightly validation stopped succeeding", run_id=run.id, age_hours=int(age))


def _age(hours: float) -> str:
    if hours < 1:
        return f"{max(0, int(hours * 60))} min"
    if hours < 72:
        return f"{hours:.1f} h"
    return f"{hours / 24:.0f} days"


def _require_ok(reply: Reply, what: str) -> None:
    if reply.ok:
        return
    if reply.status_code == 401:
        raise BadReply("GitHub rejected GITHUB_TOKEN (HTTP 401); create a new token", reply)
    if reply.status_code == 403:
        raise BadReply(f"GITHUB_TOKEN may not read {what} (HTTP 403); give it Checks/Actions read access", reply)
    if reply.status_code == 404:
        raise _not_found(reply, what)
    raise BadReply(f"GitHub answered HTTP {reply.status_code} for {what}; try again later", reply)
