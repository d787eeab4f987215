"""GitHub's REST API, as GitHub publishes it: branch protection, rulesets, workflow
runs and check runs. The checks read classic protection and rulesets together."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from launch_tui.clients.transport import Reply, Transport


class GitHubClient:
    def __init__(self, transport: Transport, base_url: str, token: str) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self._headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> Reply:
        return await self.transport.request("GET", self.base_url + path, headers=self._headers, params=params)

    async def protection(self, repo: str, branch: str) -> Reply:
        return await self._get(f"/repos/{repo}/branches/{quote(branch, safe='')}/protection")

    async def rules(self, repo: str, branch: str) -> Reply:
        return await self._get(f"/repos/{repo}/rules/branches/{quote(branch, safe='')}", {"per_page": 100})

    async def latest_successful_run(self, repo: str, workflow: str, branch: str) -> Reply:
        return await self._get(f"/repos/{repo}/actions/workflows/{quote(workflow, safe='')}/runs",
                               {"branch": branch, "status": "success", "per_page": 1})

    async def check_runs(self, repo: str, ref: str, name: str) -> Reply:
        return await self._get(f"/repos/{repo}/commits/{quote(ref, safe='/')}/check-runs",
                               {"check_name": name, "per_page": 100})


@dataclass
class Protection:
    """What a branch requires, from classic protection and rulesets together."""

    contexts: set[str] = field(default_factory=set)
    approvals: int = 0
    conversation_resolution: bool = False
    sources: list[str] = field(default_factory=list)  # "branch protection", "rulesets"

    def merge(self, other: "Protection") -> "Protection":
        # A branch must satisfy every mechanism, so the strictest requirement wins.
        return Protection(self.contexts | other.contexts, max(self.approvals, other.approvals),
                          self.conversation_resolution or other.conversation_resolution,
                          self.sources + other.sources)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def parse_protection(data: Any) -> Protection:
    data = _dict(data)
    checks = _dict(data.get("required_status_checks"))
    contexts = {c for c in checks.get("contexts") or [] if isinstance(c, str)}
    contexts |= {c.get("context") for c in checks.get("checks") or [] if isinstance(c, dict)
                 and isinstance(c.get("context"), str)}
    reviews = data.get("required_pull_request_reviews")
    approvals = _dict(reviews).get("required_approving_review_count", 0) if reviews else 0
    conversation = bool(_dict(data.get("required_conversation_resolution")).get("enabled", False))
    return Protection(contexts, approvals if isinstance(approvals, int) else 0, conversation, ["branch protection"])


def parse_rules(data: Any) -> Protection:
    result = Protection(sources=["rulesets"])
    for rule in data if isinstance(data, list) else []:
        rule = _dict(rule)
        params = _dict(rule.get("parameters"))
        if rule.get("type") == "required_status_checks":
            result.contexts |= {c.get("context") for c in params.get("required_status_checks") or []
                                if isinstance(c, dict) and isinstance(c.get("context"), str)}
        elif rule.get("type") == "pull_request":
            count = params.get("required_approving_review_count", 0)
            result.approvals = max(result.approvals, count if isinstance(count, int) else 0)
            result.conversation_resolution |= bool(params.get("required_review_thread_resolution", False))
    return result


@dataclass(frozen=True)
class Run:
    id: str
    conclusion: str | None
    status: str | None
    finished_at: str | None
    url: str | None


def parse_workflow_run(data: Any) -> Run | None:
    runs = _dict(data).get("workflow_runs")
    if not isinstance(runs, list) or not runs or not isinstance(runs[0], dict):
        return None
    run = runs[0]
    finished = run.get("updated_at") or run.get("run_started_at") or run.get("created_at")
    return Run(str(run.get("id", "")), run.get("conclusion"), run.get("status"), finished, run.get("html_url"))


def parse_latest_check_run(data: Any) -> Run | None:
    runs = [r for r in _dict(data).get("check_runs") or [] if isinstance(r, dict)]
    if not runs:
        return None
    # The newest run decides: sort by completion (or start) time, newest first.
    runs.sort(key=lambda r: str(r.get("completed_at") or r.get("started_at") or ""), reverse=True)
    run = runs[0]
    return Run(str(run.get("id", "")), run.get("conclusion"), run.get("status"),
               run.get("completed_at"), run.get("html_url"))
