"""GitHub's REST API, as GitHub publishes it (tests/contracts/github/ holds the schemas and
examples this is tested against): the branch and its protection summary, classic branch
protection, the rules and rulesets, workflow runs, check runs and commit statuses.

Lists follow GitHub's `Link` header (`rel="next"`; the pages up to `rel="last"` side by side
when it numbers them), on the same origin only; errors are
read in GitHub's shape, `{message, documentation_url, status}`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from launch_tui.clients.errors import BadReply, RateLimited
from launch_tui.clients.links import parse_links, same_origin
from launch_tui.clients.text import clean
from launch_tui.clients.transport import Reply, Transport

MAX_PAGES = 30  # 3000 items at GitHub's 100 per page: far beyond any real branch's rules or statuses
# Fine-grained permission names as GitHub's settings page shows them.
PERMISSION_NAMES = {
    "administration": "Administration",
    "metadata": "Metadata",
    "contents": "Contents",
    "actions": "Actions",
    "checks": "Checks",
    "statuses": "Commit statuses",
}


def token_kind(token: str) -> str:
    """ "fine-grained", "classic" or "other" (app and OAuth tokens), from GitHub's prefixes."""
    if token.startswith("github_pat_"):
        return "fine-grained"
    if token.startswith("ghp_"):
        return "classic"
    return "other"


@dataclass
class Listing:
    """Every page of a list (up to MAX_PAGES), or the reply that stopped it."""

    items: list[Any] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    failed: Reply | None = None  # a non-2xx page: the caller judges its status
    complete: bool = True  # False when MAX_PAGES was reached with more to come


class GitHubClient:
    def __init__(self, transport: Transport, base_url: str, token: str) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.token_kind = token_kind(token)
        self._headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }

    async def _request(self, url: str, params: dict[str, Any] | None) -> Reply:
        try:
            return await self.transport.request("GET", url, headers=self._headers, params=params)
        except RateLimited as exc:
            # A 403 with x-ratelimit-remaining: 0 is GitHub's primary rate limit, not a permission.
            raise RateLimited(
                f"GitHub's rate limit for GITHUB_TOKEN is used up: {exc}; or use another token", exc.evidence
            ) from None

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> Reply:
        return await self._request(self.base_url + path, params)

    async def _pages(self, path: str, params: dict[str, Any], key: str | None = None) -> Listing:
        """GET a list and its next pages. `key`: the list's field in an object body
        (`check_runs`, `statuses`...); None for a bare JSON array. When the first page's
        `Link` numbers the pages (`next` and `last` differ only in `page`), the rest are
        fetched side by side; otherwise each `next` is followed in turn."""
        listing = Listing()
        reply = await self._request(self.base_url + path, dict(params))
        following = self._take(listing, reply, key, path)
        if following is None:
            return listing
        last = parse_links(reply.headers.get("link")).get("last")
        numbered = numbered_pages(following, last, self.base_url, MAX_PAGES - 1)
        if numbered is not None:
            wanted = numbered[: MAX_PAGES - 1]
            for page in await asyncio.gather(*(self._request(url, {}) for url in wanted)):
                if self._take(listing, page, key, path, numbered=True) is False:
                    return listing
            listing.complete = len(wanted) == len(numbered)
            return listing
        for _ in range(MAX_PAGES - 1):
            reply = await self._request(following, {})
            following = self._take(listing, reply, key, path)
            if following is None:
                return listing
        listing.complete = False
        return listing

    def _take(self, listing: Listing, reply: Reply, key: str | None, path: str, *, numbered: bool = False) -> Any:
        """Add a page to `listing`: the URL of the next page (checked to stay on the API), or
        None at the end or at a failed page (False for a failed page when pages are numbered)."""
        listing.replies.append(reply)
        if not reply.ok:
            listing.failed = reply
            return False if numbered else None
        body = reply.json() if key is None else reply.json_object().get(key)
        if isinstance(body, list):
            listing.items.extend(item for item in body if isinstance(item, dict))
        if numbered:
            return True
        following = parse_links(reply.headers.get("link")).get("next")
        if following and not same_origin(following, self.base_url):
            raise BadReply(
                f"GitHub's Link header points the next page of {path} at another host "
                f"({clean(following, 80)}); refusing to send GITHUB_TOKEN there",
                reply,
            )
        return following or None

    async def branch(self, repo: str, branch: str) -> Reply:
        return await self._get(f"/repos/{repo}/branches/{quote(branch, safe='')}")

    async def protection(self, repo: str, branch: str) -> Reply:
        return await self._get(f"/repos/{repo}/branches/{quote(branch, safe='')}/protection")

    async def rules(self, repo: str, branch: str) -> Listing:
        return await self._pages(f"/repos/{repo}/rules/branches/{quote(branch, safe='')}", {"per_page": 100})

    async def rulesets(self, repo: str) -> Listing:
        return await self._pages(f"/repos/{repo}/rulesets", {"per_page": 100, "includes_parents": "true"})

    async def ruleset(self, repo: str, ruleset_id: int) -> Reply:
        return await self._get(f"/repos/{repo}/rulesets/{ruleset_id}", {"includes_parents": "true"})

    async def successful_runs(self, repo: str, workflow: str, branch: str) -> Listing:
        # `status=success` narrows the list; the caller still accepts only conclusion == success.
        return await self._pages(
            f"/repos/{repo}/actions/workflows/{quote(workflow, safe='')}/runs",
            {"branch": branch, "status": "success", "per_page": 10},
            "workflow_runs",
        )

    async def check_runs(self, repo: str, ref: str, name: str) -> Listing:
        return await self._pages(
            f"/repos/{repo}/commits/{quote(ref, safe='/')}/check-runs",
            {"check_name": name, "per_page": 100},
            "check_runs",
        )

    async def combined_status(self, repo: str, ref: str) -> Listing:
        return await self._pages(f"/repos/{repo}/commits/{quote(ref, safe='/')}/status", {"per_page": 100}, "statuses")


def numbered_pages(following: str, last: str | None, base_url: str, limit: int = MAX_PAGES) -> list[str] | None:
    """The URLs of pages `next` to `last` (at most `limit` + 1 of them, however many `last`
    claims), when the two differ only in their `page` number (as GitHub writes them) and
    both stay on the API; None otherwise (follow `next` instead)."""
    if not last or not same_origin(last, base_url):
        return None
    start, end = urlsplit(following), urlsplit(last)
    start_query, end_query = (
        parse_qsl(start.query, keep_blank_values=True),
        parse_qsl(end.query, keep_blank_values=True),
    )

    def without_page(query: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [pair for pair in query if pair[0] != "page"]

    first, final = dict(start_query).get("page", ""), dict(end_query).get("page", "")
    if (
        start[:3] != end[:3]
        or without_page(start_query) != without_page(end_query)
        or not (first.isdecimal() and final.isdecimal())
        or int(final) < int(first)
    ):
        return None
    return [
        urlunsplit(start._replace(query=urlencode([(k, str(n) if k == "page" else v) for k, v in start_query])))
        for n in range(int(first), min(int(final), int(first) + limit) + 1)
    ]


# --- GitHub's answers, read defensively -----------------------------------------------


def github_error(reply: Reply) -> str:
    """`HTTP 403 "Resource not accessible by personal access token" (https://docs.github.com/...)`."""
    data = reply.json_or_none()
    data = data if isinstance(data, dict) else {}
    message, docs = data.get("message"), data.get("documentation_url")
    text = f"HTTP {reply.status_code}"
    if isinstance(message, str) and message:
        text += f' "{clean(message, 90)}"'
    if isinstance(docs, str) and docs.startswith("https://"):
        text += f" ({clean(docs, 110)})"
    return text


def missing_permissions(reply: Reply) -> str | None:
    """What a fine-grained token lacks, from GitHub's `X-Accepted-GitHub-Permissions`
    (`administration=read`, alternatives separated by `;` or `,`): "Administration: read"."""
    value = reply.headers.get("x-accepted-github-permissions")
    if not value:
        return None
    wanted = []
    for part in value.replace(";", ",").split(","):
        name, _, level = part.strip().partition("=")
        if name:
            wanted.append(f"{PERMISSION_NAMES.get(name, clean(name, 30))}: {clean(level or 'read', 10)}")
    return " or ".join(wanted) or None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _contexts(items: Any) -> set[str]:
    return {c["context"] for c in items or [] if isinstance(c, dict) and isinstance(c.get("context"), str)}


@dataclass
class Branch:
    protected: bool
    classic_enabled: bool | None  # the `protection.enabled` summary; None when absent
    classic_contexts: set[str]  # required checks of classic protection, as the summary shows them
    sha: str | None


def parse_branch(data: Any) -> Branch:
    data = _dict(data)
    summary = _dict(data.get("protection"))
    checks = _dict(summary.get("required_status_checks"))
    contexts = {c for c in checks.get("contexts") or [] if isinstance(c, str)} | _contexts(checks.get("checks"))
    enabled = summary.get("enabled")
    sha = _dict(data.get("commit")).get("sha")
    return Branch(
        data.get("protected") is True,
        enabled if isinstance(enabled, bool) else None,
        contexts,
        sha if isinstance(sha, str) else None,
    )


@dataclass
class Protection:
    """What a branch requires, from classic protection and rulesets together."""

    contexts: set[str] = field(default_factory=set)
    workflows: set[str] = field(default_factory=set)  # workflow files a `workflows` rule requires
    approvals: int = 0
    conversation_resolution: bool = False
    solo_blockers: list[str] = field(default_factory=list)  # settings a lone maintainer cannot satisfy
    merge_queue: bool = False
    sources: list[str] = field(default_factory=list)  # "branch protection", "rulesets"

    def merge(self, other: Protection) -> Protection:
        # A branch must satisfy every mechanism, so the strictest requirement wins.
        return Protection(
            self.contexts | other.contexts,
            self.workflows | other.workflows,
            max(self.approvals, other.approvals),
            self.conversation_resolution or other.conversation_resolution,
            self.solo_blockers + other.solo_blockers,
            self.merge_queue or other.merge_queue,
            self.sources + other.sources,
        )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def parse_protection(data: Any) -> Protection:
    data = _dict(data)
    checks = _dict(data.get("required_status_checks"))
    contexts = {c for c in checks.get("contexts") or [] if isinstance(c, str)} | _contexts(checks.get("checks"))
    reviews = _dict(data.get("required_pull_request_reviews"))
    blockers = []
    if reviews.get("require_code_owner_reviews") is True:
        blockers.append("classic protection requires code-owner reviews (require_code_owner_reviews)")
    if reviews.get("require_last_push_approval") is True:
        blockers.append(
            "classic protection requires approval of the last push by someone else (require_last_push_approval)"
        )
    conversation = _dict(data.get("required_conversation_resolution")).get("enabled") is True
    return Protection(
        contexts,
        set(),
        _count(reviews.get("required_approving_review_count")),
        conversation,
        blockers,
        False,
        ["branch protection"],
    )


def _ruleset_name(rule: dict[str, Any]) -> str:
    number = rule.get("ruleset_id")
    return f"ruleset {number}" if isinstance(number, int) else "a ruleset"


def parse_rules(data: Any, source: str = "rulesets") -> Protection:
    """`GET /rules/branches/{b}` (active rules only) or a ruleset's `rules`."""
    result = Protection(sources=[source])
    for rule in data if isinstance(data, list) else []:
        rule = _dict(rule)
        params = _dict(rule.get("parameters"))
        kind = rule.get("type")
        if kind == "required_status_checks":
            result.contexts |= _contexts(params.get("required_status_checks"))
        elif kind == "workflows":
            result.workflows |= {
                w["path"]
                for w in params.get("workflows") or []
                if isinstance(w, dict) and isinstance(w.get("path"), str)
            }
        elif kind == "merge_queue":
            result.merge_queue = True
        elif kind == "pull_request":
            result.approvals = max(result.approvals, _count(params.get("required_approving_review_count")))
            result.conversation_resolution |= params.get("required_review_thread_resolution") is True
            name = _ruleset_name(rule)
            if params.get("require_code_owner_review") is True:
                result.solo_blockers.append(f"{name} requires code-owner review (require_code_owner_review)")
            if params.get("require_last_push_approval") is True:
                result.solo_blockers.append(f"{name} requires approval of the last push (require_last_push_approval)")
            if any(isinstance(r, dict) for r in params.get("required_reviewers") or []):
                result.solo_blockers.append(f"{name} names required reviewers (required_reviewers)")
    return result


@dataclass(frozen=True)
class RulesetInfo:
    id: int
    name: str
    enforcement: str


def parse_rulesets(items: list[Any]) -> list[RulesetInfo]:
    found = []
    for item in items:
        item = _dict(item)
        if isinstance(item.get("id"), int) and isinstance(item.get("enforcement"), str):
            found.append(
                RulesetInfo(item["id"], clean(item.get("name") or f"#{item['id']}", 60), clean(item["enforcement"], 20))
            )
    return found


@dataclass(frozen=True)
class Run:
    id: str
    conclusion: str | None
    status: str | None
    finished_at: str | None
    url: str | None
    kind: str = "check run"  # or "commit status", "workflow run"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def parse_workflow_runs(items: list[Any]) -> list[Run]:
    runs = []
    for run in items:
        run = _dict(run)
        finished = run.get("updated_at") or run.get("run_started_at") or run.get("created_at")
        runs.append(
            Run(
                str(run.get("id", "")),
                _text(run.get("conclusion")),
                _text(run.get("status")),
                _text(finished),
                _text(run.get("html_url")),
                "workflow run",
            )
        )
    return runs


def first_success(runs: list[Run]) -> Run | None:
    """The newest run that really succeeded: a `status` filter is a request, not a promise."""
    return next((run for run in runs if run.conclusion == "success" and run.finished_at), None)


def parse_check_runs(items: list[Any], name: str | None = None) -> list[Run]:
    """The check runs (named `name`: the `check_name` filter is a request, not a promise)."""
    runs = [
        Run(
            str(r.get("id", "")),
            _text(r.get("conclusion")),
            _text(r.get("status")),
            _text(r.get("completed_at") or r.get("started_at")),
            _text(r.get("html_url")),
        )
        for r in map(_dict, items)
        if name is None or r.get("name") == name
    ]
    # The newest run decides: by completion (or start) time, newest first.
    return sorted(runs, key=lambda r: r.finished_at or "", reverse=True)


def parse_statuses(items: list[Any], context: str) -> list[Run]:
    """The commit statuses named `context`, newest first, as runs: `state` success,
    pending, failure or error becomes the conclusion (pending: still running)."""
    found = []
    for status in map(_dict, items):
        if status.get("context") != context:
            continue
        state = _text(status.get("state"))
        found.append(
            Run(
                str(status.get("id", "")),
                None if state == "pending" else state,
                "in_progress" if state == "pending" else "completed",
                _text(status.get("updated_at") or status.get("created_at")),
                _text(status.get("target_url")),
                "commit status",
            )
        )
    return sorted(found, key=lambda r: r.finished_at or "", reverse=True)
