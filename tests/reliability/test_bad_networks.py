"""Bad networks, one test per fault, over real sockets on loopback: each check ends in
`error` or `fail`, with one line saying what happened, within its deadline; no header
or secret reaches the summary or the logs."""

from __future__ import annotations

import dataclasses
import logging
import time

import pytest

from launch_tui.clients.transport import Policy
from launch_tui.engine import Facts, RunContext, run_items
from launch_tui.engine.base import CHECKS
from launch_tui.results import Status
from launch_tui.secrets import Secrets

from ..conftest import make_target
from . import faults
from .faults import FaultServer

DEADLINE = 3.0
POLICY = Policy(connect_timeout=0.5, read_timeout=0.5, max_attempts=3, backoff_base=0.05, backoff_cap=0.2)
ADMIN_TOKEN = "adm-N3tw0rk+Fault/Secret=="  # sent as a header on admin routes


@pytest.fixture(autouse=True)
def short_deadlines(monkeypatch):
    for item_id in ("infra.health", "onboarding.status", "auth.token-valid"):
        monkeypatch.setitem(CHECKS, item_id, dataclasses.replace(CHECKS[item_id], deadline=DEADLINE))


async def run_one(api_url: str, item_id: str = "infra.health", facts: Facts | None = None):
    secrets = Secrets({"LAUNCH_ADMIN_TOKEN": ADMIN_TOKEN, "LAUNCH_INTEGRATION_KEY": "lk_0123abcd_" + "5" * 48})
    started = time.monotonic()
    async with RunContext(make_target(api_url=api_url), secrets, facts, policy=POLICY) as ctx:
        (result,) = await run_items(ctx, [item_id])
    return result, time.monotonic() - started


def assert_one_line_verdict(result, elapsed: float, *words: str, status=Status.ERROR) -> None:
    assert result.status is status, result.summary
    assert "\n" not in result.summary and len(result.summary) <= 400
    assert elapsed < DEADLINE + 1.5, f"{elapsed:.1f}s: {result.summary}"
    for word in words:
        assert word in result.summary, result.summary
    assert ADMIN_TOKEN not in result.summary and "authorization" not in result.summary.lower()


async def test_connection_refused():
    port = faults.refused_port()
    result, elapsed = await run_one(f"http://127.0.0.1:{port}")
    assert_one_line_verdict(result, elapsed, "connection refused", f"127.0.0.1:{port}")


async def test_a_name_that_does_not_resolve():
    result, elapsed = await run_one("https://api.launch-tui-test.invalid")  # RFC 2606: never resolves
    assert_one_line_verdict(result, elapsed, "cannot resolve host api.launch-tui-test.invalid")


async def test_an_untrusted_tls_certificate(tmp_path):
    context = faults.self_signed_context(tmp_path)
    with FaultServer(faults.reply("200 OK", b'{"status": "ok"}'), tls=context) as server:
        result, elapsed = await run_one(server.url)
    assert_one_line_verdict(result, elapsed, "TLS certificate of 127.0.0.1 is not trusted (self-signed certificate)")
    assert server.requests == 0  # nothing was sent over the untrusted connection


async def test_connect_timeout():
    with faults.full_backlog() as url:
        result, elapsed = await run_one(url)
    assert_one_line_verdict(result, elapsed, "could not connect", "within 0.5 s")


async def test_read_timeout_mid_body():
    with FaultServer(faults.stall_mid_body) as server:
        result, elapsed = await run_one(server.url)
    assert_one_line_verdict(result, elapsed, "answered HTTP 200, then sent nothing for 0.5 s after 28 B")


async def test_a_trickle_that_never_ends_stops_at_the_deadline():
    with FaultServer(faults.trickle) as server:
        result, elapsed = await run_one(server.url)
    assert_one_line_verdict(result, elapsed, f"{DEADLINE:g} s deadline")
    assert elapsed >= DEADLINE - 0.5


@pytest.mark.parametrize("status", ["500 Internal Server Error", "503 Service Unavailable"])
async def test_5xx(status):
    body = b'{"error": {"code": "internal", "message": "boom"}}'
    with FaultServer(faults.reply(status, body)) as server:
        result, elapsed = await run_one(server.url)
    assert_one_line_verdict(result, elapsed, status.split()[0], status=Status.FAIL)
    assert server.requests >= 1


async def test_html_instead_of_json():
    page = b"<!doctype html><html><body>" + b"<p>Welcome to the web app</p>" * 200 + b"</body></html>"
    with FaultServer(faults.reply("200 OK", page, "text/html; charset=utf-8")) as server:
        result, elapsed = await run_one(server.url)
    assert_one_line_verdict(result, elapsed, "text/html", "not the health JSON")
    assert "Welcome" not in result.summary  # described, never shown


async def test_malformed_json():
    with FaultServer(faults.reply("200 OK", b'{"status": "ok", "checks": {"migrations": ')) as server:
        result, elapsed = await run_one(server.url)
    assert_one_line_verdict(result, elapsed, "not the health JSON")


async def test_a_10_mb_body_is_read_only_up_to_the_cap():
    with FaultServer(faults.huge_body()) as server:
        result, elapsed = await run_one(server.url)
    assert_one_line_verdict(result, elapsed, "1.0 MB+", "not the health JSON")


async def test_a_redirect_loop():
    with FaultServer(faults.redirect_to_itself) as server:
        result, elapsed = await run_one(server.url)
    assert_one_line_verdict(result, elapsed, "redirects in a loop")
    assert server.requests <= POLICY.max_redirects + 1


async def test_a_429_storm_with_retry_after():
    with FaultServer(
        faults.reply("429 Too Many Requests", b'{"error": {"code": "rate_limited"}}', Retry_After="1")
    ) as server:
        result, elapsed = await run_one(server.url)
    assert_one_line_verdict(result, elapsed, "429", "rate limit")
    assert 2 <= server.requests <= POLICY.max_attempts  # it waited and tried again, within the deadline


async def test_a_reset_connection():
    with FaultServer(faults.reset) as server:
        result, elapsed = await run_one(server.url)
    assert_one_line_verdict(result, elapsed, "reset the connection")


async def test_errors_and_logs_carry_no_header_values(caplog):
    """An admin call (Authorization header) that fails at the transport: the summary, the
    log records and any traceback text in them hold neither the token nor the header."""
    caplog.set_level(logging.DEBUG)
    with FaultServer(faults.reset) as server:
        result, elapsed = await run_one(server.url, "onboarding.status", Facts(tenant_id="ten_123"))
    assert_one_line_verdict(result, elapsed, "reset the connection")
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert ADMIN_TOKEN not in logged and "Bearer" not in logged
