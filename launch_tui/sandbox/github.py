"""A GitHub REST look-alike (`/github`): one repository, `acme/platform`, answering as
api.github.com does, status for status and field for field (its responses validate against
the schemas of GitHub's OpenAPI description, vendored in tests/contracts/github/).

- Who may read what depends on the token, as on GitHub: a classic token of a repository
  admin reads everything; a classic token of a user without admin rights gets 404
  `Not Found` for classic branch protection; a fine-grained token lacking a permission
  gets 403 `Resource not accessible by personal access token` with
  `X-Accepted-GitHub-Permissions` naming it (Administration for classic protection).
- Rulesets: `GET /rules/branches/{b}` returns the rules of *active* rulesets only;
  `GET /rulesets` lists every ruleset with its enforcement; `GET /rulesets/{id}` its rules.
  A branch guarded only by rulesets is `protected: true`, and its classic protection is
  404 `Branch not protected`.
- Lists page as GitHub's do: `per_page` (default 30, at most 100) and `page`, with a
  `Link` header (`next`, `last`, `first`, `prev`).
- Every answer has `X-GitHub-Request-Id` and the `x-ratelimit-*` headers (middleware.py).

The healthy repository is set up for team_mode "solo". Required checks are split on
purpose: classic protection requires `unit-tests`, a ruleset requires `api-contract-gate`,
so a client that reads only one mechanism misses the gate. Times are kept as ages and
turned into timestamps on read, so a sandbox left running for a day still has a nightly
run from "3 hours ago".
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from launch_tui.sandbox import github_objects as gh
from launch_tui.sandbox.auth import bearer_token
from launch_tui.sandbox.scenarios import Faults
from launch_tui.sandbox.store import iso

OWNER, NAME, BRANCH = gh.OWNER, gh.NAME, gh.BRANCH
CONTRACT_CHECK = "api-contract-gate"
FORCE_RLS_CHECK = "staging-force-rls"
NIGHTLY_WORKFLOW = "nightly-validation.yml"
DOCS = "https://docs.github.com/rest"
NOT_ACCESSIBLE = "Resource not accessible by personal access token"


@dataclass(frozen=True)
class Grant:
    """What the sandbox's GITHUB_TOKEN may read. `permissions`: a fine-grained token's
    repository permissions with read access; `admin`: a classic token's user administers
    the repository."""

    kind: str  # "classic" or "fine-grained"
    permissions: frozenset[str] = frozenset()
    admin: bool = True


GRANTS = {
    "classic-admin": Grant("classic", admin=True),
    "classic-read": Grant("classic", admin=False),
    "fine-grained": Grant("fine-grained", frozenset({"metadata", "contents", "actions", "checks", "statuses"}), False),
}


@dataclass
class Run:
    id: int
    number: int
    age_hours: float
    status: str
    conclusion: str | None


@dataclass
class CheckRun:
    name: str
    status: str
    conclusion: str | None
    age_minutes: float = 60.0


@dataclass
class Ruleset:
    id: int
    name: str
    enforcement: str  # active, evaluate, disabled
    rules: list[dict[str, Any]]


@dataclass
class Repository:
    classic: dict[str, Any] | None  # classic branch protection, None when there is none
    rulesets: list[Ruleset]
    head_sha: str
    nightly_runs: list[Run]  # newest first
    check_runs: list[CheckRun]
    statuses: list[tuple[str, str]]  # (context, state) on the head commit, oldest first
    grant: Grant = GRANTS["classic-admin"]
    max_per_page: int = 100  # GitHub's cap; a test may lower it to exercise Link pages
    workflow_id: int = field(default_factory=lambda: 1000 + secrets.randbelow(10**8))

    @property
    def active_rules(self) -> list[dict[str, Any]]:
        source = {"ruleset_source_type": "Repository", "ruleset_source": f"{OWNER}/{NAME}"}
        return [
            {**rule, **source, "ruleset_id": ruleset.id}
            for ruleset in self.rulesets
            if ruleset.enforcement == "active"
            for rule in ruleset.rules
        ]

    @property
    def protected(self) -> bool:
        # GitHub's `protected` is true for classic protection and for active rulesets alike.
        return self.classic is not None or bool(self.active_rules)


class GitHubError(Exception):
    def __init__(self, status: int, message: str, docs: str = DOCS, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.docs, self.headers = status, message, docs, headers or {}

    def response(self) -> JSONResponse:
        body = {"message": self.message, "documentation_url": self.docs, "status": str(self.status)}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def rate_limit_exceeded(reset_at: int, used: int) -> JSONResponse:
    """GitHub's primary rate limit, used up: 403 (not 429) with `x-ratelimit-remaining: 0`."""
    return GitHubError(
        403,
        "API rate limit exceeded for user ID 424243. If you reach out to GitHub Support for "
        "help, please include the request ID shown in X-GitHub-Request-Id.",
        "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-used": str(used),
            "x-ratelimit-reset": str(reset_at),
            "x-ratelimit-resource": "core",
        },
    ).response()


def classic_protection(contexts: list[str], *, code_owners: bool = False, last_push: bool = False) -> dict[str, Any]:
    url = f"{gh.REPO_API}/branches/{BRANCH}/protection"
    return {
        "url": url,
        "required_status_checks": {
            "url": f"{url}/required_status_checks",
            "strict": True,
            "contexts": contexts,
            "contexts_url": f"{url}/required_status_checks/contexts",
            "checks": [{"context": c, "app_id": gh.ACTIONS_APP_ID} for c in contexts],
        },
        "required_pull_request_reviews": {
            "url": f"{url}/required_pull_request_reviews",
            "dismiss_stale_reviews": True,
            "require_code_owner_reviews": code_owners,
            "require_last_push_approval": last_push,
            "required_approving_review_count": 0,
        },
        "required_conversation_resolution": {"enabled": False},
        "enforce_admins": {"url": f"{url}/enforce_admins", "enabled": False},
        "required_linear_history": {"enabled": True},
        "allow_force_pushes": {"enabled": False},
        "allow_deletions": {"enabled": False},
        "block_creations": {"enabled": False},
        "lock_branch": {"enabled": False},
        "allow_fork_syncing": {"enabled": False},
        "required_signatures": {"url": f"{url}/required_signatures", "enabled": False},
    }


def status_checks_rule(*contexts: str) -> dict[str, Any]:
    return {
        "type": "required_status_checks",
        "parameters": {
            "strict_required_status_checks_policy": False,
            "do_not_enforce_on_create": False,
            "required_status_checks": [{"context": c, "integration_id": gh.ACTIONS_APP_ID} for c in contexts],
        },
    }


def pull_request_rule(reviewers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    parameters: dict[str, Any] = {
        "required_approving_review_count": 0,
        "dismiss_stale_reviews_on_push": True,
        "require_code_owner_review": False,
        "require_last_push_approval": False,
        "required_review_thread_resolution": False,
        "allowed_merge_methods": ["squash"],
    }
    if reviewers:
        parameters["required_reviewers"] = reviewers
    return {"type": "pull_request", "parameters": parameters}


WORKFLOWS_RULE = {
    "type": "workflows",
    "parameters": {
        "do_not_enforce_on_create": False,
        "workflows": [
            {"path": f".github/workflows/{CONTRACT_CHECK}.yml", "repository_id": gh.REPO_ID, "ref": "refs/heads/main"}
        ],
    },
}
MERGE_QUEUE_RULE = {
    "type": "merge_queue",
    "parameters": {
        "check_response_timeout_minutes": 60,
        "grouping_strategy": "ALLGREEN",
        "max_entries_to_build": 5,
        "max_entries_to_merge": 5,
        "merge_method": "SQUASH",
        "min_entries_to_merge": 1,
        "min_entries_to_merge_wait_minutes": 5,
    },
}
API_REVIEWERS = [{"minimum_approvals": 1, "file_patterns": ["apps/api/**"], "reviewer": {"id": 77, "type": "Team"}}]


def _rulesets(faults: Faults) -> list[Ruleset]:
    gate = (CONTRACT_CHECK,) if faults.github_gate == "status-check" else ()
    contexts = ("unit-tests", *gate) if faults.github_classic == "none" else gate
    rules: list[dict[str, Any]] = [{"type": "deletion"}, {"type": "non_fast_forward"}]
    if contexts:
        rules.append(status_checks_rule(*contexts))
    rules.append(pull_request_rule(API_REVIEWERS if faults.solo_review_blockers else None))
    if faults.github_gate == "workflow":
        rules.append(WORKFLOWS_RULE)
    if faults.merge_queue:
        rules.append(MERGE_QUEUE_RULE)
    found = [Ruleset(4242, "main protection", "active", rules)]
    if faults.github_gate == "evaluate":
        found.append(Ruleset(4343, "contract gate (trial)", "evaluate", [status_checks_rule(CONTRACT_CHECK)]))
    return found


def build_repository(faults: Faults) -> Repository:
    base = 7_000_000_000 + secrets.randbelow(10**6) * 1000
    if faults.nightly_age_hours > 36:
        # Recent nights failed; the last success is old. A client that ignores the
        # status filter and reads the newest run sees a failure, not a stale success.
        history: list[tuple[float, str | None]] = [
            (3.0, "failure"),
            (27.0, "failure"),
            (faults.nightly_age_hours, "success"),
        ]
    elif faults.nightly_in_progress:
        history = [(0.3, None), (24.3, "success"), (48.3, "success")]
    else:
        history = [
            (faults.nightly_age_hours, "success"),
            (faults.nightly_age_hours + 24, "success"),
            (faults.nightly_age_hours + 48, "failure"),
        ]
    runs = [
        Run(base + 3 - index, 400 - index, age, "completed" if conclusion else "in_progress", conclusion)
        for index, (age, conclusion) in enumerate(history)
    ]
    checks = [CheckRun("unit-tests", "completed", "success"), CheckRun(CONTRACT_CHECK, "completed", "success")]
    statuses = [("ci/lint", "success"), ("vercel/preview", "success")]
    if faults.force_rls_as_status:
        # Reported by an outside CI as a commit status, after dozens of preview statuses.
        statuses += [(f"preview/{n:02d}", "success") for n in range(1, 41)]
        statuses.append((FORCE_RLS_CHECK, "success" if faults.force_rls_conclusion == "success" else "failure"))
    else:
        checks.append(CheckRun(FORCE_RLS_CHECK, "completed", faults.force_rls_conclusion))
    classic = None
    if faults.branch_protected and faults.github_classic == "unit-tests":
        classic = classic_protection(
            ["unit-tests"], code_owners=faults.solo_review_blockers, last_push=faults.solo_review_blockers
        )
    return Repository(
        classic=classic,
        rulesets=_rulesets(faults) if faults.branch_protected else [],
        head_sha=secrets.token_hex(20),
        nightly_runs=runs,
        check_runs=checks,
        statuses=statuses,
        grant=GRANTS[faults.github_token],
        max_per_page=faults.github_page_size,
    )


# --- answering -----------------------------------------------------------------------

Handler = Callable[[Request], Awaitable[Response]]


def answers(permission: str, docs: str) -> Callable[[Handler], Handler]:
    """A route readable with `permission` (a fine-grained token's repository permission;
    "administration" also needs admin rights with a classic token). GitHub's errors come
    back in its own shape, naming the page of its docs for the endpoint."""

    def wrap(handler: Handler) -> Handler:
        async def route(request: Request) -> Response:
            try:
                _authorize(request, permission, docs)
                return await handler(request)
            except GitHubError as exc:
                exc.docs = exc.docs if exc.docs != DOCS else docs
                return _with_scopes(request, exc.response())

        return route

    return wrap


def _authorize(request: Request, permission: str, docs: str) -> None:
    world = request.app.state.world
    token = bearer_token(request.headers, schemes=("bearer", "token"))
    if token is None:
        raise GitHubError(401, "Requires authentication", docs)
    if not secrets.compare_digest(token.encode(), world.credentials.github_token.encode()):
        raise GitHubError(401, "Bad credentials", docs)
    if (request.path_params["owner"].lower(), request.path_params["repo"].lower()) != (OWNER, NAME):
        raise GitHubError(404, "Not Found", docs)
    grant = world.repository.grant
    if grant.kind == "fine-grained" and permission not in grant.permissions:
        raise GitHubError(403, NOT_ACCESSIBLE, docs, {"X-Accepted-GitHub-Permissions": f"{permission}=read"})
    if grant.kind == "classic" and permission == "administration" and not grant.admin:
        raise GitHubError(404, "Not Found", docs)  # GitHub hides what a non-admin may not read


def _with_scopes(request: Request, response: Response) -> Response:
    """Classic tokens get their scopes back, as GitHub sends them."""
    if request.app.state.world.repository.grant.kind == "classic":
        response.headers["X-OAuth-Scopes"] = "repo, workflow"
        response.headers["X-Accepted-OAuth-Scopes"] = "repo"
    return response


def _json(request: Request, body: Any, headers: dict[str, str] | None = None) -> Response:
    return _with_scopes(request, JSONResponse(body, headers=headers))


def _number(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name, "")
    return int(raw) if raw.isdigit() and int(raw) >= 1 else default  # GitHub ignores a bad value


def paginate(request: Request, items: list[Any]) -> tuple[list[Any], dict[str, str]]:
    """One page of `items` and the `Link` header GitHub sends with it."""
    cap = min(100, request.app.state.world.repository.max_per_page)
    per_page = min(_number(request, "per_page", 30), cap)
    page = _number(request, "page", 1)
    last = max(1, -(-len(items) // per_page))
    links = []
    for rel, number, wanted in (
        ("prev", page - 1, page > 1),
        ("next", page + 1, page < last),
        ("last", last, page < last),
        ("first", 1, page > 1),
    ):
        if wanted:
            links.append(f'<{request.url.include_query_params(page=number)}>; rel="{rel}"')
    return items[(page - 1) * per_page : page * per_page], ({"Link": ", ".join(links)} if links else {})


def _repository(request: Request) -> Repository:
    return request.app.state.world.repository


def _now(request: Request) -> float:
    return float(request.app.state.world.store.now())


def _on_branch(request: Request, docs: str) -> Repository:
    if request.path_params["branch"] != BRANCH:
        raise GitHubError(404, "Branch not found", docs)
    return _repository(request)


def _head(request: Request, docs: str) -> Repository:
    repository = _repository(request)
    ref = request.path_params["ref"]
    if ref not in (BRANCH, f"heads/{BRANCH}", f"refs/heads/{BRANCH}") and not (
        len(ref) >= 7 and repository.head_sha.startswith(ref.lower())
    ):
        raise GitHubError(422, f"No commit found for SHA: {ref}", docs)
    return repository


# --- routes --------------------------------------------------------------------------

BRANCH_DOCS = f"{DOCS}/branches/branches#get-a-branch"
PROTECTION_DOCS = f"{DOCS}/branches/branch-protection#get-branch-protection"
RULES_DOCS = f"{DOCS}/repos/rules#get-rules-for-a-branch"
RULESETS_DOCS = f"{DOCS}/repos/rules#get-all-repository-rulesets"
RULESET_DOCS = f"{DOCS}/repos/rules#get-a-repository-ruleset"
RUNS_DOCS = f"{DOCS}/actions/workflow-runs#list-workflow-runs-for-a-workflow"
CHECKS_DOCS = f"{DOCS}/checks/runs#list-check-runs-for-a-git-reference"
STATUS_DOCS = f"{DOCS}/commits/statuses#get-the-combined-status-for-a-specific-reference"


@answers("metadata", f"{DOCS}/repos/repos#get-a-repository")
async def get_repository(request: Request) -> Response:
    return _json(request, {**gh.minimal_repository(), "default_branch": BRANCH, "visibility": "private"})


@answers("metadata", BRANCH_DOCS)
async def get_branch(request: Request) -> Response:
    repository = _on_branch(request, BRANCH_DOCS)
    classic = repository.classic
    contexts = (classic or {}).get("required_status_checks", {}).get("contexts", [])
    url = f"{gh.REPO_API}/branches/{BRANCH}"
    return _json(
        request,
        {
            "name": BRANCH,
            "commit": gh.commit(repository.head_sha, iso(_now(request) - 7200)),
            "_links": {"self": url, "html": f"{gh.REPO_HTML}/tree/{BRANCH}"},
            "protected": repository.protected,
            # The summary anyone with read access sees: whether classic protection is on, and its checks.
            "protection": {
                "enabled": classic is not None,
                "required_status_checks": {
                    "enforcement_level": "non_admins" if classic else "off",
                    "contexts": contexts,
                    "checks": [{"context": c, "app_id": gh.ACTIONS_APP_ID} for c in contexts],
                },
            },
            "protection_url": f"{url}/protection",
        },
    )


@answers("administration", PROTECTION_DOCS)
async def get_protection(request: Request) -> Response:
    repository = _on_branch(request, PROTECTION_DOCS)
    if repository.classic is None:
        raise GitHubError(404, "Branch not protected", PROTECTION_DOCS)
    return _json(request, repository.classic)


@answers("metadata", RULES_DOCS)
async def get_branch_rules(request: Request) -> Response:
    # The branch need not exist: the rules that would apply to that name are returned.
    rules = _repository(request).active_rules if request.path_params["branch"] == BRANCH else []
    page, links = paginate(request, rules)
    return _json(request, page, links)


@answers("metadata", RULESETS_DOCS)
async def list_rulesets(request: Request) -> Response:
    when = iso(_now(request) - 30 * 86400)
    every = [gh.ruleset_summary(r.id, r.name, r.enforcement, when) for r in _repository(request).rulesets]
    page, links = paginate(request, every)
    return _json(request, page, links)


@answers("metadata", RULESET_DOCS)
async def get_ruleset(request: Request) -> Response:
    wanted = request.path_params["ruleset_id"]
    for r in _repository(request).rulesets:
        if str(r.id) == wanted:
            return _json(request, gh.ruleset(r.id, r.name, r.enforcement, r.rules, iso(_now(request) - 30 * 86400)))
    raise GitHubError(404, "Not Found", RULESET_DOCS)


@answers("actions", RUNS_DOCS)
async def list_workflow_runs(request: Request) -> Response:
    repository = _repository(request)
    if request.path_params["workflow"] not in (NIGHTLY_WORKFLOW, str(repository.workflow_id)):
        raise GitHubError(404, "Not Found", RUNS_DOCS)
    query = request.query_params
    runs = repository.nightly_runs if query.get("branch", BRANCH) == BRANCH else []
    if wanted := query.get("status"):
        # GitHub's `status` filter takes a status or a conclusion.
        runs = [run for run in runs if wanted in (run.status, run.conclusion)]
    page, links = paginate(request, runs)
    now = _now(request)
    body = [
        gh.workflow_run(
            run.id,
            run.number,
            repository.workflow_id,
            f".github/workflows/{NIGHTLY_WORKFLOW}",
            repository.head_sha,
            run.status,
            run.conclusion,
            iso(now - run.age_hours * 3600),
            iso(now - run.age_hours * 3600 + (42 * 60 if run.conclusion else 60)),
        )
        for run in page
    ]
    return _json(request, {"total_count": len(runs), "workflow_runs": body}, links)


@answers("checks", CHECKS_DOCS)
async def list_check_runs(request: Request) -> Response:
    repository = _head(request, CHECKS_DOCS)
    query, now = request.query_params, _now(request)
    runs = [
        (number, run)
        for number, run in enumerate(repository.check_runs)
        if query.get("check_name") in (None, run.name) and query.get("status") in (None, run.status)
    ]
    if query.get("filter", "latest") == "latest":  # the newest run of each name only
        newest: dict[str, tuple[int, CheckRun]] = {}
        for number, run in runs:
            if run.name not in newest or run.age_minutes < newest[run.name][1].age_minutes:
                newest[run.name] = (number, run)
        runs = sorted(newest.values(), key=lambda pair: pair[0])
    page, links = paginate(request, runs)
    body = [
        gh.check_run(
            90_000_000 + number,
            run.name,
            repository.head_sha,
            run.status,
            run.conclusion,
            iso(now - run.age_minutes * 60 - 300),
            iso(now - run.age_minutes * 60) if run.status == "completed" else None,
        )
        for number, run in page
    ]
    return _json(request, {"total_count": len(runs), "check_runs": body}, links)


@answers("statuses", STATUS_DOCS)
async def combined_status(request: Request) -> Response:
    repository = _head(request, STATUS_DOCS)
    when = iso(_now(request) - 3000)
    every = [
        gh.commit_status(5_000_000 + n, context, state, repository.head_sha, when)
        for n, (context, state) in enumerate(repository.statuses)
    ]
    states = {state for _, state in repository.statuses}
    state = (
        "failure" if states & {"failure", "error"} else "pending" if not states or "pending" in states else "success"
    )
    page, links = paginate(request, every)
    return _json(request, gh.combined_status(repository.head_sha, page, len(every), state), links)


routes = [
    Route("/repos/{owner}/{repo}", get_repository),
    Route("/repos/{owner}/{repo}/branches/{branch}", get_branch),
    Route("/repos/{owner}/{repo}/branches/{branch}/protection", get_protection),
    Route("/repos/{owner}/{repo}/rules/branches/{branch}", get_branch_rules),
    Route("/repos/{owner}/{repo}/rulesets", list_rulesets),
    Route("/repos/{owner}/{repo}/rulesets/{ruleset_id}", get_ruleset),
    Route("/repos/{owner}/{repo}/actions/workflows/{workflow}/runs", list_workflow_runs),
    Route("/repos/{owner}/{repo}/commits/{ref:path}/check-runs", list_check_runs),
    Route("/repos/{owner}/{repo}/commits/{ref:path}/status", combined_status),
]
