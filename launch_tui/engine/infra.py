"""Section 1, Infrastructure Ready: Render service, database, web app, env vars, health."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from launch_tui.clients.errors import TransportError
from launch_tui.clients.platform import parse_health
from launch_tui.clients.render import DeployInfo, ServiceInfo
from launch_tui.clients.text import clean
from launch_tui.engine.base import Verdict, check, errored, failed, passed, warned
from launch_tui.engine.context import RunContext
from launch_tui.target import normalise_url

PREDEPLOY_COMMAND = "cd apps/api && npx prisma migrate deploy"
REQUIRED_ENV = ("DATABASE_URL", "NODE_ENV", "JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY", "CLERK_SECRET_KEY",
                "KEY_HASH_SECRET", "ALLOW_API_KEY_FALLBACK")
# The only two env vars whose value the runbook states; every other value is a secret.
EXPECTED_VALUES = {"NODE_ENV": "production", "ALLOW_API_KEY_FALLBACK": "false"}


def _public_values(ctx: RunContext) -> frozenset[str]:
    return frozenset(v for v in (ctx.target.api_url, ctx.target.web_url) if v)


async def _service(ctx: RunContext, service_id: str) -> ServiceInfo:
    return await ctx.shared(f"render.service.{service_id}", lambda: ctx.render.service(service_id))


async def _deploy(ctx: RunContext, service_id: str) -> DeployInfo | None:
    return await ctx.shared(f"render.deploy.{service_id}", lambda: ctx.render.latest_deploy(service_id))


async def _env(ctx: RunContext, service_id: str) -> dict[str, str]:
    return await ctx.shared(f"render.env.{service_id}",
                            lambda: ctx.render.env_vars(service_id, _public_values(ctx)))


def _deploy_problem(deploy: DeployInfo | None, what: str) -> str | None:
    if deploy is None:
        return f"the {what} has never been deployed; deploy it on Render"
    if deploy.status != "live":
        return (f"the {what}'s latest deploy {clean(deploy.id, 40)} is {clean(deploy.status, 40)}, not live; "
                "read its logs on Render and redeploy")
    return None


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


@check("infra.predeploy-migration")
async def predeploy_migration(ctx: RunContext) -> Verdict:
    service_id = ctx.target.render.api_service_id
    service, deploy = await asyncio.gather(_service(ctx, service_id), _deploy(ctx, service_id))
    problems = [p for p in [_deploy_problem(deploy, "API service")] if p]
    command = _squash(service.pre_deploy_command)
    fix = f"set Settings > Pre-Deploy Command of {service_id} to `{PREDEPLOY_COMMAND}`"
    if not command:
        problems.insert(0, f"the API service has no pre-deploy command, so migrations never run; {fix}")
    elif command != PREDEPLOY_COMMAND and "prisma migrate deploy" not in command:
        problems.insert(0, f"the pre-deploy command `{clean(command, 80)}` does not run prisma migrate deploy; {fix}")
    if problems:
        return failed("; ".join(problems), service_id=service_id)
    if command != PREDEPLOY_COMMAND:
        return warned(f"the pre-deploy command `{clean(command, 80)}` runs prisma migrate deploy but differs from "
                      f"the runbook's `{PREDEPLOY_COMMAND}`; check the difference is intended", service_id=service_id)
    return passed(f"pre-deploy command is `{PREDEPLOY_COMMAND}` and the latest deploy is live",
                  service_id=service_id, deploy_id=deploy.id)


@check("infra.database")
async def database(ctx: RunContext) -> Verdict:
    service_id = ctx.target.render.api_service_id
    env = await _env(ctx, service_id)
    if "DATABASE_URL" not in env:
        return failed(f"DATABASE_URL is not set on the API service {service_id} ({len(env)} env vars read); "
                      "attach the Render Postgres under Environment > Add from Database")
    if not env["DATABASE_URL"].strip():
        return failed(f"DATABASE_URL is set but empty on the API service {service_id}; "
                      "link it to the Render Postgres connection string")
    return passed(f"DATABASE_URL is set on the API service ({len(env)} env vars read, all pages)")


@check("infra.env-vars")
async def env_vars(ctx: RunContext) -> Verdict:
    service_id = ctx.target.render.api_service_id
    env = await _env(ctx, service_id)
    missing = [key for key in REQUIRED_ENV if key not in env]
    empty = [key for key in REQUIRED_ENV if key in env and not env[key].strip()]
    wrong = [key for key, expected in EXPECTED_VALUES.items()
             if key in env and env[key].strip() and env[key].strip().lower() != expected]
    problems = []
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if empty:
        problems.append("empty: " + ", ".join(empty))
    problems += [f"{key} must be {EXPECTED_VALUES[key]}" for key in wrong]
    if problems:
        return failed("; ".join(problems) + f" (on the API service {service_id}); set them under Environment on "
                      "Render and redeploy")
    return passed(f"all {len(REQUIRED_ENV)} required env vars are set; NODE_ENV=production, "
                  "ALLOW_API_KEY_FALLBACK=false")


@check("infra.web-app")
async def web_app(ctx: RunContext) -> Verdict:
    problems: list[str] = []
    errors: list[str] = []
    checked: list[str] = []
    web_url = ctx.target.web_url
    web_service = ctx.target.render.web_service_id if ctx.target.render and ctx.render else None
    parts = []
    if web_url:
        parts.append(_check_web_url(ctx, web_url, problems, checked))
    if web_service:
        parts.append(_check_web_service(ctx, web_service, problems, checked))
    for outcome in await asyncio.gather(*parts, return_exceptions=True):
        if isinstance(outcome, TransportError):
            errors.append(str(outcome))
        elif isinstance(outcome, BaseException):
            raise outcome
    if problems:
        return failed("; ".join(problems))
    if errors:
        return errored("; ".join(errors))
    missing = []
    if not web_url:
        missing.append("web_url not checked (add web_url to the target)")
    if not web_service:
        missing.append("API_URL not checked (add render.web_service_id and set RENDER_API_KEY)")
    return passed("; ".join(checked + missing))


async def _check_web_url(ctx: RunContext, web_url: str, problems: list[str], checked: list[str]) -> None:
    # A redirect (to a login page, say) means the app is up: judge the first answer, don't follow.
    reply = await ctx.web.request("GET", web_url, headers={"Accept": "text/html"}, follow_redirects=False)
    if 200 <= reply.status_code < 400:
        checked.append(f"{web_url} answers HTTP {reply.status_code}")
    else:
        problems.append(f"{web_url} answers HTTP {reply.status_code}; check the web service is deployed and "
                        "its domain points to it")


async def _check_web_service(ctx: RunContext, service_id: str, problems: list[str], checked: list[str]) -> None:
    service, deploy, env = await asyncio.gather(_service(ctx, service_id), _deploy(ctx, service_id),
                                                _env(ctx, service_id))
    if service.suspended:
        problems.append(f"the web service {service_id} is suspended ({clean(service.suspended_state, 40)}); "
                        "resume it on Render")
    if problem := _deploy_problem(deploy, "web service"):
        problems.append(problem)
    api_url = env.get("API_URL", "").strip()
    if not api_url:
        problems.append(f"API_URL is not set on the web service {service_id}; set it to {ctx.target.api_url}")
    elif normalise_url(api_url) != normalise_url(ctx.target.api_url):
        host = urlsplit(api_url).netloc or "a value that is not a URL"
        problems.append(f"the web app's API_URL points to {clean(host, 80)}, not {ctx.target.api_url}; "
                        "fix API_URL on the web service and redeploy")
    else:
        checked.append("the web service is live and its API_URL points to the API")


@check("infra.health", deadline=20)
async def health(ctx: RunContext) -> Verdict:
    reply = await ctx.platform.health()
    data = reply.json_or_none()
    if reply.status_code >= 500:
        said = f", status {clean(data.get('status'), 20)}" if isinstance(data, dict) and data.get("status") else ""
        return failed(f"/health answered HTTP {reply.status_code}{said}: the API is down or failing; "
                      "check the API service's logs on Render")
    if reply.status_code != 200:
        return errored(f"/health answered HTTP {reply.status_code}, expected 200; is api_url right "
                       f"({ctx.target.api_url})?")
    if not isinstance(data, dict):
        body = reply.describe_body() if data is None else f"JSON {type(data).__name__}"
        return errored(f"/health answered HTTP 200 with {body}, not the health JSON; is api_url the API "
                       "(not the web app)?")
    health = parse_health(data)
    if health.pending is None:
        return errored("/health has no checks.migrations.pending count; the API may be an older version "
                       "than the runbook expects")
    if health.status == "down":
        return failed("/health reports status down; check the API service's logs on Render")
    if health.pending > 0:
        return failed(f"{health.pending} pending database migrations; run `{PREDEPLOY_COMMAND}` (the pre-deploy "
                      "command) and redeploy")
    if health.status == "degraded":
        which = ", ".join(clean(name, 30) for name in health.failing) or "a dependency"
        return warned(f"HTTP 200, status degraded ({which} not ok), 0 pending migrations; launch can go ahead, "
                      "but look at it")
    if health.status != "ok":
        return errored(f"/health reports an unknown status {clean(health.status, 30)!r}; expected ok, degraded or down")
    return passed("HTTP 200, status ok, 0 pending migrations", version=health.version or "")
