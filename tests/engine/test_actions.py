"""The wizard's actions against a real sandbox: idempotency keys, conflicts and adoption,
the key secret kept out of results, job polling with progress, the invoice lifecycle."""

from __future__ import annotations

import pytest

from launch_tui.engine import Facts, RunContext, run_items
from launch_tui.engine.billing import cancel_invoice, generate_invoice, issue_invoice, mark_invoice_paid
from launch_tui.engine.first_value import PollProgress, enqueue_job, poll_job, read_results
from launch_tui.engine.onboarding import (
    adopt_tenant,
    create_tenant,
    find_tenant_by_slug,
    issue_canary_key,
    issue_key,
    list_keys,
    read_detectors,
    set_detectors,
)
from launch_tui.results import Status
from launch_tui.secrets import registry

from .helpers import idem, secrets_of, target_of, unique_slug


@pytest.fixture
def target(shared_sandbox):
    return target_of(shared_sandbox, tenant_slug=unique_slug())


async def test_create_tenant_sends_the_recorded_idempotency_key_and_replays(shared_sandbox, target):
    key = idem()
    async with RunContext(target, secrets_of(shared_sandbox)) as ctx:
        first = await create_tenant(ctx, key)
        again = await create_tenant(ctx, key)  # a retry after a crash: the platform replays
    assert first.result.status is Status.PASS and again.result.status is Status.PASS
    assert first.result.refs["tenant_id"] == again.result.refs["tenant_id"] == ctx.facts.tenant_id
    assert any(stored_key == key for (_, _, stored_key) in shared_sandbox.world.replays)
    assert sum(t.slug == target.customer.tenant_slug for t in shared_sandbox.state.tenants.values()) == 1


async def test_taken_slug_asks_then_adopts_the_existing_tenant(shared_sandbox, target):
    async with RunContext(target, secrets_of(shared_sandbox)) as ctx:
        created = await create_tenant(ctx, idem())
    facts = Facts()
    async with RunContext(target, secrets_of(shared_sandbox), facts) as ctx:
        conflict = await create_tenant(ctx, idem())
        assert conflict.result.status is Status.MANUAL and "already belongs" in conflict.result.summary
        assert conflict.conflict.id == created.result.refs["tenant_id"] and facts.tenant_id is None
        adopted = await adopt_tenant(ctx, conflict.conflict)
        assert adopted.result.status is Status.PASS and facts.tenant_id == conflict.conflict.id
        found = await find_tenant_by_slug(ctx)
        assert found.id == facts.tenant_id


async def test_issue_key_gives_the_secret_to_the_caller_only(shared_sandbox, target):
    facts = Facts()
    async with RunContext(target, secrets_of(shared_sandbox), facts) as ctx:
        await create_tenant(ctx, idem())
        outcome = await issue_key(ctx, idem(), label="acme prod")
        keys = await list_keys(ctx, label="acme prod")
    secret = outcome.secret
    assert outcome.result.status is Status.PASS and secret and facts.customer_key == secret
    dumped = outcome.result.model_dump_json()
    assert secret not in dumped and registry.contains_secret(secret)
    assert outcome.result.refs["key_prefix"] and secret.startswith(outcome.result.refs["key_prefix"])
    assert [k.id for k in keys] == [facts.key_id] and "secret" not in repr(keys)
    assert "customer_key" not in facts.to_dict() and facts.to_dict()["key_id"] == facts.key_id
    assert secret not in repr(facts)


async def test_detectors_set_and_read_back(shared_sandbox, target):
    async with RunContext(target, secrets_of(shared_sandbox)) as ctx:
        await create_tenant(ctx, idem())
        outcome = await set_detectors(ctx, idem(), {"TRADE": True, "SHIP": False, "ORDERS": True})
        assert outcome.result.status is Status.PASS and "SHIP off" in outcome.result.summary
        assert await read_detectors(ctx) == {"TRADE": True, "SHIP": False, "ORDERS": True}


async def test_enqueue_poll_with_progress_and_read_results(shared_sandbox, target):
    seen: list[PollProgress] = []
    async with RunContext(target, secrets_of(shared_sandbox)) as ctx:
        await create_tenant(ctx, idem())
        await issue_key(ctx, idem())
        enqueued = await enqueue_job(ctx, idem(), "TRADE")
        polled = await poll_job(ctx, on_progress=seen.append)
        results = await read_results(ctx)
    assert enqueued.result.status is Status.PASS and enqueued.result.refs["job_id"] == ctx.facts.job_id
    assert polled.status is Status.PASS and results.status is Status.PASS
    assert seen[-1].status == "succeeded" and seen[-1].next_poll_in_s is None
    assert [p.attempt for p in seen] == list(range(1, len(seen) + 1))
    assert all(p.next_poll_in_s >= 0.5 for p in seen[:-1])


async def test_enqueue_with_a_bad_csv_says_which_header(shared_sandbox, target):
    async with RunContext(target, secrets_of(shared_sandbox)) as ctx:
        await create_tenant(ctx, idem())
        await issue_key(ctx, idem())
        outcome = await enqueue_job(ctx, idem(), "SHIP", csv=b"wrong,header\n1,2\n")
    assert outcome.result.status is Status.FAIL and "shipment_id" in outcome.result.summary


async def test_batch_enqueue(shared_sandbox, target):
    record = dict(
        zip(
            [
                "date",
                "hs_code",
                "description",
                "origin_country",
                "destination_country",
                "quantity",
                "unit",
                "value_usd",
            ],
            ["2026-11-02", "8471.30", "Laptops", "CN", "US", "1", "pcs", "700"],
            strict=False,
        )
    )
    async with RunContext(target, secrets_of(shared_sandbox)) as ctx:
        await create_tenant(ctx, idem())
        await issue_key(ctx, idem())
        outcome = await enqueue_job(ctx, idem(), "TRADE", records=[record])
    assert outcome.result.status is Status.PASS and ctx.facts.job_type == "TRADE"


async def test_invoice_lifecycle(shared_sandbox, target):
    async with RunContext(target, secrets_of(shared_sandbox)) as ctx:
        await create_tenant(ctx, idem())
        generated = await generate_invoice(ctx, idem())
        assert generated.result.refs["invoice_status"] == "draft"
        assert (await issue_invoice(ctx, idem())).result.refs["invoice_status"] == "issued"
        assert (await mark_invoice_paid(ctx, idem())).result.refs["invoice_status"] == "paid"
        refused = await cancel_invoice(ctx, idem())
        assert refused.result.status is Status.FAIL and "invalid_transition" in refused.result.summary
        second = await generate_invoice(ctx, idem())
        cancelled = await cancel_invoice(ctx, idem(), second.result.refs["invoice_id"])
        assert cancelled.result.refs["invoice_status"] == "cancelled"


async def test_canary_key_feeds_the_revoked_key_check(shared_sandbox, target):
    secrets = secrets_of(shared_sandbox, LAUNCH_REVOKED_KEY=None)
    async with RunContext(target, secrets) as ctx:
        await create_tenant(ctx, idem())
        canary = await issue_canary_key(ctx, idem())
        assert canary.result.status is Status.PASS and ctx.facts.revoked_key
        [result] = await run_items(ctx, ["auth.token-revoked"])
    assert result.status is Status.PASS and "canary" in result.summary


async def test_actions_without_admin_token_skip_saying_which_variable(shared_sandbox, target):
    async with RunContext(target, secrets_of(shared_sandbox, LAUNCH_ADMIN_TOKEN=None)) as ctx:
        outcome = await create_tenant(ctx, idem())
    assert outcome.result.status is Status.SKIP and "LAUNCH_ADMIN_TOKEN" in outcome.result.summary


async def test_actions_before_a_tenant_say_what_comes_first(shared_sandbox, target):
    async with RunContext(target, secrets_of(shared_sandbox)) as ctx:
        outcome = await issue_key(ctx, idem())
    assert outcome.result.status is Status.SKIP and "create" in outcome.result.summary


async def test_wrong_admin_token_is_an_error_naming_it(shared_sandbox, target):
    async with RunContext(target, secrets_of(shared_sandbox, LAUNCH_ADMIN_TOKEN="sbx_admin_wrong_0000")) as ctx:
        outcome = await create_tenant(ctx, idem())
    assert outcome.result.status is Status.ERROR and "LAUNCH_ADMIN_TOKEN" in outcome.result.summary
