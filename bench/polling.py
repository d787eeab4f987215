"""5. Polling: how soon after a job finishes `poll_job` notices, against the sandbox
(in this process, so the bench can make each job end just after a poll: the worst
case), and that it never polls sooner than a Retry-After asks (a small local app that
sends one on every poll)."""

from __future__ import annotations

import asyncio
import email.utils
import time

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.common import Figure, Report, median
from bench.fixtures import bench_target
from launch_tui.engine.context import Facts, RunContext
from launch_tui.engine.first_value import enqueue_job, poll_job
from launch_tui.sandbox import SandboxServer
from launch_tui.secrets import Secrets
from launch_tui.target import target_from_dict

# The worst case: a job that ends just after a poll is noticed a whole interval later.
# Each job here ends END_AFTER seconds after poll number N (N = 1..4: the next waits are
# 0.5, 1, 2 and 4 s).
AFTER_POLL = (1, 2, 3, 4)
END_AFTER = 0.02
SLACK = 0.1


async def _notice(sandbox: SandboxServer, target, after_poll: int, start_after: float) -> tuple[float, float]:
    """(seconds from the job's end to the poll that saw it, the poll interval in force then)."""
    await asyncio.sleep(start_after)
    async with RunContext(target, Secrets(sandbox.credentials)) as ctx:
        outcome = await enqueue_job(ctx, f"bench-{after_poll}-{start_after}")
        job_id = ctx.facts.job_id
        if outcome.result.status.value != "pass" or not job_id:
            raise RuntimeError(f"could not enqueue a job: {outcome.result.summary}")
        job = sandbox.state.jobs[job_id]
        job.duration = 3600.0  # until a poll has seen it running: see progress()
        waits: list[float | None] = []
        noticed: list[float] = []

        def progress(update) -> None:
            waits.append(update.next_poll_in_s)
            if len(waits) == after_poll:  # the sandbox reports a job's state from these two
                job.duration = time.time() - job.created_at + END_AFTER
            if update.next_poll_in_s is None:
                noticed.append(time.time())

        result = await poll_job(ctx, job_id, on_progress=progress)
    if result.status.value != "pass" or not noticed:
        raise RuntimeError(f"the poll did not see the job succeed: {result.summary}")
    return noticed[0] - (job.created_at + job.duration), waits[-2]  # the wait before the poll that saw it


async def _completion(runs: int) -> list[tuple[int, float, float]]:
    with SandboxServer() as sandbox:
        target = target_from_dict(sandbox.target_dict())
        plan = [(after_poll, run) for run in range(runs) for after_poll in AFTER_POLL]
        # Every job polled at once, the enqueues spread 50 ms apart.
        found = await asyncio.gather(
            *(_notice(sandbox, target, after_poll, index * 0.05) for index, (after_poll, _) in enumerate(plan))
        )
    return [(after_poll, late, interval) for (after_poll, _), (late, interval) in zip(plan, found, strict=False)]


class RetryAfterApp:
    """Answers every poll of its one job with `running` and a Retry-After (seconds, or an
    HTTP date on the third poll), until the job is done; records when each poll came."""

    ASKS = (0.8, 1.7, "date", 0.3, 1.1)

    def __init__(self) -> None:
        self.polls: list[tuple[float, float | None]] = []  # (when, the earliest next poll it asked for)
        self.app = Starlette(routes=[Route("/api/jobs/{job_id}", self.job)])

    async def job(self, request: Request) -> JSONResponse:
        now = time.time()
        body = {"id": request.path_params["job_id"], "type": "TRADE", "progress": 0.5}
        if len(self.polls) >= len(self.ASKS):
            self.polls.append((now, None))
            return JSONResponse({**body, "status": "succeeded", "progress": 1.0})
        ask = self.ASKS[len(self.polls)]
        if ask == "date":
            at = int(now) + 3  # whole seconds: what an HTTP date can say
            header, earliest = email.utils.formatdate(at, usegmt=True), float(at)
        else:
            header, earliest = f"{ask:g}", now + ask
        self.polls.append((now, earliest))
        return JSONResponse({**body, "status": "running"}, headers={"Retry-After": header})


async def _retry_after() -> list[float]:
    """For every poll after one that asked for a Retry-After: how much later than asked it came."""
    server = RetryAfterApp()
    facts = Facts(job_id="job_bench", job_type="TRADE")
    async with RunContext(
        bench_target(), Secrets({}), facts, http_transport=httpx.ASGITransport(app=server.app)
    ) as ctx:
        facts.access_token = "bench-token"  # the tenant token poll_job would otherwise exchange a key for
        result = await poll_job(ctx, "job_bench")
    if result.status.value != "pass":
        raise RuntimeError(f"the Retry-After poll did not finish: {result.summary}")
    return [
        later - earliest for (_, earliest), (later, _) in zip(server.polls, server.polls[1:], strict=False) if earliest
    ]


def run(report: Report, runs: int) -> None:
    print("5. Polling", flush=True)
    found = asyncio.run(_completion(runs))
    margins = [late - interval for _, late, interval in found]
    per_run = [max(margins[index : index + len(AFTER_POLL)]) for index in range(0, len(margins), len(AFTER_POLL))]
    lines = "; ".join(
        f"ending {END_AFTER * 1000:.0f} ms after poll {n}: noticed "
        f"{median([late for k, late, _ in found if k == n]):.2f} s later, "
        f"interval {median([i for k, _, i in found if k == n]):g} s"
        for n in AFTER_POLL
    )
    report.add(
        Figure(
            "Polling",
            "job end noticed: lateness − the poll interval in force",
            median(per_run) * 1000,
            "ms",
            f"≤ {SLACK * 1000:.0f} ms",
            median(per_run) <= SLACK,
            f"each run's worst of {len(AFTER_POLL)} jobs, each ending just after a poll; worst of all "
            f"{max(margins) * 1000:.0f} ms; {lines}",
        )
    )
    early = []
    for _ in range(runs):
        early += asyncio.run(_retry_after())
    report.add(
        Figure(
            "Polling",
            "earliest poll after a Retry-After (poll time − time asked)",
            min(early) * 1000,
            "ms",
            "≥ 0 ms",
            min(early) >= 0,
            f"{len(early)} polls over {runs} runs, Retry-After 0.3–1.7 s and an "
            f"HTTP date; median {median(early) * 1000:.0f} ms later than asked",
        )
    )
