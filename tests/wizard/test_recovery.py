"""A crash between an action's intent and its outcome: resume finds out what the
platform did and nothing is created twice."""

from launch_tui.engine import onboarding
from launch_tui.results import ItemStatus
from launch_tui.session import EventKind, NewEvent
from launch_tui.wizard import flows, recovery

from .conftest import customer_tenants, resume


def crash_after_intent(wizard, step, key):
    wizard.record(NewEvent(kind=EventKind.ACTION_INTENT, item=step.item, data={"action": step.action, "idempotency_key": key}))


async def test_tenant_created_before_the_crash_is_adopted_not_recreated(make_wizard, sandbox):
    wizard = make_wizard()
    step = await flows.create_tenant_step(wizard)
    crash_after_intent(wizard, step, "lt-crash-1")
    async with wizard.context() as ctx:  # the call reached the platform; the outcome was never saved
        await onboarding.create_tenant(ctx, "lt-crash-1")
    again = resume(wizard, sandbox)
    [intent] = again.state.intents.values()
    found = await recovery.assess(again, intent)
    assert "exists" in found.finding and found.choices[0][0].startswith("Adopt")
    await found.choices[0][1]()
    assert not again.state.intents and again.state.item("onboarding.tenant").status is ItemStatus.PASS
    assert customer_tenants(sandbox) == 1
    again.close()


async def test_tenant_never_created_is_created_once_with_the_same_key(make_wizard, sandbox):
    wizard = make_wizard()
    crash_after_intent(wizard, await flows.create_tenant_step(wizard), "lt-crash-2")
    again = resume(wizard, sandbox)
    found = await recovery.assess(again, next(iter(again.state.intents.values())))
    assert "no tenant" in found.finding
    await found.choices[0][1]()
    assert customer_tenants(sandbox) == 1 and not again.state.intents
    again.close()


async def test_a_key_whose_secret_was_lost_is_revoked(make_wizard, sandbox):
    wizard = make_wizard()
    await flows.create_tenant(wizard, await flows.create_tenant_step(wizard))
    step = await flows.issue_key_step(wizard)
    crash_after_intent(wizard, step, "lt-crash-3")
    async with wizard.context() as ctx:
        lost = await onboarding.issue_key(ctx, "lt-crash-3", flows.key_label(wizard))
    again = resume(wizard, sandbox)
    found = await recovery.assess(again, next(iter(again.state.intents.values())))
    assert "secret is lost" in found.finding
    await found.choices[0][1]()  # revoke
    key = sandbox.state.keys[lost.result.refs["key_id"]]
    assert key.revoked_at is not None and not again.state.intents
    assert again.state.item("onboarding.integration-key").status is ItemStatus.PENDING
    again.close()


async def test_leaving_it_closes_the_intent_without_a_verdict(make_wizard, sandbox):
    wizard = make_wizard()
    crash_after_intent(wizard, await flows.create_tenant_step(wizard), "lt-crash-4")
    again = resume(wizard, sandbox)
    found = await recovery.assess(again, next(iter(again.state.intents.values())))
    await found.choices[-1][1]()
    assert not again.state.intents and again.state.item("onboarding.tenant").status is ItemStatus.PENDING
    again.close()
