"""A crash between an action's intent and its outcome: resume finds out what the
platform did and nothing is created twice."""

from launch_tui.engine import onboarding
from launch_tui.launch import flows, recovery
from launch_tui.results import ItemStatus
from launch_tui.session import EventKind, NewEvent

from .conftest import customer_tenants, resume


def record_intent(launch, item, action, key):
    launch.record(NewEvent(kind=EventKind.ACTION_INTENT, item=item, data={"action": action, "idempotency_key": key}))


def crash_after_intent(launch, step, key):
    record_intent(launch, step.item, step.action, key)


async def resume_and_assess(launch, sandbox):
    """Come back after the crash and look up what the platform did with the open intent."""
    again = resume(launch, sandbox)
    return again, await recovery.assess(again, next(iter(again.state.intents.values())))


async def test_tenant_created_before_the_crash_is_adopted_not_recreated(make_launch, sandbox):
    launch = make_launch()
    step = await flows.create_tenant_step(launch)
    crash_after_intent(launch, step, "lt-crash-1")
    async with launch.context() as ctx:  # the call reached the platform; the outcome was never saved
        await onboarding.create_tenant(ctx, "lt-crash-1")
    again = resume(launch, sandbox)
    [intent] = again.state.intents.values()
    found = await recovery.assess(again, intent)
    assert "exists" in found.finding and found.choices[0][0].startswith("Adopt")
    await found.choices[0][1]()
    assert not again.state.intents and again.state.item("onboarding.tenant").status is ItemStatus.PASS
    assert customer_tenants(sandbox) == 1
    again.close()


async def test_tenant_never_created_is_created_once_with_the_same_key(make_launch, sandbox):
    launch = make_launch()
    crash_after_intent(launch, await flows.create_tenant_step(launch), "lt-crash-2")
    again, found = await resume_and_assess(launch, sandbox)
    assert "no tenant" in found.finding
    await found.choices[0][1]()
    assert customer_tenants(sandbox) == 1 and not again.state.intents
    again.close()


async def test_a_key_whose_secret_was_lost_is_revoked(make_launch, sandbox):
    launch = make_launch()
    await flows.create_tenant(launch, await flows.create_tenant_step(launch))
    step = await flows.issue_key_step(launch)
    crash_after_intent(launch, step, "lt-crash-3")
    async with launch.context() as ctx:
        lost = await onboarding.issue_key(ctx, "lt-crash-3", flows.key_label(launch))
    again, found = await resume_and_assess(launch, sandbox)
    assert "secret is lost" in found.finding
    assert found.orphans == [lost.result.refs["key_id"]] and found.choices[0][0].startswith("Revoke key_")
    outcome = await found.choices[0][1]()  # revoke it, then issue a new key
    key = sandbox.state.keys[lost.result.refs["key_id"]]
    assert key.revoked_at is not None and not again.state.intents
    assert outcome.secret and again.facts.key_id != key.id
    assert again.state.item("onboarding.integration-key").status is ItemStatus.PASS
    live = [k for k in sandbox.state.keys.values() if k.tenant_id == again.facts.tenant_id and k.revoked_at is None]
    assert [k.id for k in live] == [again.facts.key_id]
    again.close()


async def test_leaving_it_closes_the_intent_without_a_verdict(make_launch, sandbox):
    launch = make_launch()
    crash_after_intent(launch, await flows.create_tenant_step(launch), "lt-crash-4")
    again, found = await resume_and_assess(launch, sandbox)
    await found.choices[-1][1]()
    assert not again.state.intents and again.state.item("onboarding.tenant").status is ItemStatus.PENDING
    again.close()


async def start_lifecycle(launch):
    await flows.create_tenant(launch, await flows.create_tenant_step(launch))
    await flows.generate_invoice(launch, await flows.generate_invoice_step(launch))
    return launch.facts.invoice_id


def invoices(sandbox):
    return sorted(invoice.status for invoice in sandbox.state.invoices.values())


async def test_a_lifecycle_cut_after_issuing_finishes_without_repeating(make_launch, sandbox):
    from launch_tui.engine import billing

    launch = make_launch()
    first = await start_lifecycle(launch)
    record_intent(launch, "billing.invoice-lifecycle", "invoice_issue", "lt-issue")
    async with launch.context() as ctx:
        await billing.invoice_transition(ctx, "lt-issue", "issue", first)  # done, outcome lost
    again, found = await resume_and_assess(launch, sandbox)
    assert "issue was applied" in found.finding and found.choices[0][0].startswith("Adopt")
    await found.choices[0][1]()
    assert not again.state.intents
    result = await flows.invoice_lifecycle(again, await flows.lifecycle_step(again))  # the operator goes on
    assert result.status.value == "pass" and invoices(sandbox) == ["cancelled", "paid"]
    assert again.state.item("billing.invoice-lifecycle").status is ItemStatus.PASS
    assert again.state.facts["invoice_id"] == first and not again.state.intents
    again.close()


async def test_an_interrupted_second_invoice_is_replayed_not_generated_again(make_launch, sandbox):
    from launch_tui.engine import billing

    launch = make_launch()
    first = await start_lifecycle(launch)
    await flows.invoice_lifecycle(launch, await flows.lifecycle_step(launch))
    assert invoices(sandbox) == ["cancelled", "paid"]
    # Run it again from a fresh first invoice, and crash after the platform generated the second.
    await flows.generate_invoice(launch, await flows.generate_invoice_step(launch))
    record_intent(launch, "billing.invoice-lifecycle", "invoice_generate_for_cancel", "lt-gen")
    async with launch.context() as ctx:
        await billing.invoice_transition(ctx, "lt-i", "issue", launch.facts.invoice_id)
        await billing.invoice_transition(ctx, "lt-p", "mark-paid", launch.facts.invoice_id)
        await billing.generate_invoice(ctx, "lt-gen", *billing.current_month(launch.today()))
    again = resume(launch, sandbox)
    again.facts.invoice_id = again.state.facts["invoice_id"]
    found = await recovery.assess(again, next(iter(again.state.intents.values())))
    await found.choices[0][1]()  # sent again with the same key: the platform answers with the second invoice
    await flows.invoice_lifecycle(again, await flows.lifecycle_step(again))
    assert invoices(sandbox) == ["cancelled", "cancelled", "paid", "paid"]  # no third, dangling draft
    assert first != again.state.facts["invoice_id"]
    again.close()


async def test_after_a_revoked_lost_key_recovery_issues_a_new_live_key(make_launch, sandbox):
    launch = make_launch()
    await flows.create_tenant(launch, await flows.create_tenant_step(launch))
    crash_after_intent(launch, await flows.issue_key_step(launch), "lt-key")
    async with launch.context() as ctx:
        lost = await onboarding.issue_key(ctx, "lt-key", flows.key_label(launch))
        await onboarding.revoke_key(ctx, "lt-revoke", lost.result.refs["key_id"])  # revoked, then the crash
    again, found = await resume_and_assess(launch, sandbox)
    assert found.choices[0][0] == "Do it again (a new idempotency key)"
    await found.choices[0][1]()
    live_keys = [
        key for key in sandbox.state.keys.values() if key.label == flows.key_label(again) and key.revoked_at is None
    ]
    assert len(live_keys) == 1 and live_keys[0].id != lost.result.refs["key_id"]
    assert again.state.item("onboarding.integration-key").status is ItemStatus.PASS and not again.state.intents
    again.close()
