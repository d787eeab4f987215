"""Narrow unit tests of the transport policy (respx mocks, no network)."""

from __future__ import annotations

import base64
import random
import time

import httpx
import pytest
import respx

from launch_tui.clients import (
    USER_AGENT,
    DeadlineExceeded,
    NotJSON,
    Policy,
    RateLimited,
    Transport,
    TransportError,
    collect_evidence,
    deadline,
    make_client,
)
from launch_tui.clients.ratelimit import Style
from launch_tui.secrets import registry

URL = "https://api.example.test/health"


class FakeSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
async def client():
    async with make_client() as http:
        yield http


def transport(client, style=Style.PLATFORM, **policy) -> tuple[Transport, FakeSleep]:
    sleep = FakeSleep()
    return Transport(client, Policy(**policy), style, sleep=sleep, rng=random.Random(7)), sleep


@respx.mock
async def test_retries_502_503_504_with_growing_jittered_backoff(client):
    route = respx.get(URL).mock(
        side_effect=[
            httpx.Response(502),
            httpx.Response(503),
            httpx.Response(504),
            httpx.Response(200, json={"status": "ok"}),
        ]
    )
    t, sleep = transport(client)
    reply = await t.request("GET", URL)
    assert reply.status_code == 200 and route.call_count == 4
    assert len(sleep.waits) == 3
    for attempt, wait in enumerate(sleep.waits, start=1):
        ceiling = min(4.0, 0.25 * 2 ** (attempt - 1))
        assert ceiling / 2 <= wait <= ceiling


@respx.mock
async def test_gives_the_last_5xx_to_the_check_after_max_attempts(client):
    route = respx.get(URL).mock(return_value=httpx.Response(503, json={"status": "down"}))
    t, _ = transport(client, max_attempts=3)
    reply = await t.request("GET", URL)
    assert reply.status_code == 503 and route.call_count == 3


@respx.mock
async def test_non_idempotent_post_is_not_retried_on_502(client):
    route = respx.post(URL).mock(return_value=httpx.Response(502))
    t, sleep = transport(client)
    reply = await t.request("POST", URL, json={})
    assert reply.status_code == 502 and route.call_count == 1 and sleep.waits == []


@respx.mock
async def test_post_marked_idempotent_is_retried(client):
    route = respx.post(URL).mock(side_effect=[httpx.Response(503), httpx.Response(201, json={})])
    t, _ = transport(client)
    reply = await t.request("POST", URL, json={}, idempotent=True)
    assert reply.status_code == 201 and route.call_count == 2


@respx.mock
async def test_connect_errors_are_retried_even_for_post_then_reported_in_one_line(client):
    route = respx.post(URL).mock(side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
    t, sleep = transport(client)
    with collect_evidence() as evidence, pytest.raises(TransportError) as caught:
        await t.request("POST", URL, json={})
    assert route.call_count == 4 and len(sleep.waits) == 3
    assert str(caught.value) == "connection refused by api.example.test:443; is the service running on that port?"
    assert len(evidence) == 4 and evidence[0].status_code is None


@respx.mock
async def test_429_waits_retry_after_then_succeeds(client):
    respx.get(URL).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200)])
    t, sleep = transport(client)
    reply = await t.request("GET", URL)
    assert reply.status_code == 200 and sleep.waits == [2.0]


@respx.mock
async def test_429_retry_after_as_http_date(client):
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 3))
    respx.get(URL).mock(side_effect=[httpx.Response(429, headers={"Retry-After": later}), httpx.Response(200)])
    t, sleep = transport(client)
    await t.request("GET", URL)
    assert 1.0 <= sleep.waits[0] <= 3.0


@respx.mock
async def test_429_beyond_the_deadline_gives_up_at_once_with_a_clear_message(client):
    route = respx.get(URL).mock(return_value=httpx.Response(429, headers={"Retry-After": "120"}))
    t, sleep = transport(client)
    with deadline(5), pytest.raises(RateLimited) as caught:
        await t.request("GET", URL)
    assert route.call_count == 1 and sleep.waits == []
    assert "asks to wait 120 s" in str(caught.value) and "5 s deadline" in str(caught.value)


@respx.mock
async def test_render_429_without_retry_after_uses_ratelimit_reset(client):
    respx.get(URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Ratelimit-Remaining": "0", "Ratelimit-Reset": "3"}),
            httpx.Response(200),
        ]
    )
    t, sleep = transport(client, Style.RENDER)
    await t.request("GET", URL)
    assert sleep.waits[0] == 3.0


@respx.mock
async def test_render_quota_at_zero_delays_the_next_request(client):
    respx.get(URL).mock(return_value=httpx.Response(200, headers={"Ratelimit-Remaining": "0", "Ratelimit-Reset": "2"}))
    t, sleep = transport(client, Style.RENDER)
    await t.request("GET", URL)
    assert sleep.waits == []
    await t.request("GET", URL)
    assert len(sleep.waits) == 1 and 1.5 < sleep.waits[0] <= 2.0


@respx.mock
async def test_github_403_with_remaining_zero_waits_for_reset(client):
    reset = str(int(time.time()) + 2)
    respx.get(URL).mock(
        side_effect=[
            httpx.Response(403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}),
            httpx.Response(200, json={}),
        ]
    )
    t, sleep = transport(client, Style.GITHUB)
    reply = await t.request("GET", URL)
    assert reply.status_code == 200 and 0 <= sleep.waits[0] <= 2.0


@respx.mock
async def test_github_plain_403_is_a_permission_problem_returned_as_is(client):
    route = respx.get(URL).mock(
        return_value=httpx.Response(
            403, headers={"x-ratelimit-remaining": "4999"}, json={"message": "Resource not accessible"}
        )
    )
    t, sleep = transport(client, Style.GITHUB)
    reply = await t.request("GET", URL)
    assert reply.status_code == 403 and route.call_count == 1 and sleep.waits == []


@respx.mock
async def test_evidence_holds_request_id_status_duration_and_no_header_values(client):
    registry.add("sk_live_TOPSECRET_value_123")
    respx.get(URL).mock(
        return_value=httpx.Response(
            401,
            headers={"x-request-id": "req_abc"},
            json={"error": {"code": "bad", "message": "token sk_live_TOPSECRET_value_123 refused"}},
        )
    )
    t, _ = transport(client)
    with collect_evidence() as evidence:
        reply = await t.request("GET", URL, headers={"Authorization": "Bearer sk_live_TOPSECRET_value_123"})
    [item] = evidence
    assert item.method == "GET" and item.url == URL and item.status_code == 401 and item.request_id == "req_abc"
    assert "TOPSECRET" not in item.model_dump_json() and "[redacted]" in item.excerpt
    assert reply.error_message() == "token [redacted] refused"


@respx.mock
async def test_sensitive_responses_leave_no_excerpt(client):
    respx.post(URL).mock(return_value=httpx.Response(200, json={"accessToken": "eyJ.unregistered.token"}))
    t, _ = transport(client)
    reply = await t.request("POST", URL, json={}, sensitive=True)
    assert reply.evidence.excerpt is None


@respx.mock
async def test_secrets_in_base64_and_url_encoded_forms_are_redacted(client):
    secret = "lk_Very/Secret+Key=="
    registry.add(secret)
    encoded = base64.b64encode(secret.encode()).decode()
    respx.get(URL).mock(return_value=httpx.Response(500, text=f"a={encoded} b=lk_Very%2FSecret%2BKey%3D%3D"))
    t, _ = transport(client, max_attempts=1)
    with collect_evidence() as evidence:
        await t.request("GET", URL)
    assert "Secret" not in evidence[0].excerpt and "VmVye" not in evidence[0].excerpt


@respx.mock
async def test_excerpt_escapes_terminal_sequences_and_is_short(client):
    respx.get(URL).mock(return_value=httpx.Response(500, text="\x1b[2J\x1b]0;pwned\x07" + "x" * 1000 + "\u202e"))
    t, _ = transport(client, max_attempts=1)
    reply = await t.request("GET", URL)
    text = reply.evidence.excerpt
    assert "\x1b" not in text and "\x07" not in text and "␛[2J" in text
    assert len(text) <= 200


@respx.mock
async def test_a_ten_megabyte_body_is_read_only_up_to_the_cap(client):
    respx.get(URL).mock(
        return_value=httpx.Response(
            200, content=b"{" + b" " * (10 * 1024 * 1024), headers={"content-type": "application/json"}
        )
    )
    t, _ = transport(client)
    reply = await t.request("GET", URL)
    assert reply.truncated and len(reply.body) == 1 << 20
    with pytest.raises(NotJSON, match=r"more than 1\.0 MB"):
        reply.json()


@respx.mock
async def test_non_json_body_is_described_not_shown(client):
    respx.get(URL).mock(
        return_value=httpx.Response(
            200, text="<html>" + "secret page" * 50 + "</html>", headers={"content-type": "text/html; charset=utf-8"}
        )
    )
    t, _ = transport(client)
    reply = await t.request("GET", URL)
    with pytest.raises(NotJSON) as caught:
        reply.json()
    assert "text/html" in str(caught.value) and "563 B" in str(caught.value) and "secret page" not in str(caught.value)


@respx.mock
async def test_user_agent_and_tls_verification(client):
    route = respx.get(URL).mock(return_value=httpx.Response(200))
    t, _ = transport(client)
    await t.request("GET", URL)
    assert route.calls[0].request.headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("launch-tui/")


@respx.mock
async def test_deadline_already_spent_raises_without_sending(client):
    route = respx.get(URL).mock(return_value=httpx.Response(200))
    t, _ = transport(client)
    with deadline(0), pytest.raises(DeadlineExceeded):
        await t.request("GET", URL)
    assert route.call_count == 0


@respx.mock
async def test_redirect_loop_is_one_line(client):
    respx.get(URL).mock(return_value=httpx.Response(302, headers={"location": URL}))
    t, _ = transport(client)
    with pytest.raises(TransportError, match="redirects in a loop"):
        await t.request("GET", URL)


@pytest.mark.parametrize(
    "exc, expected",
    [
        (httpx.ConnectError("[Errno -2] Name or service not known"), "cannot resolve host api.example.test (DNS)"),
        (httpx.ConnectTimeout("timed out"), "could not connect to api.example.test:443 within 5.0 s"),
        (httpx.ReadTimeout("timed out"), "sent no response within 10.0 s"),
        (httpx.ReadError("[Errno 104] Connection reset by peer"), "reset the connection"),
        (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "TLS certificate"),
    ],
)
@respx.mock
async def test_transport_failures_read_as_one_line(client, exc, expected):
    respx.get(URL).mock(side_effect=exc)
    t, _ = transport(client, max_attempts=1)
    with pytest.raises(TransportError) as caught:
        await t.request("GET", URL)
    assert expected in str(caught.value) and "\n" not in str(caught.value)
