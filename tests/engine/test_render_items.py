"""Section 1 against the Render situations of issue 12, each a sandbox scenario on
loopback: the verdict, and a summary that names the cause and the fix."""

from __future__ import annotations

import re

from launch_tui.engine import RunContext, run_items
from launch_tui.results import Status
from launch_tui.sandbox import SandboxServer
from launch_tui.sandbox.render_state import POSTGRES_ID

from .helpers import secrets_of, target_of

INFRA = ["infra.predeploy-migration", "infra.database", "infra.env-vars", "infra.web-app"]
RENDER_REQUEST_ID = re.compile(r"api-[0-9a-f]{10}-[0-9a-f]{5}/[\w-]{10}-\d{7}")


async def run(server: SandboxServer, items: list[str] = INFRA, **changes):
    async with RunContext(target_of(server, **changes), secrets_of(server)) as ctx:
        return {result.id: result for result in await run_items(ctx, items)}


async def test_healthy_reads_the_linked_env_group_and_ties_the_database(shared_sandbox):
    results = await run(shared_sandbox)
    assert {i: r.status for i, r in results.items()} == dict.fromkeys(INFRA, Status.PASS)
    assert (
        results["infra.database"].summary
        == f"DATABASE_URL (from the service) names Render Postgres acme-db ({POSTGRES_ID}), available"
    )
    assert "7 from the service" in results["infra.env-vars"].summary
    urls = [e.url for e in results["infra.database"].evidence]
    assert any("/env-groups?" in u for u in urls) and any(f"/postgres/{POSTGRES_ID}" in u for u in urls)


async def test_env_groups_supply_what_the_services_lack(make_sandbox):
    server = make_sandbox("env-group")
    results = await run(server)
    assert {i: r.status for i, r in results.items()} == dict.fromkeys(INFRA, Status.PASS), {
        i: r.summary for i, r in results.items()
    }
    assert "5 from env group acme-api-secrets, 2 from the service" in results["infra.env-vars"].summary
    assert results["infra.database"].summary.startswith("DATABASE_URL (from env group acme-api-secrets) names")
    assert "API_URL (from env group acme-web-config) points to the API" in results["infra.web-app"].summary
    assert results["infra.database"].refs["source"] == "env group acme-api-secrets"


async def test_a_suspended_database_fails_saying_so_and_how_to_resume(make_sandbox):
    server = make_sandbox("postgres-suspended")
    result = (await run(server, ["infra.database"]))["infra.database"]
    assert result.status is Status.FAIL
    assert f"names Render Postgres acme-db ({POSTGRES_ID}), which is suspended by billing" in result.summary
    assert "resume it on Render" in result.summary


async def test_a_database_url_that_is_no_render_postgres_fails_naming_the_host_and_the_fix(make_sandbox):
    server = make_sandbox("postgres-elsewhere")
    result = (await run(server, ["infra.database"]))["infra.database"]
    assert result.status is Status.FAIL
    assert (
        "names host db.elsewhere.invalid, which is none of the workspace's Render Postgres instances "
        f"(acme-db ({POSTGRES_ID}))" in result.summary
    )
    assert "Add from Database" in result.summary
    assert any(e.url.endswith("/postgres?ownerId=tea-sandbox0000000000000&limit=100") for e in result.evidence)


async def test_a_database_the_key_cannot_see_warns_that_it_cannot_tell(make_sandbox):
    server = make_sandbox("postgres-hidden")
    result = (await run(server, ["infra.database"]))["infra.database"]
    assert result.status is Status.WARN
    assert "dpg-otherworkspace00000-a, which RENDER_API_KEY cannot see" in result.summary
    assert "cannot tell whether it is available" in result.summary and "a key of a member" in result.summary


async def test_a_deploy_in_progress_above_a_live_one_warns_naming_both(make_sandbox):
    server = make_sandbox("deploy-in-progress")
    building, live = (d.id for d in server.world.services["srv-sandboxapi"].deploys[:2])
    result = (await run(server, ["infra.predeploy-migration"]))["infra.predeploy-migration"]
    assert result.status is Status.WARN
    assert f"newest deploy {building} is build_in_progress; {live} (older, live) serves" in result.summary
    assert "check again when it is done" in result.summary
    assert result.refs["deploy_id"] == live
    assert any("status=live" in e.url for e in result.evidence)  # found with list-deploys' status filter


async def test_failed_deploys_above_live_ones_fail_the_migration_and_warn_the_web_app(make_sandbox):
    server = make_sandbox("deploy-failed")
    api_failed, api_live = (d.id for d in server.world.services["srv-sandboxapi"].deploys[:2])
    web_failed, web_live = (d.id for d in server.world.services["srv-sandboxweb"].deploys[:2])
    results = await run(server, ["infra.predeploy-migration", "infra.web-app"])
    migration, web = results["infra.predeploy-migration"], results["infra.web-app"]
    assert migration.status is Status.FAIL
    assert (
        f"{api_failed} is pre_deploy_failed (the pre-deploy command failed, so its migrations did not run); "
        f"{api_live} (older, live) serves" in migration.summary
    )
    assert web.status is Status.WARN
    assert f"{web_failed} is build_failed; {web_live} (older, live) serves: read {web_failed}'s logs" in web.summary


async def test_small_pages_are_all_read(make_sandbox):
    server = make_sandbox("render-small-pages")
    results = await run(server)
    assert {i: r.status for i, r in results.items()} == dict.fromkeys(INFRA, Status.PASS)


async def test_web_url_is_requested_with_its_trailing_slash(make_sandbox):
    server = make_sandbox("web-needs-slash")
    assert server.web_url.endswith("/web/")
    kept = (await run(server, ["infra.web-app"]))["infra.web-app"]
    dropped = (await run(server, ["infra.web-app"], web_url=server.web_url.rstrip("/")))["infra.web-app"]
    assert kept.status is Status.PASS and f"{server.web_url} answers HTTP 200" in kept.summary
    assert [e.url for e in kept.evidence if "/web" in e.url] == [server.web_url]
    # The same server, asked without the slash, says 404: why the slash must not be stripped.
    assert dropped.status is Status.FAIL and "answers HTTP 404" in dropped.summary


async def test_render_errors_show_renders_message_and_keep_its_request_id(shared_sandbox):
    result = (await run(shared_sandbox, ["infra.predeploy-migration"], render__api_service_id="srv-doesnotexist"))[
        "infra.predeploy-migration"
    ]
    assert result.status is Status.ERROR
    assert 'no service srv-doesnotexist for this key (HTTP 404 ("not found: srv-doesnotexist"))' in result.summary
    assert result.evidence and all(RENDER_REQUEST_ID.fullmatch(e.request_id or "") for e in result.evidence)


async def test_a_wrong_render_key_is_an_error_quoting_render(shared_sandbox):
    async with RunContext(
        target_of(shared_sandbox), secrets_of(shared_sandbox, RENDER_API_KEY="rnd_wrong_key_123")
    ) as ctx:
        [result] = await run_items(ctx, ["infra.database"])
    assert result.status is Status.ERROR
    assert 'HTTP 401 ("unauthorized")' in result.summary and "RENDER_API_KEY" in result.summary


async def test_a_service_that_is_not_there_is_named_as_such_by_every_item_that_reads_it(shared_sandbox):
    """The env vars are read beside the service, not after it: a 404 for its env vars must
    still be reported as the missing service, by whichever request failed first."""
    results = await run(shared_sandbox, render__api_service_id="srv-missing")
    for item in ("infra.predeploy-migration", "infra.database", "infra.env-vars"):
        assert results[item].status is Status.ERROR
        assert results[item].summary.startswith("Render has no service srv-missing for this key"), results[item].summary
