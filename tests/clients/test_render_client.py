"""Narrow unit tests of the Render client on replies the sandbox does not give (a mocked
transport, no network): precedence between the service and its groups, hostile shapes,
and the lists it refuses to guess past."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from launch_tui.clients import BadReply, Transport, make_client
from launch_tui.clients.ratelimit import Style
from launch_tui.clients.render import RenderClient, ServiceInfo

BASE = "https://api.render.test/v1"
SERVICE = ServiceInfo("srv-a", "api", False, "not_suspended", None, None, "tea-1", None)


def group_meta(ident: str, name: str, linked: Any = None) -> dict[str, Any]:
    links = [{"id": "srv-a", "name": "api", "type": "web"}] if linked is None else linked
    return {
        "id": ident,
        "name": name,
        "ownerId": "tea-1",
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z",
        "serviceLinks": links,
    }


async def client_for(routes: dict[str, Any]) -> tuple[RenderClient, httpx.AsyncClient]:
    def answer(request: httpx.Request) -> httpx.Response:
        key = request.url.path.removeprefix("/v1") + (
            "?cursor=" + request.url.params["cursor"] if "cursor" in request.url.params else ""
        )
        if key not in routes:
            return httpx.Response(404, json={"message": f"not found: {key}"})
        return httpx.Response(200, json=routes[key])

    http = make_client(transport=httpx.MockTransport(answer))
    return RenderClient(Transport(http, style=Style.RENDER), BASE, "rnd_unit"), http


async def test_the_service_wins_over_its_groups_and_the_first_group_over_the_next() -> None:
    render, http = await client_for(
        {
            "/services/srv-a/env-vars": [{"envVar": {"key": "NODE_ENV", "value": "production"}, "cursor": "c1"}],
            "/services/srv-a/env-vars?cursor=c1": [],
            "/env-groups": [
                group_meta("evg-1", "first"),
                group_meta("evg-2", "second"),
                group_meta("evg-3", "unlinked", linked=[{"id": "srv-b", "name": "b", "type": "web"}]),
            ],
            "/env-groups/evg-1": {"envVars": [{"key": "NODE_ENV", "value": "development"}, {"key": "A", "value": "1"}]},
            "/env-groups/evg-2": {"envVars": [{"key": "A", "value": "2"}, {"key": "B", "value": "3"}]},
        }
    )
    async with http:
        env = await render.env(SERVICE)
    assert (env.get("NODE_ENV"), env.source("NODE_ENV")) == ("production", "the service")
    assert (env.get("A"), env.source("A")) == ("1", "env group first")
    assert (env.get("B"), env.source("B")) == ("3", "env group second")
    assert env.groups == ("first", "second")  # the unlinked group is not read
    assert env.read_from() == "the service and 2 linked env groups (first, second)"


@pytest.mark.parametrize(
    "groups",
    [
        [{"id": "evg-1", "serviceLinks": "srv-a"}],  # links not a list
        [{"id": "evg-1", "serviceLinks": [None, 3, {"id": None}]}],  # links of the wrong kind
        ["not an object"],
    ],
)
async def test_hostile_group_shapes_link_nothing(groups: list[Any]) -> None:
    render, http = await client_for({"/services/srv-a/env-vars": [], "/env-groups": groups})
    async with http:
        env = await render.env(SERVICE)
    assert len(env) == 0 and env.groups == ()
    assert env.read_from() == "the service (no env groups linked)"


async def test_a_linked_group_with_odd_env_vars_keeps_what_is_usable() -> None:
    render, http = await client_for(
        {
            "/services/srv-a/env-vars": [],
            "/env-groups": [group_meta("evg-1", "odd")],
            "/env-groups/evg-1": {
                "envVars": [{"key": "A", "value": None}, {"key": 5, "value": "x"}, "junk", {"key": "B", "value": "b"}]
            },
        }
    )
    async with http:
        env = await render.env(SERVICE)
    assert {key: value.value for key, value in env.values.items()} == {"A": "", "B": "b"}


async def test_a_full_page_of_env_groups_is_said_not_guessed_past() -> None:
    render, http = await client_for(
        {"/services/srv-a/env-vars": [], "/env-groups": [group_meta(f"evg-{n}", f"g{n}", []) for n in range(100)]}
    )
    async with http:
        with pytest.raises(BadReply, match="100 or more env groups"):
            await render.env(SERVICE)


async def test_a_full_page_without_a_cursor_is_an_error() -> None:
    page = [{"envVar": {"key": f"K{n}", "value": "v"}} for n in range(100)]
    render, http = await client_for({"/services/srv-a/env-vars": page, "/env-groups": []})
    async with http:
        with pytest.raises(BadReply, match="no usable cursor"):
            await render.env(SERVICE)


async def test_a_deleted_group_is_an_error_naming_it() -> None:
    render, http = await client_for({"/services/srv-a/env-vars": [], "/env-groups": [group_meta("evg-9", "gone")]})
    async with http:
        with pytest.raises(BadReply, match=r'no env group evg-9 for this key \(HTTP 404 \("not found: /env-groups/'):
            await render.env(SERVICE)


async def test_deploys_read_the_live_one_only_when_the_newest_is_not_it() -> None:
    live = [{"deploy": {"id": "dep-1", "status": "live", "finishedAt": None}, "cursor": "c"}]
    calls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url.query.decode()))
        return httpx.Response(200, json=live)

    http = make_client(transport=httpx.MockTransport(answer))
    async with http:
        deploys = await RenderClient(Transport(http, style=Style.RENDER), BASE, "k").deploys("srv-a")
    assert deploys.newest == deploys.live and calls == ["limit=1"]


async def workspace_groups_client(every_workspace: Any) -> tuple[RenderClient, httpx.AsyncClient, list[str]]:
    """A Render whose env-group list answers `every_workspace` without ownerId and the
    service's workspace (tea-1) with ownerId; the URLs asked, in order."""
    asked: list[str] = []
    mine = [group_meta("evg-1", "first"), group_meta("evg-9", "other", linked=[])]
    bodies = {"/env-groups/evg-1": {"envVars": [{"key": "A", "value": "1"}]}}

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        path = request.url.path.removeprefix("/v1")
        if path == "/env-groups":
            if request.url.params.get("ownerId") == "tea-1":
                return httpx.Response(200, json=mine)
            status, body = every_workspace
            return httpx.Response(status, json=body)
        return httpx.Response(200, json=bodies[path]) if path in bodies else httpx.Response(404, json={})

    http = make_client(transport=httpx.MockTransport(answer))
    return RenderClient(Transport(http, style=Style.RENDER), BASE, "rnd_unit"), http, asked


async def test_group_env_of_lists_every_workspace_without_waiting_for_the_service() -> None:
    from launch_tui.clients.evidence import collect_evidence

    other_customer = group_meta("evg-7", "other-customer-secrets", linked=[{"id": "srv-z"}])
    render, http, asked = await workspace_groups_client((200, [group_meta("evg-1", "first"), other_customer]))

    async def service() -> ServiceInfo:
        raise AssertionError("the service is not needed when the list of every workspace answers")

    async with http:
        with collect_evidence() as evidence:
            env = await render.group_env_of("srv-a", service)
    assert env.groups == ("first",) and env.source("A") == "env group first"
    assert [url.split("/v1")[1] for url in asked] == ["/env-groups?limit=100", "/env-groups/evg-1"]
    listing = next(e for e in evidence if e.url.endswith("/env-groups?limit=100"))
    assert listing.excerpt is None  # it names other customers' groups: never excerpted


@pytest.mark.parametrize(
    "every_workspace",
    [
        (200, [group_meta(f"evg-{n}", f"g{n}", linked=[]) for n in range(100)]),  # a full page: maybe more
        (403, {"message": "forbidden"}),
        (200, {"not": "a list"}),
    ],
)
async def test_group_env_of_asks_the_service_workspace_when_the_wide_list_cannot_tell(every_workspace) -> None:
    from launch_tui.clients.evidence import collect_evidence

    render, http, asked = await workspace_groups_client(every_workspace)

    async def service() -> ServiceInfo:
        return SERVICE

    async with http:
        with collect_evidence() as evidence:
            env = await render.group_env_of("srv-a", service)
        assert env == await render.group_env(SERVICE)  # the same answer as asking the workspace
    assert env.groups == ("first",)
    assert "ownerId=tea-1" in asked[1]
    assert not any(e.url.endswith("/env-groups?limit=100") for e in evidence)  # the first try is not evidence
