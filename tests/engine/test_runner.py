"""The runner: concurrency, dependency order, callbacks, crash isolation, deadlines and
cancellation, against a real sandbox (with added latency where timing matters)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest

from launch_tui.clients import Policy
from launch_tui.engine import RunContext, run_items
from launch_tui.engine.base import CHECKS
from launch_tui.errors import LaunchError
from launch_tui.results import Status
from launch_tui.secrets import registry

from .helpers import onboard, secrets_of, target_of

INDEPENDENT = [
    "infra.predeploy-migration",
    "infra.database",
    "infra.env-vars",
    "infra.health",
    "auth.token-valid",
    "auth.token-revoked",
    "auth.token-invalid",
    "auth.route-enforcement",
    "guardrails.contract-gate",
    "guardrails.nightly",
]


@pytest.fixture(scope="module")
def slow_sandbox(make_module_sandbox):
    return make_module_sandbox(latency_ms=300, job_seconds=0.2)


async def test_results_come_in_checklist_order_whatever_the_request_order(shared_sandbox):
    async with RunContext(target_of(shared_sandbox), secrets_of(shared_sandbox)) as ctx:
        results = await run_items(ctx, ["guardrails.nightly", "infra.health", "auth.token-valid"])
    assert [r.id for r in results] == ["infra.health", "auth.token-valid", "guardrails.nightly"]


async def test_unknown_item_is_refused_before_anything_runs(shared_sandbox):
    async with RunContext(target_of(shared_sandbox), secrets_of(shared_sandbox)) as ctx:
        with pytest.raises(LaunchError, match=r"unknown checklist item 'infra\.nope'"):
            await run_items(ctx, ["infra.health", "infra.nope"])


async def test_independent_checks_run_concurrently(slow_sandbox):
    events: list[tuple[str, str]] = []
    started = time.monotonic()
    async with RunContext(target_of(slow_sandbox), secrets_of(slow_sandbox)) as ctx:
        results = await run_items(
            ctx,
            INDEPENDENT,
            on_start=lambda i: events.append(("start", i)),
            on_result=lambda r: events.append(("done", r.id)),
        )
    elapsed = time.monotonic() - started
    assert all(r.status is Status.PASS for r in results), [(r.id, r.summary) for r in results]
    first_done = next(n for n, (kind, _) in enumerate(events) if kind == "done")
    assert {i for kind, i in events[:first_done]} == set(INDEPENDENT)  # all started before any finished
    # Sequentially this is ~40 requests x 0.3 s; concurrently a handful of round trips.
    assert elapsed < 6


async def test_dependent_checks_wait_for_their_dependencies(slow_sandbox):
    facts = await onboard(slow_sandbox)
    events: list[str] = []

    async def on_result(result):  # async callbacks are awaited
        events.append(f"done {result.id}")

    async with RunContext(target_of(slow_sandbox), secrets_of(slow_sandbox), facts) as ctx:
        await run_items(
            ctx,
            ["first-value.artifact", "first-value.results", "first-value.poll", "infra.health"],
            on_start=lambda i: events.append(f"start {i}"),
            on_result=on_result,
        )
    assert events.index("done first-value.poll") < events.index("start first-value.results")
    assert events.index("done first-value.results") < events.index("start first-value.artifact")
    assert events.index("start infra.health") < events.index("done first-value.poll")


async def test_a_crashing_check_is_one_error_line_and_the_others_carry_on(shared_sandbox, monkeypatch):
    registry.add("crash-secret-value-42")

    async def boom(ctx):
        raise RuntimeError("exploded holding crash-secret-value-42\nsecond line")

    monkeypatch.setitem(CHECKS, "infra.health", replace(CHECKS["infra.health"], run=boom))
    async with RunContext(target_of(shared_sandbox), secrets_of(shared_sandbox)) as ctx:
        results = await run_items(
            ctx, ["infra.health", "auth.token-invalid", "auth.route-enforcement"], on_result=lambda r: 1 / 0
        )  # a broken callback is logged, not fatal
    health, invalid, routes = results
    assert health.status is Status.ERROR and "RuntimeError" in health.summary
    assert "crash-secret" not in health.summary and "\n" not in health.summary
    assert invalid.status is Status.PASS and routes.status is Status.PASS


async def test_a_check_over_its_deadline_is_an_error_saying_so(monkeypatch, make_sandbox):
    server = make_sandbox(latency_ms=1500)
    monkeypatch.setitem(CHECKS, "infra.health", replace(CHECKS["infra.health"], deadline=0.5))
    async with RunContext(target_of(server), secrets_of(server)) as ctx:
        [result] = await run_items(ctx, ["infra.health"])
    assert result.status is Status.ERROR, result.summary
    assert "deadline" in result.summary or "no response within 0.5 s" in result.summary
    assert result.duration_ms < 1500


async def test_read_timeout_is_one_line(slow_sandbox):
    policy = Policy(read_timeout=0.1, max_attempts=1)
    async with RunContext(target_of(slow_sandbox), secrets_of(slow_sandbox), policy=policy) as ctx:
        [result] = await run_items(ctx, ["infra.health"])
    assert result.status is Status.ERROR and "sent no response within 0.1 s" in result.summary


async def test_cancelling_the_run_cancels_every_check_and_closes_the_client(slow_sandbox):
    started = asyncio.Event()
    ctx = RunContext(target_of(slow_sandbox), secrets_of(slow_sandbox))

    async def run():
        async with ctx:
            await run_items(ctx, INDEPENDENT, on_start=lambda _: started.set())

    task = asyncio.create_task(run())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert ctx.client is None
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert leftovers == []
