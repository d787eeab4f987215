"""What GitHub enforces on the target's branch, read with as little privilege as works,
and what could not be seen (with the permission that would show it).

- `GET /branches/{b}` (any read access): `protected` (classic protection *or* active
  rulesets) and the summary of classic protection (`enabled`, its required checks).
- `GET /rules/branches/{b}` (any read access): the rules of *active* rulesets; rulesets
  in `evaluate` or `disabled` enforcement are not returned, since they do not enforce.
- `GET /rulesets`: every ruleset with its enforcement, to name the ones that do not enforce.
- `GET /branches/{b}/protection` (admin only): classic reviews and conversation settings.
  A fine-grained token without Administration read gets 403; a classic token of a
  non-admin gets 404 `Not Found`, which is not `Branch not protected`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from launch_tui.clients.errors import BadReply
from launch_tui.clients.github import (
    Listing,
    Protection,
    RulesetInfo,
    github_error,
    missing_permissions,
    parse_branch,
    parse_protection,
    parse_rules,
    parse_rulesets,
)
from launch_tui.clients.transport import Reply
from launch_tui.engine.context import RunContext

NOT_ENFORCING = ("evaluate", "disabled")


class NotProtected(Exception):
    """Neither classic protection nor any active ruleset guards the branch."""

    def __init__(self, inactive: list[RulesetInfo]) -> None:
        super().__init__("not protected")
        self.inactive = inactive


@dataclass
class BranchRules:
    protection: Protection  # what is known to be enforced
    classic_hidden: str | None = None  # why classic reviews/conversation settings are unknown
    inactive: list[RulesetInfo] = field(default_factory=list)  # rulesets that do not enforce


def token_rejected(reply: Reply) -> BadReply:
    return BadReply(f"GitHub rejected GITHUB_TOKEN ({github_error(reply)}); create a new token", reply)


def not_visible(ctx: RunContext, reply: Reply) -> BadReply:
    """A 404 for the repository or branch itself."""
    gh = ctx.target.github
    assert gh is not None
    message = github_error(reply)
    if "branch not found" in message.lower():
        return BadReply(f"{gh.repo} has no branch {gh.branch} ({message}); fix github.branch in the target", reply)
    return BadReply(
        f"GitHub cannot show {gh.repo} to GITHUB_TOKEN ({message}): the repository does not exist or "
        "the token has no access to it (a fine-grained token must list it under Repository access); "
        "fix github.repo or the token",
        reply,
    )


def forbidden(ctx: RunContext, reply: Reply, what: str, permission: str) -> str:
    """Why `what` cannot be read with this token, naming the permission it lacks."""
    lacking = missing_permissions(reply) or permission
    kind = ctx.github.token_kind if ctx.github else "other"
    who = "a fine-grained token" if kind == "fine-grained" else "a token"
    return f"GITHUB_TOKEN ({who}) may not read {what} ({github_error(reply)}): it lacks {lacking}"


def _hidden_classic(ctx: RunContext, reply: Reply) -> str:
    """Cause and fix, when classic protection's review settings cannot be read."""
    gh = ctx.target.github
    assert gh is not None
    answer = f"GitHub answered {github_error(reply)} for the classic protection of {gh.branch}"
    if reply.status_code == 403:
        lacking = missing_permissions(reply) or "Administration: read"
        return f"{answer}: GITHUB_TOKEN, a fine-grained token, lacks {lacking}; grant it that permission"
    return (
        f"{answer}, as it does when the token's user is not a repository admin; use a classic token (repo "
        "scope) of an admin, or a fine-grained token with Administration: read"
    )


async def _inactive_rulesets(ctx: RunContext, listing: Listing) -> list[RulesetInfo]:
    if listing.failed is not None:
        return []  # naming them is a courtesy; the rules endpoint already holds the verdict
    return [r for r in parse_rulesets(listing.items) if r.enforcement in NOT_ENFORCING]


async def read_branch_rules(ctx: RunContext) -> BranchRules:
    """Fetched once per batch and shared by the section 5 checks."""

    async def fetch() -> BranchRules:
        gh, client = ctx.target.github, ctx.github
        assert gh is not None and client is not None
        branch_reply, rules, rulesets = await asyncio.gather(
            client.branch(gh.repo, gh.branch), client.rules(gh.repo, gh.branch), client.rulesets(gh.repo)
        )
        for reply in (branch_reply, rules.failed):
            if reply is not None and reply.status_code == 401:
                raise token_rejected(reply)
        if branch_reply.status_code == 404:
            raise not_visible(ctx, branch_reply)
        if not branch_reply.ok:
            raise BadReply(
                f"GitHub answered {github_error(branch_reply)} for branch {gh.branch}; try again later", branch_reply
            )
        if rules.failed is not None:
            raise BadReply(
                f"GitHub answered {github_error(rules.failed)} for the rules of {gh.branch}; try again later",
                rules.failed,
            )
        branch = parse_branch(branch_reply.json_object())
        active = parse_rules(rules.items)
        inactive = await _inactive_rulesets(ctx, rulesets)
        parts: list[Protection] = [active] if rules.items else []
        hidden: str | None = None
        if branch.protected and branch.classic_enabled is not False:
            classic = await client.protection(gh.repo, gh.branch)
            if classic.ok:
                parts.append(parse_protection(classic.json_object()))
            elif classic.status_code == 401:
                raise token_rejected(classic)
            elif classic.status_code == 404 and "not protected" in github_error(classic).lower():
                pass  # guarded by rulesets only
            elif classic.status_code in (403, 404):
                hidden = _hidden_classic(ctx, classic)
                # The summary anyone may read still names classic protection's required checks.
                parts.append(Protection(contexts=branch.classic_contexts, sources=["branch protection summary"]))
            else:
                raise BadReply(
                    f"GitHub answered {github_error(classic)} for the branch protection of "
                    f"{gh.branch}; try again later",
                    classic,
                )
        if not parts:
            raise NotProtected(inactive)
        merged = parts[0]
        for part in parts[1:]:
            merged = merged.merge(part)
        return BranchRules(merged, hidden, inactive)

    return await ctx.shared("github.branch-rules", fetch)  # type: ignore[no-any-return]


async def inactive_requiring(ctx: RunContext, inactive: list[RulesetInfo], check: str) -> list[RulesetInfo]:
    """The non-enforcing rulesets that would require `check` if they were active."""
    gh, client = ctx.target.github, ctx.github
    assert gh is not None and client is not None
    found = []
    for info in inactive[:5]:
        reply = await client.ruleset(gh.repo, info.id)
        if not reply.ok:
            continue
        rules = parse_rules(reply.json_object().get("rules"))
        if check in rules.contexts or any(requires_workflow(path, check) for path in rules.workflows):
            found.append(info)
    return found


def requires_workflow(path: str, check: str) -> bool:
    """A `workflows` rule naming `.github/workflows/<check>.yml` requires that check."""
    name = path.rsplit("/", 1)[-1]
    return name in (f"{check}.yml", f"{check}.yaml")
