"""The wizard's actions against the sandbox over loopback: intent before the call,
outcome after, and the facts that later items build on."""

import pytest

from launch_tui.launch import flows
from launch_tui.launch.inputs import InputError
from launch_tui.results import ItemStatus
from launch_tui.session import EventKind, read_session

from .conftest import customer_tenants


async def onboard(launch):
    await flows.create_tenant(launch, await flows.create_tenant_step(launch))
    return await flows.issue_key(launch, await flows.issue_key_step(launch))


async def test_every_action_records_its_intent_before_its_outcome(make_launch):
    launch = make_launch()
    outcome = await onboard(launch)
    kinds = [(event.kind, event.data.get("idempotency_key")) for event in launch.live.writer.events[-4:]]
    assert [kind for kind, _ in kinds] == [EventKind.ACTION_INTENT, EventKind.ACTION_RESULT] * 2
    assert kinds[0][1] == kinds[1][1] and kinds[2][1] == kinds[3][1] and kinds[0][1] != kinds[2][1]
    assert outcome.secret and outcome.secret not in launch.session_path.read_text()
    assert launch.state.facts["key_prefix"] == outcome.result.refs["key_prefix"]


async def test_the_preview_is_the_request_that_is_sent(make_launch, sandbox):
    launch = make_launch()
    step = await flows.create_tenant_step(launch)
    [request] = step.requests
    assert (request.method, request.url) == ("POST", f"{sandbox.base_url}/api/admin/tenants")
    assert '"slug": "acme-freight"' in request.body
    assert dict(request.headers)["authorization"] == "Bearer ••••••••"
    assert sandbox.credentials["LAUNCH_ADMIN_TOKEN"] not in repr(step)
    assert customer_tenants(sandbox) == 0  # previewing sent nothing


async def test_a_taken_slug_offers_the_existing_tenant(make_launch, sandbox):
    first, second = make_launch(), make_launch()
    await flows.create_tenant(first, await flows.create_tenant_step(first))
    outcome = await flows.create_tenant(second, await flows.create_tenant_step(second))
    assert outcome.conflict is not None and outcome.result.status.value == "manual"
    await flows.adopt_tenant(second, outcome.conflict)
    assert second.state.item("onboarding.tenant").status is ItemStatus.PASS
    assert second.facts.tenant_id == first.facts.tenant_id
    assert customer_tenants(sandbox) == 1


async def test_first_value_from_the_template_to_the_artifact(make_launch):
    launch = make_launch()
    await onboard(launch)
    await launch.run_checks(["first-value.token"])
    csv, name = flows.template_upload("SHIP")
    await flows.enqueue(launch, await flows.enqueue_step(launch, "SHIP", csv, name), "SHIP", csv, name)
    assert (await flows.poll(launch)).status.value == "pass"
    assert (await flows.read_results(launch)).status.value == "pass"
    assert launch.results_preview and "results_preview" not in launch.session_path.read_text()
    [artifact] = await launch.run_checks(["first-value.artifact"])
    assert artifact.status.value == "pass"
    token_request = launch.state.item("first-value.token").evidence[0].request_id
    assert token_request and token_request in artifact.refs["request_ids"]  # an earlier run's request, from the session


async def test_a_customer_file_with_the_wrong_header_is_refused_before_sending(make_launch, tmp_path):
    wrong = tmp_path / "orders.csv"
    wrong.write_text("id,when\n1,today\n")
    with pytest.raises(InputError, match="header row must be"):
        flows.read_upload(str(wrong), "ORDERS")
    with pytest.raises(InputError, match="no such file"):
        flows.read_upload(str(tmp_path / "missing.csv"), "ORDERS")


async def test_a_job_the_customer_enqueued_is_polled(make_launch, sandbox):
    launch = make_launch()
    await onboard(launch)
    await launch.run_checks(["first-value.token"])
    csv, name = flows.template_upload("TRADE")
    customer = await flows.enqueue(launch, await flows.enqueue_step(launch, "TRADE", csv, name), "TRADE", csv, name)
    job_id = customer.result.refs["job_id"]
    with pytest.raises(InputError):
        flows.record_customer_job(launch, "job id; rm -rf", "TRADE")
    flows.record_customer_job(launch, job_id, "TRADE")
    assert (await flows.poll(launch)).status.value == "pass"


async def test_the_invoice_lifecycle_uses_two_invoices_and_one_verdict(make_launch, sandbox):
    launch = make_launch()
    await flows.create_tenant(launch, await flows.create_tenant_step(launch))
    await flows.generate_invoice(launch, await flows.generate_invoice_step(launch))
    result = await flows.invoice_lifecycle(launch, await flows.lifecycle_step(launch))
    assert result.status.value == "pass"
    statuses = sorted(invoice.status for invoice in sandbox.state.invoices.values())
    assert statuses == ["cancelled", "paid"]
    assert launch.state.facts["invoice_id"] == result.refs["invoice_id"]
    lifecycle = [
        e
        for e in read_session(launch.session_path).events
        if e.item == "billing.invoice-lifecycle" and e.kind is EventKind.ACTION_RESULT
    ]
    assert [bool(e.data.get("partial")) for e in lifecycle] == [True, True, True, True, False]


async def test_the_wizard_makes_its_own_revoked_key_when_none_is_given(make_launch, sandbox):
    credentials = dict(sandbox.credentials)
    del credentials["LAUNCH_REVOKED_KEY"]
    launch = make_launch(secrets=credentials)
    await flows.create_tenant(launch, await flows.create_tenant_step(launch))
    [skipped] = await launch.run_checks(["auth.token-revoked"])
    assert skipped.status.value == "skip"
    result = await flows.revoked_key_check(launch, await flows.canary_step(launch))
    assert result.status.value == "pass" and "canary" in result.summary
    assert launch.state.item("auth.token-revoked").status is ItemStatus.PASS
