"""Narrow unit tests of the GitHub client's readers: Link headers, GitHub's error shape,
the permissions header, token kinds."""

from __future__ import annotations

import httpx

from launch_tui.clients.github import github_error, missing_permissions, token_kind
from launch_tui.clients.links import parse_links, same_origin
from launch_tui.clients.transport import Reply
from launch_tui.results import Evidence


def reply(status: int, body: bytes, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        "GET",
        "https://api.github.com/x",
        status,
        httpx.Headers(headers or {}),
        body,
        False,
        Evidence(method="GET", url="https://api.github.com/x", status_code=status, at="2026-12-02T00:00:00Z"),
    )


def test_links_as_github_writes_them() -> None:
    value = (
        '<https://api.github.com/repositories/1/rules?page=2>; rel="next", '
        '<https://api.github.com/repositories/1/rules?page=5>; rel="last"'
    )
    assert parse_links(value) == {
        "next": "https://api.github.com/repositories/1/rules?page=2",
        "last": "https://api.github.com/repositories/1/rules?page=5",
    }
    assert parse_links("<https://a/x?a=1,2>; rel=next") == {"next": "https://a/x?a=1,2"}
    assert parse_links('<https://a/p2>; title="x"; rel="next prev"') == {"next": "https://a/p2", "prev": "https://a/p2"}
    assert parse_links(None) == {} and parse_links("garbage") == {} and parse_links("<https://a/>") == {}


def test_a_next_link_must_stay_on_the_api() -> None:
    base = "https://api.github.com"
    assert same_origin("https://api.github.com/repositories/1/x?page=2", base)
    assert not same_origin("https://evil.example/repositories/1/x", base)
    assert not same_origin("http://api.github.com/x", base)
    assert same_origin("http://127.0.0.1:80/github/repos/a", "http://127.0.0.1:80/github")
    assert not same_origin("http://127.0.0.1:80/render/v1/x", "http://127.0.0.1:80/github")


def test_github_error_shows_message_and_docs() -> None:
    body = (
        b'{"message": "Resource not accessible by personal access token", "documentation_url": '
        b'"https://docs.github.com/rest/branches/branch-protection#get-branch-protection", "status": "403"}'
    )
    assert github_error(reply(403, body)) == (
        'HTTP 403 "Resource not accessible by personal access token" '
        "(https://docs.github.com/rest/branches/branch-protection"
        "#get-branch-protection)"
    )
    assert github_error(reply(502, b"<html>bad gateway</html>")) == "HTTP 502"
    assert github_error(reply(404, b'{"message": "\\u001b[31mred", "documentation_url": "javascript:x"}')).startswith(
        'HTTP 404 "'
    )


def test_missing_permissions_from_the_header() -> None:
    assert (
        missing_permissions(reply(403, b"{}", {"X-Accepted-GitHub-Permissions": "administration=read"}))
        == "Administration: read"
    )
    assert (
        missing_permissions(reply(403, b"{}", {"X-Accepted-GitHub-Permissions": "checks=read; statuses=read"}))
        == "Checks: read or Commit statuses: read"
    )
    assert missing_permissions(reply(403, b"{}")) is None


def test_token_kinds() -> None:
    assert token_kind("github_pat_11ABC") == "fine-grained"
    assert token_kind("ghp_abc") == "classic"
    assert token_kind("ghs_abc") == "other"


def test_numbered_pages_as_github_numbers_them() -> None:
    from launch_tui.clients.github import numbered_pages

    base = "https://api.github.com"
    nxt = "https://api.github.com/repos/a/b/rulesets?per_page=2&page=2"
    last = "https://api.github.com/repos/a/b/rulesets?per_page=2&page=4"
    third = "https://api.github.com/repos/a/b/rulesets?per_page=2&page=3"
    assert numbered_pages(nxt, last, base) == [nxt, third, last]
    assert numbered_pages(nxt, last, base, limit=1) == [nxt, third]  # capped
    huge = last.replace("&page=4", "&page=1000000000")
    assert len(numbered_pages(nxt, huge, base) or []) == 31  # however many `last` claims
    assert numbered_pages(nxt, None, base) is None
    assert numbered_pages(nxt, "https://evil.example/repos/a/b/rulesets?per_page=2&page=4", base) is None
    assert numbered_pages(nxt, last.replace("per_page=2", "per_page=3"), base) is None  # not only the page differs
    assert numbered_pages(nxt.replace("&page=2", "&after=abc"), last, base) is None  # a cursor: follow it
    assert numbered_pages(nxt, last.replace("&page=4", "&page=²"), base) is None


async def test_numbered_pages_are_fetched_side_by_side_and_kept_in_order() -> None:
    """Pages 2 and 3 are both asked for before either is answered (page 2's answer waits
    for page 3's request), and the items come out in page order."""
    import asyncio

    import httpx

    from launch_tui.clients import Transport, make_client
    from launch_tui.clients.github import GitHubClient
    from launch_tui.clients.ratelimit import Style

    url = "https://api.github.test/repos/a/b/rulesets"
    third_asked = asyncio.Event()

    async def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        links = f'<{url}?per_page=1&page={page + 1}>; rel="next", <{url}?per_page=1&page=3>; rel="last"'
        if page == 3:
            third_asked.set()
        if page == 2:
            await asyncio.wait_for(third_asked.wait(), 10)  # fails the test if page 3 waits for page 2
        headers = {"link": links} if page < 3 else {}
        return httpx.Response(200, json=[{"id": page}], headers=headers)

    http = make_client(transport=httpx.MockTransport(answer))
    client = GitHubClient(Transport(http, style=Style.GITHUB), "https://api.github.test", "ghp_unit")
    async with http:
        listing = await client._pages("/repos/a/b/rulesets", {"per_page": 1})
    assert [item["id"] for item in listing.items] == [1, 2, 3] and listing.complete and listing.failed is None
