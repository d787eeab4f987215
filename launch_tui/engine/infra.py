"""Section 1, Infrastructure Ready: Render service, database, web app, env vars, health."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from launch_tui.clients.errors import BadReply, TransportError
from launch_tui.clients.platform import parse_health
from launch_tui.clients.render import Deploys, PostgresInfo, RenderClient, ServiceEnv, ServiceInfo
from launch_tui.clients.render_models import database_host, render_postgres_id
from launch_tui.clients.text import clean
from launch_tui.engine.base import Unavailable, Verdict, check, errored, failed, passed, warned
from launch_tui.engine.context import RunContext
from launch_tui.engine.render_judge import Judgement, judge_deploys, judge_postgres, judge_unmatched
from launch_tui.target import RenderTarget, normalise_url

PREDEPLOY_COMMAND = "cd apps/api && npx prisma migrate deploy"
REQUIRED_ENV = (
    "DATABASE_URL",
    "NODE_ENV",
    "JWT_PRIVATE_KEY",
    "JWT_PUBLIC_KEY",
    "CLERK_SECRET_KEY",
    "KEY_HASH_SECRET",
    "ALLOW_API_KEY_FALLBACK",
)
# The only two env vars whose value the runbook states; every other value is a secret.
EXPECTED_VALUES = {"NODE_ENV": "production", "ALLOW_API_KEY_FALLBACK": "false"}


def _public_values(ctx: RunContext) -> frozenset[str]:
    return frozenset(v for v in (ctx.target.api_url, ctx.target.web_url) if v)


def _render(ctx: RunContext) -> RenderClient:
    client = ctx.render
    assert client is not None, "the registry runs the Render items only with RENDER_API_KEY and [render]"
    return client


async def _service(ctx: RunContext, service_id: str) -> ServiceInfo:
    service: ServiceInfo = await ctx.shared(f"render.service.{service_id}", lambda: _render(ctx).service(service_id))
    return service


async def _deploys(ctx: RunContext, service_id: str) -> Deploys:
    deploys: Deploys = await ctx.shared(f"render.deploys.{service_id}", lambda: _render(ctx).deploys(service_id))
    return deploys


async def _env(ctx: RunContext, service_id: str) -> ServiceEnv:
    """The service's own env vars and its linked env groups', read once per batch; neither
    waits for the service itself (see RenderClient.own_env and group_env_of)."""

    async def groups() -> ServiceEnv:
        env: ServiceEnv = await ctx.shared(
            f"render.group-env.{service_id}",
            lambda: _render(ctx).group_env_of(service_id, lambda: _service(ctx, service_id), _public_values(ctx)),
        )
        return env

    async def read() -> ServiceEnv:
        try:
            own, linked = await asyncio.gather(_own_env(ctx, service_id), groups())
        except TransportError:
            await _service(ctx, service_id)  # a service that is not there is named as such, not by its env vars
            raise
        return own.with_groups(linked)

    env: ServiceEnv = await ctx.shared(f"render.env.{service_id}", read)
    return env


async def _own_env(ctx: RunContext, service_id: str) -> ServiceEnv:
    def seen(so_far: ServiceEnv) -> None:
        if "infra.database" in ctx.batch_items:
            _start_postgres(ctx, so_far)

    env: ServiceEnv = await ctx.shared(
        f"render.own-env.{service_id}", lambda: _render(ctx).own_env(service_id, _public_values(ctx), seen)
    )
    return env


async def _postgres(ctx: RunContext, postgres_id: str) -> PostgresInfo | None:
    found: PostgresInfo | None = await ctx.shared(
        f"render.postgres.{postgres_id}", lambda: _render(ctx).postgres(postgres_id)
    )
    return found


def _start_postgres(ctx: RunContext, own: ServiceEnv) -> None:
    """A DATABASE_URL set on the service itself is the one it gets (it wins over its groups'),
    final as soon as a page of its own env vars shows it: the Render Postgres its host names
    is asked for then, beside the rest, instead of after them. The same request
    infra.database makes (it awaits this one); nothing is asked that it would not ask."""
    host = database_host(own.get("DATABASE_URL").strip()) if "DATABASE_URL" in own else None
    postgres_id = render_postgres_id(host) if host else None
    if postgres_id:
        ctx.prefetch(f"render.postgres.{postgres_id}", lambda: _render(ctx).postgres(postgres_id))


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


def _render_target(ctx: RunContext) -> RenderTarget:
    """The target's [render] table; the plan runs a Render check only when there is one."""
    if ctx.target.render is None:
        raise Unavailable("the target has no [render] table: add the service ids to check Render")
    return ctx.target.render


@check("infra.predeploy-migration")
async def predeploy_migration(ctx: RunContext) -> Verdict:
    service_id = _render_target(ctx).api_service_id
    service, deploys = await asyncio.gather(_service(ctx, service_id), _deploys(ctx, service_id))
    # A failed pre-deploy is this item's own failure (the migration did not run), even while an older deploy serves.
    deploy = judge_deploys(deploys, "API service", fail_even_if_serving=frozenset({"pre_deploy_failed"}))
    problems = [deploy.text] if deploy.level == "fail" else []
    command = _squash(service.pre_deploy_command)
    fix = f"set Settings > Pre-Deploy Command of {service_id} to `{PREDEPLOY_COMMAND}`"
    if not command:
        problems.insert(0, f"the API service has no pre-deploy command, so migrations never run; {fix}")
    elif command != PREDEPLOY_COMMAND and "prisma migrate deploy" not in command:
        problems.insert(0, f"the pre-deploy command `{clean(command, 80)}` does not run prisma migrate deploy; {fix}")
    if problems:
        return failed("; ".join(problems), service_id=service_id)
    notes = [deploy.text] if deploy.level == "warn" else []
    if command != PREDEPLOY_COMMAND:
        notes.insert(
            0,
            f"the pre-deploy command `{clean(command, 80)}` runs prisma migrate deploy but differs from "
            f"the runbook's `{PREDEPLOY_COMMAND}`; check the difference is intended",
        )
    serving = deploys.live.id if deploys.live else ""
    if notes:
        return warned("; ".join(notes), service_id=service_id, deploy_id=serving)
    return passed(
        f"pre-deploy command is `{PREDEPLOY_COMMAND}` and the latest deploy is live",
        service_id=service_id,
        deploy_id=serving,
    )


@check("infra.database")
async def database(ctx: RunContext) -> Verdict:
    service_id = _render_target(ctx).api_service_id
    service, env = await asyncio.gather(_service(ctx, service_id), _env(ctx, service_id))
    fix = "attach the Render Postgres under Environment > Add from Database, or link the env group that holds it"
    if "DATABASE_URL" not in env:
        return failed(
            f"DATABASE_URL is not set on the API service {service_id} ({len(env)} env vars read from "
            f"{env.read_from()}); {fix}"
        )
    how = f"DATABASE_URL (from {env.source('DATABASE_URL')})"
    url = env.get("DATABASE_URL").strip()
    if not url:
        return failed(
            f"{how} is set but empty on the API service {service_id}; link it to the Render Postgres connection string"
        )
    host = database_host(url)
    if host is None:
        return failed(f"{how} is not a URL with a host; set it to the Render Postgres internal connection string")
    judgement = await _judge_database(ctx, service, host, how)
    source = env.source("DATABASE_URL")
    if judgement.level == "ok":
        return passed(judgement.text, service_id=service_id, source=source)
    if judgement.level == "warn":
        return warned(judgement.text, service_id=service_id, source=source)
    return failed(judgement.text, service_id=service_id, source=source)


async def _judge_database(ctx: RunContext, service: ServiceInfo, host: str, how: str) -> Judgement:
    """Tie DATABASE_URL's host to a Render Postgres: by the id its host carries (internal or
    external host), else by looking through the workspace's instances."""
    postgres_id = render_postgres_id(host)
    try:
        if postgres_id:
            found = await _postgres(ctx, postgres_id)
            if found is not None:
                return judge_postgres(found, service, how)
            return Judgement(
                "warn",
                f"{how} names Render Postgres {clean(postgres_id, 40)}, which RENDER_API_KEY "
                "cannot see (another workspace's, or deleted): cannot tell whether it is "
                "available; check it on Render, or use a key of a member of its workspace",
            )
        visible = await _render(ctx).postgres_list(service.owner_id)
    except BadReply as exc:
        if exc.status_code in (401, 403):
            return Judgement("warn", f"{how} is set, but cannot tell which Render Postgres it names: {exc}")
        raise
    match: PostgresInfo | None = next((d for d in visible if host in d.hosts()), None)
    return judge_postgres(match, service, how) if match else judge_unmatched(host, how, visible)


@check("infra.env-vars")
async def env_vars(ctx: RunContext) -> Verdict:
    service_id = _render_target(ctx).api_service_id
    env = await _env(ctx, service_id)
    missing = [key for key in REQUIRED_ENV if key not in env]
    empty = [key for key in REQUIRED_ENV if key in env and not env.get(key).strip()]
    wrong = [
        key
        for key, expected in EXPECTED_VALUES.items()
        if key in env and env.get(key).strip() and env.get(key).strip().lower() != expected
    ]
    problems = []
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if empty:
        problems.append("empty: " + ", ".join(empty))
    problems += [f"{key} must be {EXPECTED_VALUES[key]} (set in {env.source(key)})" for key in wrong]
    if problems:
        return failed(
            "; ".join(problems) + f" (on the API service {service_id}, read from {env.read_from()}); "
            "set them under Environment on Render, or in a linked env group, and redeploy"
        )
    return passed(
        f"all {len(REQUIRED_ENV)} required env vars are set ({env.by_source(REQUIRED_ENV)}); "
        "NODE_ENV=production, ALLOW_API_KEY_FALLBACK=false"
    )


@check("infra.web-app")
async def web_app(ctx: RunContext) -> Verdict:
    problems: list[str] = []
    notes: list[str] = []
    errors: list[str] = []
    checked: list[str] = []
    web_url = ctx.target.web_url
    web_service = ctx.target.render.web_service_id if ctx.target.render and ctx.render else None
    parts = []
    if web_url:
        parts.append(_check_web_url(ctx, web_url, problems, checked))
    if web_service:
        parts.append(_check_web_service(ctx, web_service, problems, notes, checked))
    for outcome in await asyncio.gather(*parts, return_exceptions=True):
        if isinstance(outcome, TransportError):
            errors.append(str(outcome))
        elif isinstance(outcome, BaseException):
            raise outcome
    if problems:
        return failed("; ".join(problems + notes))
    if errors:
        return errored("; ".join(errors))
    if notes:
        return warned("; ".join(notes + checked))
    missing = []
    if not web_url:
        missing.append("web_url not checked (add web_url to the target)")
    if not web_service:
        missing.append("API_URL not checked (add render.web_service_id and set RENDER_API_KEY)")
    return passed("; ".join(checked + missing))


async def _check_web_url(ctx: RunContext, web_url: str, problems: list[str], checked: list[str]) -> None:
    # Requested exactly as the target writes it (a trailing slash can matter to the server).
    # A redirect (to a login page, say) means the app is up: judge the first answer, don't follow.
    reply = await ctx.web.request("GET", web_url, headers={"Accept": "text/html"}, follow_redirects=False)
    if 200 <= reply.status_code < 400:
        checked.append(f"{web_url} answers HTTP {reply.status_code}")
    else:
        problems.append(
            f"{web_url} answers HTTP {reply.status_code}; check the web service is deployed and its domain points to it"
        )


async def _check_web_service(
    ctx: RunContext, service_id: str, problems: list[str], notes: list[str], checked: list[str]
) -> None:
    service, deploys, env = await asyncio.gather(
        _service(ctx, service_id), _deploys(ctx, service_id), _env(ctx, service_id)
    )
    if service.suspended:
        problems.append(
            f"the web service {service_id} is suspended ({clean(service.suspended_state, 40)}); resume it on Render"
        )
    deploy = judge_deploys(deploys, "web service")
    if deploy.level == "fail":
        problems.append(deploy.text)
    elif deploy.level == "warn":
        notes.append(deploy.text)
    api_url = env.get("API_URL").strip()
    source = env.source("API_URL")
    if not api_url:
        problems.append(
            f"API_URL is not set on the web service {service_id} (read from {env.read_from()}); "
            f"set it to {ctx.target.api_url}"
        )
    elif normalise_url(api_url) != normalise_url(ctx.target.api_url):
        host = urlsplit(api_url).netloc or "a value that is not a URL"
        problems.append(
            f"the web app's API_URL (from {source}) points to {clean(host, 80)}, not "
            f"{ctx.target.api_url}; fix API_URL there and redeploy"
        )
    elif deploy.level == "ok":
        checked.append(f"the web service is live and its API_URL (from {source}) points to the API")
    else:
        checked.append(f"the web service's API_URL (from {source}) points to the API")


@check("infra.health", deadline=20)
async def health(ctx: RunContext) -> Verdict:
    reply = await ctx.platform.health()
    data = reply.json_or_none()
    if reply.status_code >= 500:
        said = f", status {clean(data.get('status'), 20)}" if isinstance(data, dict) and data.get("status") else ""
        return failed(
            f"/health answered HTTP {reply.status_code}{said}: the API is down or failing; "
            "check the API service's logs on Render"
        )
    if reply.status_code != 200:
        return errored(
            f"/health answered HTTP {reply.status_code}, expected 200; is api_url right ({ctx.target.api_url})?"
        )
    if not isinstance(data, dict):
        body = reply.describe_body() if data is None else f"JSON {type(data).__name__}"
        return errored(
            f"/health answered HTTP 200 with {body}, not the health JSON; is api_url the API (not the web app)?"
        )
    health = parse_health(data)
    if health.pending is None:
        return errored(
            "/health has no checks.migrations.pending count; the API may be an older version than the runbook expects"
        )
    if health.status == "down":
        return failed("/health reports status down; check the API service's logs on Render")
    if health.pending > 0:
        return failed(
            f"{health.pending} pending database migrations; run `{PREDEPLOY_COMMAND}` (the pre-deploy "
            "command) and redeploy"
        )
    if health.status == "degraded":
        which = ", ".join(clean(name, 30) for name in health.failing) or "a dependency"
        return warned(
            f"HTTP 200, status degraded ({which} not ok), 0 pending migrations; launch can go ahead, but look at it"
        )
    if health.status != "ok":
        return errored(f"/health reports an unknown status {clean(health.status, 30)!r}; expected ok, degraded or down")
    return passed("HTTP 200, status ok, 0 pending migrations", version=health.version or "")
