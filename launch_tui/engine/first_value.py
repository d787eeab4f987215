"""Section 4, First-Value API Flow: token, enqueue, poll, results, artifact.

Works from the session's facts (tenant, key, job). The customer's key and token live
in memory only; headless, `LAUNCH_INTEGRATION_KEY` may stand in for the customer's key
if it belongs to the session's tenant.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from launch_tui.clients.deadline import current_deadline
from launch_tui.clients.errors import BadReply
from launch_tui.clients.platform import (
    CSV_HEADERS,
    JOB_TYPES,
    RESULTS_PATHS,
    UPLOAD_PATHS,
    JobInfo,
    parse_job,
    sample_csv,
)
from launch_tui.clients.ratelimit import retry_after
from launch_tui.clients.text import clean
from launch_tui.clients.transport import Reply
from launch_tui.engine.auth import remember_token
from launch_tui.engine.base import (
    ActionOutcome,
    Unavailable,
    Verdict,
    check,
    errored,
    failed,
    notify,
    passed,
    perform,
    skipped,
)
from launch_tui.engine.context import Facts, RunContext
from launch_tui.results import CheckResult
from launch_tui.secrets import Secrets
from launch_tui.target import Target

POLL_DEADLINE = 120.0
POLL_FIRST_DELAY = 0.5
POLL_MAX_DELAY = 5.0
sleep = asyncio.sleep  # the poll's pause; a module attribute so tests can replace it alone


@dataclass(frozen=True)
class PollProgress:
    """What the TUI shows while a job is polled."""

    attempt: int
    elapsed_s: float
    status: str
    progress: float | None
    next_poll_in_s: float | None  # None once final


# Tokens ---------------------------------------------------------------------------------


async def tenant_token(ctx: RunContext, *, refresh: bool = False) -> str:
    """A bearer token for the customer's tenant: the one in memory, or a fresh exchange of the
    customer's key, or of LAUNCH_INTEGRATION_KEY when it belongs to the session's tenant."""
    facts = ctx.facts
    if facts.access_token and not refresh:
        return facts.access_token
    integration_key = ctx.secrets.get("LAUNCH_INTEGRATION_KEY")
    if facts.customer_key:
        key, source = facts.customer_key, "the customer's key"
    elif integration_key:
        key, source = integration_key, "LAUNCH_INTEGRATION_KEY"
    else:
        raise Unavailable(
            "no key for the customer's tenant: its key is held in memory only during the wizard; "
            "to check headless, set LAUNCH_INTEGRATION_KEY to a key of the customer's tenant"
        )
    reply = await ctx.platform.exchange_token(key)
    token = remember_token(reply) if reply.ok else None
    if not token:
        raise BadReply(f"could not get a token with {source} ({reply.status_text()})", reply)
    data = reply.json_or_none() or {}
    owner = data.get("tenantId") if isinstance(data, dict) else None
    if facts.tenant_id and isinstance(owner, str) and owner != facts.tenant_id:
        raise Unavailable(
            f"{source} belongs to tenant {clean(owner, 40)}, not the customer's {facts.tenant_id}; "
            "set LAUNCH_INTEGRATION_KEY to a key of the customer's tenant"
        )
    facts.access_token = token
    return token


async def _with_token(ctx: RunContext, call: Callable[[str], Awaitable[Reply]]) -> Reply:
    """Call with the tenant token; on a 401 (expired token) exchange once more and retry."""
    reply = await call(await tenant_token(ctx))
    if reply.status_code == 401:
        reply = await call(await tenant_token(ctx, refresh=True))
    return reply


def needs_customer_key(target: Target, secrets: Secrets, facts: Facts | None) -> str | None:
    if facts and facts.customer_key:
        return None
    return (
        "the customer's key is held in memory only while the wizard runs; issue it in section 3 "
        "(or resume the wizard) to check the exchange"
    )


def needs_job(target: Target, secrets: Secrets, facts: Facts | None) -> str | None:
    if not (facts and facts.job_id):
        return "no job yet: enqueue the customer's first job in section 4 (launch-tui resume), then check again"
    if not (facts.access_token or facts.customer_key or secrets.has("LAUNCH_INTEGRATION_KEY")):
        return (
            "no key for the customer's tenant: its key is held in memory only during the wizard; set "
            "LAUNCH_INTEGRATION_KEY to a key of the customer's tenant to check this headless"
        )
    return None


@check("first-value.token", requires=needs_customer_key)
async def customer_token(ctx: RunContext) -> Verdict:
    reply = await ctx.platform.exchange_token(ctx.facts.customer_key)
    token = remember_token(reply) if reply.ok else None
    if token:
        ctx.facts.access_token = token
        return passed(
            f"the customer's key {ctx.facts.key_prefix or ''}… was exchanged for a bearer token "
            f"(HTTP {reply.status_code})",
            key_id=ctx.facts.key_id or "",
        )
    if reply.ok:
        return failed(f"HTTP {reply.status_code} but no access token in the body")
    if reply.status_code >= 500:
        return errored(f"the token endpoint failed ({reply.status_text()}); check the API's logs")
    return failed(f"the customer's key was refused ({reply.status_text()}); was it revoked? issue a new one")


# Enqueue ------------------------------------------------------------------------------------


async def enqueue_job(
    ctx: RunContext,
    idempotency_key: str,
    job_type: str = "TRADE",
    *,
    csv: bytes | None = None,
    filename: str | None = None,
    records: list[dict[str, Any]] | None = None,
) -> ActionOutcome:
    """Enqueue the customer's first job: a CSV upload (a one-row sample if `csv` is None),
    or, for TRADE with `records`, a batch. Sets `facts.job_id` and `facts.job_type`."""
    job_type = job_type.upper()
    if job_type not in JOB_TYPES:
        raise ValueError(f"job type must be one of {', '.join(JOB_TYPES)}")

    async def run() -> Verdict:
        if records is not None:
            reply = await _with_token(ctx, lambda token: ctx.platform.batch(records, token, idempotency_key))
            route = "POST /api/sima/batch"
        else:
            body = csv if csv is not None else sample_csv(job_type)
            name = filename or f"{job_type.lower()}-first-upload.csv"
            reply = await _with_token(
                ctx, lambda token: ctx.platform.upload(job_type, body, name, token, idempotency_key)
            )
            route = f"POST {UPLOAD_PATHS[job_type]}"
        if reply.status_code == 400:
            data = reply.json_or_none()
            details = data.get("error", {}).get("details") if isinstance(data, dict) else None
            why = "; ".join(clean(d, 80) for d in details[:3]) if isinstance(details, list) else ""
            return failed(
                f"{route} refused the file ({reply.status_text()}){': ' + why if why else ''}; "
                f"the header row must be: {', '.join(_header(job_type))}"
            )
        if reply.status_code >= 500:
            # Upload routes do not replay an Idempotency-Key, so this is not retried automatically;
            # the platform may have made the job before failing, so the outcome is unknown.
            verdict = errored(
                f"{route} answered {reply.status_text()} and no job id came back; the platform or its proxy failed"
            )
            verdict.definite = False
            return verdict
        if not reply.ok:
            return failed(f"{route} answered {reply.status_text()}, expected 202")
        job = parse_job(reply.json_object())
        if job is None:
            return failed(f"{route} answered HTTP {reply.status_code} without a job id")
        kind = job.type or ("TRADE" if records is not None else job_type)
        ctx.facts.update(job_id=job.id, job_type=kind)
        return passed(
            f"{kind} job {job.id} enqueued ({job.status})", job_id=job.id, job_type=kind, job_status=job.status
        )

    return await perform(ctx, "first-value.enqueue", run)


def _header(job_type: str) -> list[str]:
    return CSV_HEADERS[job_type].split(",")


# Poll -----------------------------------------------------------------------------------------


async def _poll(ctx: RunContext, job_id: str, on_progress: Callable[[PollProgress], Any] | None) -> Verdict:
    loop = asyncio.get_running_loop()
    started = loop.time()
    delay = POLL_FIRST_DELAY
    attempt = 0
    while True:
        attempt += 1
        reply = await _with_token(ctx, lambda token: ctx.platform.job(job_id, token))
        elapsed = loop.time() - started
        if reply.status_code == 404:
            return failed(
                f"job {job_id} not found ({reply.status_text()}); it belongs to another tenant or was never created",
                job_id=job_id,
            )
        if not reply.ok:
            return errored(f"GET /api/jobs/{job_id} answered {reply.status_text()}", job_id=job_id)
        job = parse_job(reply.json_object())
        if job is None:
            return errored(f"GET /api/jobs/{job_id} answered without a job status", job_id=job_id)
        # Never sooner than the server asks (Retry-After), never later than the backoff allows.
        wait = None if job.final else max(delay, retry_after(reply.headers) or 0.0)
        await notify(on_progress, PollProgress(attempt, round(elapsed, 1), job.status, job.progress, wait))
        if job.final:
            return _final(job, attempt, elapsed)
        assert wait is not None  # not final, so a wait was chosen above
        budget = current_deadline()
        if budget is not None and wait >= budget.remaining():
            return errored(
                f"job {job_id} is still {clean(job.status, 20)} after {elapsed:.0f} s; poll it again later",
                job_id=job_id,
                job_status=job.status,
            )
        await sleep(wait)
        delay = min(delay * 2, POLL_MAX_DELAY)


def _final(job: JobInfo, attempt: int, elapsed: float) -> Verdict:
    if job.status == "succeeded":
        return passed(
            f"{job.type or 'the'} job {job.id} succeeded ({attempt} polls, {elapsed:.1f} s)",
            job_id=job.id,
            job_status=job.status,
            completed_at=job.updated_at or "",
        )
    why = ": ".join(clean(part, 80) for part in (job.error_code, job.error_message) if part)
    return failed(
        f"job {job.id} failed{' (' + why + ')' if why else ''}; fix the input or ask the platform team, "
        "then enqueue again",
        job_id=job.id,
        job_status=job.status,
    )


async def poll_job(
    ctx: RunContext,
    job_id: str | None = None,
    *,
    deadline_s: float = POLL_DEADLINE,
    on_progress: Callable[[PollProgress], Any] | None = None,
) -> CheckResult:
    """Poll until the job is final or the deadline passes, with backoff (0.5 s doubling to 5 s),
    never sooner than a Retry-After asks. `on_progress` (sync or async) sees every poll."""

    async def run() -> Verdict:
        target_job = job_id or ctx.facts.job_id
        if not target_job:
            raise Unavailable("no job to poll: enqueue one first")
        return await _poll(ctx, target_job, on_progress)

    return (await perform(ctx, "first-value.poll", run, deadline_s)).result


def _job_id(ctx: RunContext) -> str:
    """The job a check's `needs_job` precondition promised."""
    if not ctx.facts.job_id:
        raise Unavailable("no job yet: enqueue the customer's first job in section 4, then check again")
    return ctx.facts.job_id


@check("first-value.poll", deadline=POLL_DEADLINE, requires=needs_job)
async def poll_check(ctx: RunContext) -> Verdict:
    return await _poll(ctx, _job_id(ctx), None)


# Results and the artifact ---------------------------------------------------------------------

PREVIEW_ROWS = 20


async def _results(ctx: RunContext, preview: list[dict[str, Any]] | None = None) -> Verdict:
    """`preview`, if given, receives the first rows (for the wizard's table; never recorded)."""
    job_id, job_type = _job_id(ctx), (ctx.facts.job_type or "TRADE").upper()
    if job_type not in RESULTS_PATHS:
        return skipped(f"{job_type} jobs have no results route in the runbook; the job reaching succeeded is the proof")
    reply = await _with_token(ctx, lambda token: ctx.platform.results(job_type, job_id, token))
    what = "findings" if job_type == "SHIP" else "results"
    if reply.status_code == 409:
        return failed(
            f"the job has not finished ({reply.status_text()}); poll it until it succeeds, then read its {what}",
            job_id=job_id,
        )
    if not reply.ok:
        return failed(f"reading the {what} of {job_id} answered {reply.status_text()}", job_id=job_id)
    data = reply.json_object()
    items = data.get("items")
    if not isinstance(items, list):
        return errored(f"the {what} of {job_id} came back without an items list")
    total = data.get("total") if isinstance(data.get("total"), int) else len(items)
    if preview is not None:
        preview.extend(row for row in items[:PREVIEW_ROWS] if isinstance(row, dict))
    return passed(
        f"{total} {what} readable for {job_type} job {job_id} (HTTP {reply.status_code})",
        job_id=job_id,
        total=total,
        request_id=reply.request_id or "",
    )


async def read_results(ctx: RunContext) -> CheckResult:
    """Read the job's results (TRADE) or findings (SHIP)."""

    async def run() -> Verdict:
        if not ctx.facts.job_id:
            raise Unavailable("no job yet: enqueue one first")
        return await _results(ctx)

    return (await perform(ctx, "first-value.results", run)).result


async def read_results_preview(ctx: RunContext) -> tuple[CheckResult, list[dict[str, Any]]]:
    """`read_results`, plus the first rows to show the operator (kept in memory only)."""
    rows: list[dict[str, Any]] = []

    async def run() -> Verdict:
        if not ctx.facts.job_id:
            raise Unavailable("no job yet: enqueue one first")
        return await _results(ctx, rows)

    return (await perform(ctx, "first-value.results", run)).result, rows


@check("first-value.results", requires=needs_job)
async def results_check(ctx: RunContext) -> Verdict:
    return await _results(ctx)


@check("first-value.artifact", requires=needs_job)
async def artifact(ctx: RunContext) -> Verdict:
    """The end-to-end proof: the job succeeded and its output is readable, with request ids
    and timestamps from this run (and from earlier steps of this run, if any)."""
    job_id = _job_id(ctx)
    reply = await _with_token(ctx, lambda token: ctx.platform.job(job_id, token))
    job = parse_job(reply.json_or_none()) if reply.ok else None
    if job is None:
        return failed(f"job {job_id} could not be read ({reply.status_text()})", job_id=job_id)
    if job.status != "succeeded":
        return failed(
            f"job {job_id} is {clean(job.status, 20)}, not succeeded; no end-to-end artifact yet", job_id=job_id
        )
    results = await _results(ctx)
    if results.status.value not in ("pass", "skip"):
        return failed(f"job {job_id} succeeded but its output is not readable: {results.summary}", job_id=job_id)
    request_ids = _request_ids(ctx) + [str(rid) for rid in (reply.request_id, results.refs.get("request_id")) if rid]
    request_ids = list(dict.fromkeys(request_ids))
    return passed(
        f"{job.type or 'job'} {job_id} succeeded at {clean(job.updated_at or '?', 30)}; "
        f"request ids {', '.join(clean(r, 40) for r in request_ids[:6])}",
        job_id=job_id,
        job_type=job.type,
        completed_at=job.updated_at or "",
        request_ids=",".join(request_ids),
        environment=ctx.target.environment,
    )


def _request_ids(ctx: RunContext) -> list[str]:
    ids = []
    for item in ("first-value.token", "first-value.enqueue", "first-value.poll", "first-value.results"):
        result = ctx.results.get(item)
        if result is not None:
            ids += [e.request_id for e in result.evidence if e.request_id]
    return ids
