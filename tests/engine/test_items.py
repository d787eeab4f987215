"""Each automated item in a passing and a failing configuration, beyond what the fault
scenarios cover, against a real sandbox on loopback."""

from __future__ import annotations

import pytest

from launch_tui.engine import Facts, RunContext, run_items
from launch_tui.engine.onboarding import revoke_key
from launch_tui.results import Status

from .helpers import idem, onboard, secrets_of, target_of


async def check(server, item_id, *, target=None, secrets=None, facts=None):
    async with RunContext(target or target_of(server), secrets or secrets_of(server), facts) as ctx:
        [result] = await run_items(ctx, [item_id])
    return result


async def test_database_fails_when_the_service_has_no_database_url(shared_sandbox):
    # The web service has no DATABASE_URL: point api_service_id at it.
    target = target_of(shared_sandbox, render__api_service_id=shared_sandbox.world.web_service_id)
    result = await check(shared_sandbox, "infra.database", target=target)
    assert result.status is Status.FAIL and "DATABASE_URL is not set" in result.summary


async def test_database_reads_every_page_of_env_vars(make_sandbox):
    # Render's own pages are 20 (the client asks for 100); render-small-pages serves 3 at a time.
    server = make_sandbox("render-small-pages")
    result = await check(server, "infra.database")
    assert result.status is Status.PASS
    pages = [e for e in result.evidence if "/env-vars" in e.url]
    assert len(pages) >= 3  # 8 vars 3 at a time, then the empty page
    assert all(e.excerpt is None for e in pages)  # env values never reach evidence
    groups = [e for e in result.evidence if "/env-groups/" in e.url]
    assert groups and all(e.excerpt is None for e in groups)  # env-group values neither


async def test_render_service_that_does_not_exist_is_an_error_naming_the_fix(shared_sandbox):
    target = target_of(shared_sandbox, render__api_service_id="srv-doesnotexist")
    result = await check(shared_sandbox, "infra.predeploy-migration", target=target)
    assert result.status is Status.ERROR and "no service srv-doesnotexist" in result.summary


async def test_bad_render_key_is_an_error_not_a_fail(shared_sandbox):
    result = await check(
        shared_sandbox, "infra.env-vars", secrets=secrets_of(shared_sandbox, RENDER_API_KEY="rnd_wrong_key_123")
    )
    assert result.status is Status.ERROR and "RENDER_API_KEY" in result.summary


@pytest.mark.parametrize(
    "command, status, said",
    [
        pytest.param(
            "cd apps/api &&  npx prisma migrate deploy --schema prisma/schema.prisma",
            Status.WARN,
            "differs",
            id="differs-but-migrates-warns",
        ),
        pytest.param("  cd apps/api  &&\tnpx prisma migrate deploy ", Status.PASS, "", id="whitespace-is-normalised"),
    ],
)
async def test_a_predeploy_command_other_than_the_runbooks(make_sandbox, command, status, said):
    server = make_sandbox()
    server.world.services[server.world.api_service_id].predeploy_command = command
    result = await check(server, "infra.predeploy-migration")
    assert result.status is status and said in result.summary


async def test_web_app_with_only_web_url(shared_sandbox):
    target = target_of(shared_sandbox, render=None)
    result = await check(shared_sandbox, "infra.web-app", target=target)
    assert result.status is Status.PASS and "API_URL not checked" in result.summary


async def test_web_app_with_neither_is_manual(shared_sandbox):
    target = target_of(shared_sandbox, render=None, web_url=None)
    result = await check(shared_sandbox, "infra.web-app", target=target)
    assert result.status is Status.MANUAL and "web_url" in result.summary


async def test_web_app_fails_when_web_url_answers_404(shared_sandbox):
    target = target_of(shared_sandbox, web_url=f"{shared_sandbox.base_url}/no-such-page")
    result = await check(shared_sandbox, "infra.web-app", target=target)
    assert result.status is Status.FAIL and "HTTP 404" in result.summary


async def test_health_error_when_api_url_is_not_the_api(shared_sandbox):
    target = target_of(shared_sandbox, api_url=f"{shared_sandbox.base_url}/github")
    result = await check(shared_sandbox, "infra.health", target=target)
    assert result.status in (Status.ERROR, Status.FAIL) and "/health answered HTTP" in result.summary


async def test_unreachable_api_is_an_error_in_one_line(shared_sandbox):
    target = target_of(shared_sandbox, api_url="http://127.0.0.1:9")
    result = await check(shared_sandbox, "infra.health", target=target)
    assert result.status is Status.ERROR
    assert result.summary == "connection refused by 127.0.0.1:9; is the service running on that port?"


async def test_token_valid_fails_with_a_revoked_key(shared_sandbox):
    secrets = secrets_of(shared_sandbox, LAUNCH_INTEGRATION_KEY=shared_sandbox.credentials["LAUNCH_REVOKED_KEY"])
    result = await check(shared_sandbox, "auth.token-valid", secrets=secrets)
    assert result.status is Status.FAIL and "revoked_key" in result.summary


async def test_token_valid_uses_the_customer_key_in_the_wizard_and_keeps_the_token(shared_sandbox):
    facts = await onboard(shared_sandbox)
    facts.access_token = None
    secrets = secrets_of(shared_sandbox, LAUNCH_INTEGRATION_KEY=None)
    result = await check(shared_sandbox, "auth.token-valid", secrets=secrets, facts=facts)
    assert result.status is Status.PASS and facts.access_token


async def test_token_revoked_skips_saying_how_without_a_revoked_key(shared_sandbox):
    result = await check(
        shared_sandbox, "auth.token-revoked", secrets=secrets_of(shared_sandbox, LAUNCH_REVOKED_KEY=None)
    )
    assert result.status is Status.SKIP and "LAUNCH_REVOKED_KEY" in result.summary


async def test_token_revoked_fails_naming_another_status(shared_sandbox):
    # A valid key is not refused at all: "got HTTP 200" is critical; an unknown status is named.
    secrets = secrets_of(shared_sandbox, LAUNCH_REVOKED_KEY=shared_sandbox.credentials["LAUNCH_INTEGRATION_KEY"])
    result = await check(shared_sandbox, "auth.token-revoked", secrets=secrets)
    assert result.status is Status.FAIL and result.critical and "HTTP 200" in result.summary


async def test_route_enforcement_warns_on_404(make_sandbox):
    # An API mounted under another prefix: every probe meets the router's plain 404.
    server = make_sandbox()
    target = target_of(server, api_url=f"{server.base_url}/web")
    result = await check(server, "auth.route-enforcement", target=target)
    assert result.status is Status.WARN and "wrong path" in result.summary


@pytest.mark.parametrize("mode, status", [("solo", Status.PASS), ("multi", Status.FAIL)])
async def test_review_and_conversation_policy_follow_team_mode(shared_sandbox, mode, status):
    target = target_of(shared_sandbox, team_mode=mode)
    async with RunContext(target, secrets_of(shared_sandbox)) as ctx:
        results = await run_items(ctx, ["guardrails.review-policy", "guardrails.conversation-resolution"])
    assert [r.status for r in results] == [status, status]
    # The branch, its rules, the rulesets and classic protection are fetched once and shared
    # by both checks, evidence and all.
    assert results[0].evidence == results[1].evidence and len(results[0].evidence) == 4


async def test_contract_gate_is_found_in_rulesets_not_only_classic_protection(shared_sandbox):
    result = await check(shared_sandbox, "guardrails.contract-gate")
    assert result.status is Status.PASS and "rulesets" in result.summary


@pytest.mark.parametrize(
    "setting, item, status, said",
    [
        pytest.param(
            {"github__repo": "acme/other"}, "guardrails.force-rls", Status.ERROR, "github.repo", id="wrong-repo"
        ),
        pytest.param(
            {"github__nightly_workflow": "nope.yml"}, "guardrails.nightly", Status.ERROR, "nope.yml", id="no-workflow"
        ),
        pytest.param(
            {"github__force_rls_check": "no-such-check"},
            "guardrails.force-rls",
            Status.FAIL,
            "no run found",
            id="no-run",
        ),
    ],
)
async def test_a_github_setting_naming_nothing_there_says_so(shared_sandbox, setting, item, status, said):
    # A wrong repository is an error naming the fix; an unknown workflow is an error; a
    # force-RLS check that never ran fails.
    target = target_of(shared_sandbox, **setting)
    result = await check(shared_sandbox, item, target=target)
    assert result.status is status and said in result.summary


async def test_github_without_token_is_manual_saying_how(shared_sandbox):
    result = await check(shared_sandbox, "guardrails.nightly", secrets=secrets_of(shared_sandbox, GITHUB_TOKEN=None))
    assert result.status is Status.MANUAL and "GITHUB_TOKEN" in result.summary


async def test_onboarding_status_passes_and_fails_for_an_unknown_tenant(shared_sandbox):
    facts = await onboard(shared_sandbox)
    assert (await check(shared_sandbox, "onboarding.status", facts=facts)).status is Status.PASS
    result = await check(shared_sandbox, "onboarding.status", facts=Facts(tenant_id="ten_unknown"))
    assert result.status is Status.FAIL and "tenant_not_found" in result.summary


async def test_first_value_token_fails_once_the_customer_key_is_revoked(shared_sandbox):
    facts = await onboard(shared_sandbox)
    async with RunContext(target_of(shared_sandbox), secrets_of(shared_sandbox), facts) as ctx:
        assert (await revoke_key(ctx, idem(), facts.key_id)).result.status is Status.PASS
    result = await check(shared_sandbox, "first-value.token", facts=facts)
    assert result.status is Status.FAIL and "revoked" in result.summary


async def test_results_and_artifact_fail_before_the_job_finished(make_sandbox):
    server = make_sandbox(job_seconds=60)
    facts = await onboard(server)
    results = [
        await check(server, "first-value.results", facts=facts),
        await check(server, "first-value.artifact", facts=facts),
    ]
    assert [r.status for r in results] == [Status.FAIL, Status.FAIL]
    assert "not finished" in results[0].summary and "no end-to-end artifact" in results[1].summary


async def test_ship_job_reads_findings_and_artifact_names_request_ids(shared_sandbox):
    facts = await onboard(shared_sandbox, job_type="SHIP")
    async with RunContext(target_of(shared_sandbox), secrets_of(shared_sandbox), facts) as ctx:
        poll, results, artifact = await run_items(
            ctx, ["first-value.poll", "first-value.results", "first-value.artifact"]
        )
    assert (poll.status, results.status, artifact.status) == (Status.PASS, Status.PASS, Status.PASS)
    assert "findings" in results.summary
    assert artifact.refs["job_id"] == facts.job_id and artifact.refs["request_ids"].startswith("req_")


async def test_first_value_headless_with_integration_key_of_another_tenant_skips(shared_sandbox):
    facts = Facts.from_dict((await onboard(shared_sandbox)).to_dict())  # as a session stores them: no secrets
    result = await check(shared_sandbox, "first-value.poll", facts=facts)
    assert result.status is Status.SKIP and "belongs to tenant" in result.summary
