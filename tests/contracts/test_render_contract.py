"""Render, as Render publishes and answers it (data and sources in render/SOURCES.md):

(a) the client parses every recorded reply, and the checks fed recorded replies give the
    expected verdicts;
(b) the recorded replies and the sandbox's look-alike validate against the same JSON
    Schema fragments, and the look-alike sends no field the schema does not know.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from launch_tui.clients.render_models import database_host, parse_deploy, parse_postgres, parse_service
from launch_tui.engine import RunContext, run_items
from launch_tui.results import Status
from launch_tui.secrets import Secrets
from launch_tui.target import target_from_dict

HERE = Path(__file__).parent / "render"
DEFS = json.loads((HERE / "schemas.json").read_text())["$defs"]
RECORDED = {path.name: json.loads(path.read_text()) for path in sorted((HERE / "recorded").glob("*.json"))}
# Which schema fragment each recorded reply is an instance of.
SHAPE = {
    "service-web.json": "service",
    "services-list.json": "serviceList",
    "env-vars-page.json": "envVarList",
    "env-vars-end.json": "envVarList",
    "env-group.json": "envGroup",
    "env-group-import.json": "envGroup",
    "postgres-available.json": "postgresDetail",
    "postgres-creating.json": "postgresDetail",
    "postgres-connection-info.json": "postgresConnectionInfo",
    "deploy-build-in-progress.json": "deploy",
    "deploy-update-in-progress.json": "deploy",
    "deploy-pre-deploy-in-progress.json": "deploy",
    "deploy-live.json": "deploy",
    "error-404.json": "error",
}
SERVICE_ID = "srv-ct6vmjtj0q5s700ckea0"  # the recorded web service
BASE = "https://api.testing.render.com/v1"


def body(name: str) -> Any:
    return RECORDED[name]["response"]["body"]


def validate(instance: Any, shape: str) -> None:
    schema = {"$defs": DEFS, "$ref": f"#/$defs/{shape}"}
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(instance)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """One object schema with the properties of its $ref and allOf parts merged."""
    if "$ref" in schema:
        return _resolve(DEFS[schema["$ref"].rsplit("/", 1)[1]])
    merged: dict[str, Any] = {**schema, "properties": dict(schema.get("properties", {}))}
    for part in schema.get("allOf", []):
        merged["properties"].update(_resolve(part).get("properties", {}))
        merged.setdefault("items", _resolve(part).get("items"))
    return merged


def unknown_fields(instance: Any, shape: str | dict[str, Any], where: str = "$") -> list[str]:
    """Fields the schema does not describe, anywhere in the instance (objects with properties only)."""
    schema = _resolve({"$ref": f"#/$defs/{shape}"} if isinstance(shape, str) else shape)
    if isinstance(instance, list) and schema.get("items"):
        return [f for i, item in enumerate(instance) for f in unknown_fields(item, schema["items"], f"{where}[{i}]")]
    if not isinstance(instance, dict) or not schema["properties"]:
        return []
    found = [f"{where}.{key}" for key in instance if key not in schema["properties"]]
    for key, value in instance.items():
        if key in schema["properties"]:
            found += unknown_fields(value, schema["properties"][key], f"{where}.{key}")
    return found


# -- the vendored data itself ------------------------------------------------------------


def test_every_recorded_reply_names_its_source_and_is_checked() -> None:
    assert RECORDED.keys() == SHAPE.keys()
    for name, record in RECORDED.items():
        source = record["source"]
        assert source["repository"] == "render-oss/terraform-provider-render", name
        assert source["path"].endswith("_cassette.yaml") and len(source["commit"]) == 40, name
        assert source["licence"] == "Apache-2.0", name
    assert "Apache License" in (HERE / "LICENSE-Apache-2.0.txt").read_text()
    sources = (HERE / "SOURCES.md").read_text()
    assert "render-oss/sdk" in sources and "typescript/src/generated/schema.ts" in sources


@pytest.mark.parametrize("name", SHAPE)
def test_recorded_replies_validate_against_the_fragments(name: str) -> None:
    validate(body(name), SHAPE[name])


def test_the_recorded_web_service_has_web_service_details() -> None:
    details = body("service-web.json")["serviceDetails"]
    validate(details, "webServiceDetails")
    validate(details["envSpecificDetails"], "nativeEnvironmentDetails")


# -- (a) the client parses what Render sends -----------------------------------------------


def test_the_client_parses_the_recorded_service() -> None:
    service = parse_service(body("service-web.json"), SERVICE_ID)
    assert (service.id, service.name, service.owner_id) == (SERVICE_ID, "terraform-web-service", "some-owner-id")
    assert service.pre_deploy_command == "echo 'hello world'" and not service.suspended
    assert service.url == "https://terraform-web-service.localhost.onrender.com:9443"


@pytest.mark.parametrize(
    "name,status",
    [
        ("deploy-build-in-progress.json", "build_in_progress"),
        ("deploy-update-in-progress.json", "update_in_progress"),
        ("deploy-pre-deploy-in-progress.json", "pre_deploy_in_progress"),
        ("deploy-live.json", "live"),
    ],
)
def test_the_client_parses_recorded_deploys(name: str, status: str) -> None:
    deploy = parse_deploy(body(name))  # `commit: null`, `finishedAt: null` included
    assert deploy.status == status and deploy.id.startswith("dep-")
    assert (deploy.finished_at is None) == (status != "live")
    assert parse_deploy({"deploy": body(name), "cursor": "x"}) == deploy  # as list-deploys wraps it


def test_the_client_parses_recorded_postgres_and_derives_its_hosts() -> None:
    available = parse_postgres(body("postgres-available.json"))
    assert (available.status, available.suspended, available.owner_id) == ("available", False, "some-owner-id")
    creating = parse_postgres(body("postgres-creating.json"))
    info = body("postgres-connection-info.json")
    recorded_hosts = {database_host(info["internalConnectionString"]), database_host(info["externalConnectionString"])}
    assert recorded_hosts == set(creating.hosts())  # the hosts Render names are the ones we derive from id + region


# -- (a) the checks, fed recorded replies -------------------------------------------------


def listed(objects: list[dict[str, Any]], wrapper: str) -> list[dict[str, Any]]:
    """A list reply composed from recorded objects, in the schema's `<wrapper>WithCursor` shape."""
    return [{wrapper: obj, "cursor": f"composed-{i}"} for i, obj in enumerate(objects)]


class Replay:
    """Answers Render requests from recorded replies (and lists composed from them)."""

    def __init__(self, env_group: str, extra_env: list[dict[str, str]] | None = None) -> None:
        group = body(env_group)
        # Composed: the recorded group's metadata, linked to the recorded service.
        meta = {k: v for k, v in group.items() if k not in ("envVars", "secretFiles")}
        meta["serviceLinks"] = [{"id": SERVICE_ID, "name": "terraform-web-service", "type": "web"}]
        env_page = body("env-vars-page.json") + listed(extra_env or [], "envVar")
        self.routes: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[int, Any]] = {
            (f"/services/{SERVICE_ID}", ()): (200, body("service-web.json")),
            (f"/services/{SERVICE_ID}/env-vars", ()): (200, env_page),
            (f"/services/{SERVICE_ID}/env-vars", (("cursor", env_page[-1]["cursor"]),)): (
                200,
                body("env-vars-end.json"),
            ),
            ("/env-groups", (("ownerId", "some-owner-id"),)): (200, [meta]),
            (f"/env-groups/{group['id']}", ()): (200, group),
            (f"/services/{SERVICE_ID}/deploys", ()): (200, listed([body("deploy-build-in-progress.json")], "deploy")),
            (f"/services/{SERVICE_ID}/deploys", (("status", "live"),)): (
                200,
                listed([body("deploy-live.json")], "deploy"),
            ),
            ("/postgres", (("ownerId", "some-owner-id"),)): (
                200,
                listed([body("postgres-available.json"), body("postgres-creating.json")], "postgres"),
            ),
            ("/postgres", (("cursor", "composed-1"), ("ownerId", "some-owner-id"))): (200, []),
        }
        for name in ("postgres-available.json", "postgres-creating.json"):
            self.routes[(f"/postgres/{body(name)['id']}", ())] = (200, body(name))
        self.error = RECORDED["error-404.json"]["response"]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v1")
        query = tuple(sorted((k, v) for k, v in request.url.params.multi_items() if k != "limit"))
        status, payload = self.routes.get((path, query), (404, self.error["body"]))
        headers = (
            {"Render-Request-Id": self.error["headers"]["Render-Request-Id"]}
            if status == 404
            else {"Render-Request-Id": RECORDED["service-web.json"]["response"]["headers"]["Render-Request-Id"]}
        )
        return httpx.Response(status, json=payload, headers=headers)


async def verdicts(replay: Replay, items: list[str], service_id: str = SERVICE_ID) -> dict[str, Any]:
    target = target_from_dict(
        {
            "environment": "production",
            "api_url": "https://api.acme.example",
            "team_mode": "solo",
            "customer": {"name": "Acme", "tenant_slug": "acme"},
            "render": {"api_url": BASE, "api_service_id": service_id, "web_service_id": SERVICE_ID},
        }
    )
    async with RunContext(
        target, Secrets({"RENDER_API_KEY": "rnd_contract_test"}), http_transport=httpx.MockTransport(replay)
    ) as ctx:
        return {result.id: result for result in await run_items(ctx, items)}


async def test_recorded_service_and_linked_env_group_give_the_expected_verdicts() -> None:
    results = await verdicts(
        Replay("env-group.json"), ["infra.predeploy-migration", "infra.env-vars", "infra.database", "infra.web-app"]
    )
    migration = results["infra.predeploy-migration"]
    assert (
        migration.status is Status.FAIL
        and "`echo 'hello world'` does not run prisma migrate deploy" in migration.summary
    )
    env = results["infra.env-vars"]
    assert env.status is Status.FAIL and "missing: NODE_ENV, JWT_PRIVATE_KEY" in env.summary
    assert "read from the service and 1 linked env group (my-environment-group)" in env.summary
    database = results["infra.database"]  # DATABASE_URL comes from the group: a localhost URL
    assert database.status is Status.FAIL
    assert database.summary.startswith(
        "DATABASE_URL (from env group my-environment-group) names host localhost, "
        "which is none of the workspace's Render Postgres instances "
    )
    assert "(some-name (dpg-d7shajjrjlhs73bukk0g-a), some-name (dpg-d7sg9ln7f7vs73d9bg5g-a))" in database.summary
    web = results["infra.web-app"]
    assert web.status is Status.FAIL and "API_URL is not set on the web service" in web.summary
    assert (
        "newest deploy dep-ct6vmmlj0q5s700ckes0 is build_in_progress; dep-d0ibj2sfunbc73fd4gg0 (older, live) "
        "serves" in web.summary
    )
    request_ids = {e.request_id for r in results.values() for e in r.evidence}
    assert RECORDED["service-web.json"]["response"]["headers"]["Render-Request-Id"] in request_ids


@pytest.mark.parametrize("which", ["internalConnectionString", "externalConnectionString"])
async def test_a_database_url_from_recorded_connection_info_ties_to_its_instance(which: str) -> None:
    url = body("postgres-connection-info.json")[which]
    replay = Replay("env-group-import.json", [{"key": "DATABASE_URL", "value": url}])
    result = (await verdicts(replay, ["infra.database"]))["infra.database"]
    # The recorded instance is `creating`: tied by its host, and not yet available.
    assert result.status is Status.WARN
    assert result.summary == (
        "DATABASE_URL (from the service) names Render Postgres some-name "
        "(dpg-d7sg9ln7f7vs73d9bg5g-a), which is creating, not yet available; "
        "check again in a few minutes"
    )


async def test_a_recorded_render_error_body_is_quoted_in_the_one_line_error() -> None:
    results = await verdicts(Replay("env-group.json"), ["infra.predeploy-migration"], service_id="srv-missing")
    result = results["infra.predeploy-migration"]
    assert result.status is Status.ERROR
    assert (
        'Render has no service srv-missing for this key (HTTP 404 ("not found: srv-cu2k4j3qf0us73fbv7u0"))'
        in result.summary
    )
    assert {e.request_id for e in result.evidence} == {
        RECORDED["error-404.json"]["response"]["headers"]["Render-Request-Id"]
    }


# -- (b) the look-alike answers in the same shapes ----------------------------------------

SANDBOX_CALLS = [
    ("/services", "serviceList"),
    ("/services/srv-sandboxapi", "service"),
    ("/services/srv-sandboxweb", "service"),
    ("/services/srv-sandboxapi/env-vars", "envVarList"),
    ("/services/srv-sandboxapi/deploys", "deployList"),
    ("/services/srv-sandboxweb/deploys?status=live&status=build_failed", "deployList"),
    ("/env-groups", "envGroupList"),
    ("/env-groups/evg-sandboxobservability", "envGroup"),
    ("/postgres", "postgresList"),
    ("/postgres/dpg-sandboxpostgres0000-a", "postgresDetail"),
    ("/services/srv-nope", "error"),
    ("/postgres/dpg-nope-a", "error"),
    ("/services/srv-sandboxapi/deploys?limit=101", "error"),
]


@pytest.mark.parametrize("scenario", ["env-group,deploy-failed", "postgres-suspended,deploy-in-progress"])
def test_the_look_alike_validates_and_sends_nothing_the_schema_does_not_know(scenario: str, make_sandbox) -> None:
    calls = SANDBOX_CALLS + ([("/env-groups/evg-sandboxapisecrets0", "envGroup")] if "env-group" in scenario else [])
    server = make_sandbox(*scenario.split(","))
    headers = {"Authorization": f"Bearer {server.credentials['RENDER_API_KEY']}"}
    with httpx.Client(base_url=server.render_url, headers=headers) as client:
        for path, shape in calls:
            reply = client.get(path)
            assert (reply.status_code >= 400) == (shape == "error"), (path, reply.status_code)
            validate(reply.json(), shape)
            assert unknown_fields(reply.json(), shape) == [], path
            assert "render-request-id" in reply.headers and "x-request-id" not in reply.headers
        service = client.get("/services/srv-sandboxapi").json()
        validate(service["serviceDetails"], "webServiceDetails")
        assert unknown_fields(service["serviceDetails"], "webServiceDetails") == []
        validate(service["serviceDetails"]["envSpecificDetails"], "nativeEnvironmentDetails")
    unauthorized = httpx.get(f"{server.render_url}/services")
    assert unauthorized.status_code == 401
    validate(unauthorized.json(), "error")


def test_the_look_alike_pages_as_render_documents(make_sandbox) -> None:
    server = make_sandbox("env-group")
    headers = {"Authorization": f"Bearer {server.credentials['RENDER_API_KEY']}"}
    with httpx.Client(base_url=server.render_url, headers=headers) as client:
        assert len(client.get("/services/srv-sandboxapi/deploys").json()) == 3  # all, within the default 20
        assert len(client.get("/services/srv-sandboxapi/deploys", params={"limit": 2}).json()) == 2
        live = client.get("/services/srv-sandboxapi/deploys", params={"status": "live"}).json()
        assert [item["deploy"]["status"] for item in live] == ["live"]
        bad = client.get("/services/srv-sandboxapi/deploys", params={"status": "running"})
        assert bad.status_code == 400 and set(bad.json()) == {"id", "message"}
        assert client.get("/env-groups", params={"ownerId": "tea-elsewhere"}).json() == []
