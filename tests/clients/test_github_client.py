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
