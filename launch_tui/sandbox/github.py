"""A GitHub REST look-alike (`/github`): one repository, `acme/platform`, with branch
protection, rulesets, a nightly workflow and check runs on the head of `main`.

The healthy repository is set up for team_mode "solo". The required checks are split
on purpose: classic protection requires `unit-tests`, a ruleset requires
`api-contract-gate`, so a client that reads only one mechanism misses the gate.
Times are kept as ages and turned into timestamps on read, so a sandbox left running
for a day still has a nightly run from "3 hours ago".
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from launch_tui.sandbox.auth import bearer_token
from launch_tui.sandbox.replies import ApiError
from launch_tui.sandbox.scenarios import Faults
from launch_tui.sandbox.store import iso

OWNER, NAME, BRANCH = "acme", "platform", "main"
CONTRACT_CHECK = "api-contract-gate"
FORCE_RLS_CHECK = "staging-force-rls"
NIGHTLY_WORKFLOW = "nightly-validation.yml"
HTML = f"https://github.com/{OWNER}/{NAME}"
API = f"https://api.github.com/repos/{OWNER}/{NAME}"
ACTIONS_APP = {"id": 15368, "slug": "github-actions", "name": "GitHub Actions"}


@dataclass
class Run:
    id: int
    number: int
    age_hours: float
    conclusion: str


@dataclass
class Repository:
    protected: bool
    head_sha: str
    nightly_runs: list[Run]  # newest first
    check_conclusions: dict[str, str]
    workflow_id: int = field(default_factory=lambda: secrets.randbelow(10**8))

    def classic_protection(self) -> dict[str, Any]:
        url = f"{API}/branches/{BRANCH}/protection"
        return {
            "url": url,
            "required_status_checks": {
                "url": f"{url}/required_status_checks",
                "strict": True,
                "contexts": ["unit-tests"],
                "checks": [{"context": "unit-tests", "app_id": ACTIONS_APP["id"]}],
            },
            "required_pull_request_reviews": {
                "url": f"{url}/required_pull_request_reviews",
                "dismiss_stale_reviews": True,
                "require_code_owner_reviews": False,
                "require_last_push_approval": False,
                "required_approving_review_count": 0,
            },
            "required_conversation_resolution": {"enabled": False},
            "enforce_admins": {"url": f"{url}/enforce_admins", "enabled": False},
            "required_linear_history": {"enabled": True},
            "allow_force_pushes": {"enabled": False},
            "allow_deletions": {"enabled": False},
            "required_signatures": {"url": f"{url}/required_signatures", "enabled": False},
        }

    def branch_rules(self) -> list[dict[str, Any]]:
        if not self.protected:
            return []
        source = {"ruleset_source_type": "Repository", "ruleset_source": f"{OWNER}/{NAME}", "ruleset_id": 4242}
        return [
            {"type": "deletion", **source},
            {"type": "non_fast_forward", **source},
            {"type": "required_status_checks", **source, "parameters": {
                "strict_required_status_checks_policy": False,
                "do_not_enforce_on_create": False,
                "required_status_checks": [{"context": CONTRACT_CHECK, "integration_id": ACTIONS_APP["id"]}],
            }},
            {"type": "pull_request", **source, "parameters": {
                "required_approving_review_count": 0,
                "dismiss_stale_reviews_on_push": True,
                "require_code_owner_review": False,
                "require_last_push_approval": False,
                "required_review_thread_resolution": False,
                "allowed_merge_methods": ["squash"],
            }},
        ]

    def run_json(self, run: Run, now: float) -> dict[str, Any]:
        started = now - run.age_hours * 3600
        return {
            "id": run.id,
            "name": "Nightly validation",
            "workflow_id": self.workflow_id,
            "path": f".github/workflows/{NIGHTLY_WORKFLOW}",
            "run_number": run.number,
            "event": "schedule",
            "head_branch": BRANCH,
            "head_sha": self.head_sha,
            "status": "completed",
            "conclusion": run.conclusion,
            "html_url": f"{HTML}/actions/runs/{run.id}",
            "created_at": iso(started),
            "run_started_at": iso(started),
            "updated_at": iso(started + 42 * 60),
        }

    def check_run_json(self, name: str, number: int, now: float) -> dict[str, Any]:
        run_id = 90_000_000 + number
        conclusion = self.check_conclusions[name]
        return {
            "id": run_id,
            "name": name,
            "head_sha": self.head_sha,
            "status": "completed",
            "conclusion": conclusion,
            "started_at": iso(now - 3900),
            "completed_at": iso(now - 3600),
            "html_url": f"{HTML}/runs/{run_id}",
            "details_url": f"{HTML}/actions/runs/{run_id}",
            "output": {"title": f"{name}: {conclusion}", "summary": "", "annotations_count": 0},
            "app": ACTIONS_APP,
        }


def build_repository(faults: Faults) -> Repository:
    base = 7_000_000_000 + secrets.randbelow(10**6) * 1000
    if faults.nightly_age_hours > 36:
        # Recent nights failed; the last success is old. A client that ignores the
        # status filter and reads the newest run sees a failure, not a stale success.
        history = [(3.0, "failure"), (27.0, "failure"), (faults.nightly_age_hours, "success")]
    else:
        history = [(faults.nightly_age_hours, "success"), (faults.nightly_age_hours + 24, "success"),
                   (faults.nightly_age_hours + 48, "failure")]
    return Repository(
        protected=faults.branch_protected,
        head_sha=secrets.token_hex(20),
        nightly_runs=[Run(base + 3 - index, 400 - index, age, conclusion) for index, (age, conclusion) in enumerate(history)],
        check_conclusions={"unit-tests": "success", CONTRACT_CHECK: "success",
                           FORCE_RLS_CHECK: faults.force_rls_conclusion},
    )


def _repository(request: Request) -> Repository:
    world = request.app.state.world
    token = bearer_token(request.headers, schemes=("bearer", "token"))
    if token is None:
        raise ApiError(401, "unauthorized", "Requires authentication")
    if not secrets.compare_digest(token.encode(), world.credentials.github_token.encode()):
        raise ApiError(401, "unauthorized", "Bad credentials")
    if (request.path_params["owner"].lower(), request.path_params["repo"].lower()) != (OWNER, NAME):
        raise ApiError(404, "not_found", "Not Found")
    return world.repository


def _branch(request: Request) -> Repository:
    repository = _repository(request)
    if request.path_params["branch"] != BRANCH:
        raise ApiError(404, "not_found", "Branch not found")
    return repository


def _int_param(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name, str(default))
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(422, "invalid", f"{name} must be a positive whole number")
    return min(int(raw), maximum)


async def get_repository(request: Request) -> JSONResponse:
    _repository(request)
    return JSONResponse({"id": 123456789, "name": NAME, "full_name": f"{OWNER}/{NAME}", "private": True,
                         "html_url": HTML, "default_branch": BRANCH, "owner": {"login": OWNER, "type": "Organization"}})


async def get_branch(request: Request) -> JSONResponse:
    repository = _branch(request)
    return JSONResponse({"name": BRANCH, "commit": {"sha": repository.head_sha, "url": f"{API}/commits/{repository.head_sha}"},
                         "protected": repository.protected, "protection_url": f"{API}/branches/{BRANCH}/protection"})


async def get_protection(request: Request) -> JSONResponse:
    repository = _branch(request)
    if not repository.protected:
        raise ApiError(404, "not_found", "Branch not protected")
    return JSONResponse(repository.classic_protection())


async def get_branch_rules(request: Request) -> JSONResponse:
    return JSONResponse(_branch(request).branch_rules())


async def list_workflow_runs(request: Request) -> JSONResponse:
    repository = _repository(request)
    if request.path_params["workflow"] != NIGHTLY_WORKFLOW:
        raise ApiError(404, "not_found", "Not Found")
    query = request.query_params
    runs = repository.nightly_runs
    if query.get("branch") and query["branch"] != BRANCH:
        runs = []
    wanted = query.get("status")
    if wanted and wanted != "completed":
        # GitHub's `status` filter takes a status or a conclusion; every run here is completed.
        runs = [run for run in runs if run.conclusion == wanted]
    per_page = _int_param(request, "per_page", 30, 100)
    page = _int_param(request, "page", 1, 10**6)
    now = request.app.state.world.store.now()
    chosen = runs[(page - 1) * per_page:page * per_page]
    return JSONResponse({"total_count": len(runs), "workflow_runs": [repository.run_json(run, now) for run in chosen]})


async def list_check_runs(request: Request) -> JSONResponse:
    repository = _repository(request)
    ref = request.path_params["ref"]
    if ref not in (BRANCH, f"heads/{BRANCH}", f"refs/heads/{BRANCH}") and not (
        len(ref) >= 7 and repository.head_sha.startswith(ref.lower())
    ):
        raise ApiError(422, "unprocessable", f"No commit found for SHA: {ref}")
    names = list(repository.check_conclusions)
    wanted = request.query_params.get("check_name")
    now = request.app.state.world.store.now()
    runs = [repository.check_run_json(name, number, now) for number, name in enumerate(names)
            if wanted is None or name == wanted]
    return JSONResponse({"total_count": len(runs), "check_runs": runs})


routes = [
    Route("/repos/{owner}/{repo}", get_repository),
    Route("/repos/{owner}/{repo}/branches/{branch}", get_branch),
    Route("/repos/{owner}/{repo}/branches/{branch}/protection", get_protection),
    Route("/repos/{owner}/{repo}/rules/branches/{branch}", get_branch_rules),
    Route("/repos/{owner}/{repo}/actions/workflows/{workflow}/runs", list_workflow_runs),
    Route("/repos/{owner}/{repo}/commits/{ref:path}/check-runs", list_check_runs),
]
