"""The JSON objects GitHub's REST API returns, field for field as its OpenAPI description
requires them (tests/contracts/github/ holds the schemas they are validated against):
users, apps, repositories, commits, workflow runs, check runs, commit statuses, rulesets.

Only builders here, no state: `github.py` decides what exists and calls these.
"""

from __future__ import annotations

import base64
from typing import Any

OWNER, NAME, BRANCH = "acme", "platform", "main"
REPO_ID = 123456789
OWNER_ID = 424242
WEB = "https://github.com"
API = "https://api.github.com"
REPO_API = f"{API}/repos/{OWNER}/{NAME}"
REPO_HTML = f"{WEB}/{OWNER}/{NAME}"
ACTIONS_APP_ID = 15368


def node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"0{len(kind)}:{kind}{number}".encode()).decode().rstrip("=")


def account(login: str, number: int, kind: str = "Organization") -> dict[str, Any]:
    """`simple-user`: GitHub's short form of a user or an organization."""
    users = f"{API}/users/{login}"
    return {
        "login": login,
        "id": number,
        "node_id": node_id(kind, number),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{number}?v=4",
        "gravatar_id": "",
        "url": users,
        "html_url": f"{WEB}/{login}",
        "followers_url": f"{users}/followers",
        "following_url": f"{users}/following{{/other_user}}",
        "gists_url": f"{users}/gists{{/gist_id}}",
        "starred_url": f"{users}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{users}/subscriptions",
        "organizations_url": f"{users}/orgs",
        "repos_url": f"{users}/repos",
        "events_url": f"{users}/events{{/privacy}}",
        "received_events_url": f"{users}/received_events",
        "type": kind,
        "site_admin": False,
    }


def minimal_repository() -> dict[str, Any]:
    """`minimal-repository`, as embedded in workflow runs and combined statuses."""
    r = REPO_API
    return {
        "id": REPO_ID,
        "node_id": node_id("Repository", REPO_ID),
        "name": NAME,
        "full_name": f"{OWNER}/{NAME}",
        "owner": account(OWNER, OWNER_ID),
        "private": True,
        "html_url": REPO_HTML,
        "description": None,
        "fork": False,
        "url": r,
        "archive_url": f"{r}/{{archive_format}}{{/ref}}",
        "assignees_url": f"{r}/assignees{{/user}}",
        "blobs_url": f"{r}/git/blobs{{/sha}}",
        "branches_url": f"{r}/branches{{/branch}}",
        "collaborators_url": f"{r}/collaborators{{/collaborator}}",
        "comments_url": f"{r}/comments{{/number}}",
        "commits_url": f"{r}/commits{{/sha}}",
        "compare_url": f"{r}/compare/{{base}}...{{head}}",
        "contents_url": f"{r}/contents/{{+path}}",
        "contributors_url": f"{r}/contributors",
        "deployments_url": f"{r}/deployments",
        "downloads_url": f"{r}/downloads",
        "events_url": f"{r}/events",
        "forks_url": f"{r}/forks",
        "git_commits_url": f"{r}/git/commits{{/sha}}",
        "git_refs_url": f"{r}/git/refs{{/sha}}",
        "git_tags_url": f"{r}/git/tags{{/sha}}",
        "hooks_url": f"{r}/hooks",
        "issue_comment_url": f"{r}/issues/comments{{/number}}",
        "issue_events_url": f"{r}/issues/events{{/number}}",
        "issues_url": f"{r}/issues{{/number}}",
        "keys_url": f"{r}/keys{{/key_id}}",
        "labels_url": f"{r}/labels{{/name}}",
        "languages_url": f"{r}/languages",
        "merges_url": f"{r}/merges",
        "milestones_url": f"{r}/milestones{{/number}}",
        "notifications_url": f"{r}/notifications{{?since,all,participating}}",
        "pulls_url": f"{r}/pulls{{/number}}",
        "releases_url": f"{r}/releases{{/id}}",
        "stargazers_url": f"{r}/stargazers",
        "statuses_url": f"{r}/statuses/{{sha}}",
        "subscribers_url": f"{r}/subscribers",
        "subscription_url": f"{r}/subscription",
        "tags_url": f"{r}/tags",
        "teams_url": f"{r}/teams",
        "trees_url": f"{r}/git/trees{{/sha}}",
    }


def actions_app() -> dict[str, Any]:
    """`integration`: the GitHub Actions app that reports check runs."""
    return {
        "id": ACTIONS_APP_ID,
        "slug": "github-actions",
        "node_id": node_id("App", ACTIONS_APP_ID),
        "owner": account("github", 9919),
        "name": "GitHub Actions",
        "description": "Automate your workflow",
        "external_url": "https://help.github.com/en/actions",
        "html_url": f"{WEB}/apps/github-actions",
        "created_at": "2018-07-30T09:30:17Z",
        "updated_at": "2024-04-10T20:33:16Z",
        "permissions": {
            "actions": "write",
            "checks": "write",
            "contents": "write",
            "metadata": "read",
            "statuses": "write",
        },
        "events": ["check_run", "check_suite", "push", "pull_request", "merge_group", "workflow_dispatch"],
    }


def commit(sha: str, when: str) -> dict[str, Any]:
    """`commit`, as `GET /branches/{branch}` embeds the branch's head."""
    person = {"name": "Acme Bot", "email": "bot@acme.example", "date": when}
    return {
        "sha": sha,
        "node_id": node_id("Commit", REPO_ID),
        "url": f"{REPO_API}/commits/{sha}",
        "html_url": f"{REPO_HTML}/commit/{sha}",
        "comments_url": f"{REPO_API}/commits/{sha}/comments",
        "commit": {
            "author": person,
            "committer": person,
            "message": "Merge pull request #412",
            "comment_count": 0,
            "url": f"{REPO_API}/git/commits/{sha}",
            "tree": {"sha": sha[::-1], "url": f"{REPO_API}/git/trees/{sha[::-1]}"},
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        },
        "author": None,
        "committer": None,
        "parents": [],
    }


def workflow_run(
    run_id: int,
    number: int,
    workflow_id: int,
    path: str,
    sha: str,
    status: str,
    conclusion: str | None,
    created: str,
    updated: str,
) -> dict[str, Any]:
    """`workflow-run`; `conclusion` is null until the run completes."""
    url = f"{REPO_API}/actions/runs/{run_id}"
    who = {"name": "Acme Bot", "email": "bot@acme.example"}
    return {
        "id": run_id,
        "name": "Nightly validation",
        "node_id": node_id("WorkflowRun", run_id),
        "head_branch": BRANCH,
        "head_sha": sha,
        "path": path,
        "display_title": "Nightly validation",
        "run_number": number,
        "run_attempt": 1,
        "event": "schedule",
        "status": status,
        "conclusion": conclusion,
        "workflow_id": workflow_id,
        "check_suite_id": run_id + 11,
        "url": url,
        "html_url": f"{REPO_HTML}/actions/runs/{run_id}",
        "pull_requests": [],
        "created_at": created,
        "updated_at": updated,
        "run_started_at": created,
        "jobs_url": f"{url}/jobs",
        "logs_url": f"{url}/logs",
        "check_suite_url": f"{REPO_API}/check-suites/{run_id + 11}",
        "artifacts_url": f"{url}/artifacts",
        "cancel_url": f"{url}/cancel",
        "rerun_url": f"{url}/rerun",
        "previous_attempt_url": None,
        "workflow_url": f"{REPO_API}/actions/workflows/{workflow_id}",
        "head_commit": {
            "id": sha,
            "tree_id": sha[::-1],
            "message": "Merge pull request #412",
            "timestamp": created,
            "author": who,
            "committer": who,
        },
        "repository": minimal_repository(),
        "head_repository": minimal_repository(),
    }


def check_run(
    run_id: int, name: str, sha: str, status: str, conclusion: str | None, started: str, completed: str | None
) -> dict[str, Any]:
    """`check-run`; `conclusion` and `completed_at` are null while it runs."""
    return {
        "id": run_id,
        "head_sha": sha,
        "node_id": node_id("CheckRun", run_id),
        "external_id": str(run_id),
        "url": f"{REPO_API}/check-runs/{run_id}",
        "html_url": f"{REPO_HTML}/runs/{run_id}",
        "details_url": f"{REPO_HTML}/actions/runs/{run_id}/job/{run_id}",
        "status": status,
        "conclusion": conclusion,
        "started_at": started,
        "completed_at": completed,
        "output": {
            "title": None if conclusion is None else f"{name}: {conclusion}",
            "summary": None,
            "text": None,
            "annotations_count": 0,
            "annotations_url": f"{REPO_API}/check-runs/{run_id}/annotations",
        },
        "name": name,
        "check_suite": {"id": run_id // 7},
        "app": actions_app(),
        "pull_requests": [],
    }


def commit_status(status_id: int, context: str, state: str, sha: str, when: str) -> dict[str, Any]:
    """`simple-commit-status`, as the combined status lists each context's newest one."""
    return {
        "url": f"{REPO_API}/statuses/{sha}",
        "avatar_url": "https://avatars.githubusercontent.com/u/9919?v=4",
        "id": status_id,
        "node_id": node_id("StatusContext", status_id),
        "state": state,
        "description": f"{context}: {state}",
        "target_url": f"https://ci.acme.example/{context}/{status_id}",
        "context": context,
        "created_at": when,
        "updated_at": when,
    }


def combined_status(sha: str, statuses: list[dict[str, Any]], total: int, state: str) -> dict[str, Any]:
    return {
        "state": state,
        "statuses": statuses,
        "sha": sha,
        "total_count": total,
        "repository": minimal_repository(),
        "commit_url": f"{REPO_API}/commits/{sha}",
        "url": f"{REPO_API}/commits/{sha}/status",
    }


def ruleset_summary(ruleset_id: int, name: str, enforcement: str, when: str) -> dict[str, Any]:
    """An item of `GET /rulesets`: no rules, no conditions (those come with `GET /rulesets/{id}`)."""
    return {
        "id": ruleset_id,
        "name": name,
        "target": "branch",
        "source_type": "Repository",
        "source": f"{OWNER}/{NAME}",
        "enforcement": enforcement,
        "node_id": node_id("RepositoryRuleset", ruleset_id),
        "_links": {
            "self": {"href": f"{REPO_API}/rulesets/{ruleset_id}"},
            "html": {"href": f"{REPO_HTML}/rules/{ruleset_id}"},
        },
        "created_at": when,
        "updated_at": when,
    }


def ruleset(ruleset_id: int, name: str, enforcement: str, rules: list[dict[str, Any]], when: str) -> dict[str, Any]:
    """`repository-ruleset`, as `GET /rulesets/{id}` returns it."""
    return {
        **ruleset_summary(ruleset_id, name, enforcement, when),
        "bypass_actors": [],
        "current_user_can_bypass": "never",
        "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
        "rules": rules,
    }
