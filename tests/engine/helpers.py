"""Shared by the engine tests: targets, secrets and the wizard's onboarding flow against a
real SandboxServer on loopback (no mocks)."""

from __future__ import annotations

import itertools
import uuid

from launch_tui.engine import Facts, RunContext
from launch_tui.engine.first_value import enqueue_job
from launch_tui.engine.onboarding import create_tenant, issue_key, set_detectors
from launch_tui.results import Status
from launch_tui.sandbox import SandboxServer
from launch_tui.secrets import Secrets
from launch_tui.target import Target, target_from_dict

_slugs = itertools.count(1)


def target_of(server: SandboxServer, **changes) -> Target:
    data = server.target_dict(
        team_mode=changes.pop("team_mode", "solo"), tenant_slug=changes.pop("tenant_slug", "acme-freight")
    )
    for dotted, value in changes.items():
        section, _, name = dotted.partition("__")
        if name:
            data[section][name] = value
        else:
            data[section] = value
    return target_from_dict(data)


def secrets_of(server: SandboxServer, **overrides: str | None) -> Secrets:
    values = dict(server.credentials)
    for name, value in overrides.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    return Secrets(values)


def idem() -> str:
    return f"test-{uuid.uuid4()}"


def unique_slug() -> str:
    return f"acme-{next(_slugs)}-{uuid.uuid4().hex[:6]}"


async def onboard(server: SandboxServer, target: Target | None = None, *, job_type: str = "TRADE") -> Facts:
    """What the wizard does in sections 3 and 4 before checking: tenant, key, detectors, a job."""
    target = target or target_of(server, tenant_slug=unique_slug())
    facts = Facts()
    async with RunContext(target, secrets_of(server), facts) as ctx:
        for step in (create_tenant(ctx, idem()), issue_key(ctx, idem()), set_detectors(ctx, idem())):
            outcome = await step
            assert outcome.result.status is Status.PASS, outcome.result.summary
        outcome = await enqueue_job(ctx, idem(), job_type)
        if outcome.result.status is Status.ERROR:
            # Under `flaky` the first upload may get a 502; uploads are not retried automatically
            # (no Idempotency-Key replay on tenant routes), so the operator, here the test, retries.
            outcome = await enqueue_job(ctx, idem(), job_type)
        assert outcome.result.status is Status.PASS, outcome.result.summary
    return facts
