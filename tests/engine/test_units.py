"""Narrow unit tests (respx) of parsing and pacing the sandbox cannot show: a health body
that is not JSON, a poll answer carrying Retry-After, and logs free of secrets."""

from __future__ import annotations

import logging

import httpx
import pytest
import respx

from launch_tui.engine import Facts, RunContext, first_value, run_items
from launch_tui.engine.first_value import poll_job
from launch_tui.results import Status
from launch_tui.secrets import Secrets
from launch_tui.target import target_from_dict

API = "https://api.example.test"


def target():
    return target_from_dict(
        {
            "environment": "production",
            "api_url": API,
            "team_mode": "solo",
            "customer": {"name": "Acme", "tenant_slug": "acme"},
        }
    )


@respx.mock
async def test_health_html_is_an_error_describing_it_not_showing_it():
    respx.get(f"{API}/health").mock(
        return_value=httpx.Response(200, text="<html>" + "x" * 5000 + "</html>", headers={"content-type": "text/html"})
    )
    async with RunContext(target(), Secrets()) as ctx:
        [result] = await run_items(ctx, ["infra.health"])
    assert result.status is Status.ERROR
    assert "text/html, 4.9 kB" in result.summary and "xxxx" not in result.summary


@respx.mock
async def test_health_json_without_pending_count_is_an_error():
    respx.get(f"{API}/health").mock(return_value=httpx.Response(200, json={"status": "ok"}))
    async with RunContext(target(), Secrets()) as ctx:
        [result] = await run_items(ctx, ["infra.health"])
    assert result.status is Status.ERROR and "checks.migrations.pending" in result.summary


@respx.mock
async def test_poll_never_sooner_than_retry_after(monkeypatch):
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(first_value, "sleep", fake_sleep)
    job = {"id": "job_1", "type": "TRADE", "status": "running", "progress": 0.5}
    respx.get(f"{API}/api/jobs/job_1").mock(
        side_effect=[
            httpx.Response(200, json=job, headers={"Retry-After": "7"}),
            httpx.Response(200, json=job),
            httpx.Response(200, json=job),
            httpx.Response(200, json={**job, "status": "succeeded", "progress": 1.0}),
        ]
    )
    facts = Facts(job_id="job_1", access_token="tok_in_memory_only_123")
    async with RunContext(target(), Secrets(), facts) as ctx:
        result = await poll_job(ctx)
    assert result.status is Status.PASS and len(result.evidence) == 4
    assert waits == [7.0, 1.0, 2.0]  # Retry-After first, then the backoff goes on doubling


@respx.mock
async def test_poll_gives_up_at_its_deadline_saying_the_job_is_still_running(monkeypatch):
    respx.get(f"{API}/api/jobs/job_1").mock(
        return_value=httpx.Response(
            200, json={"id": "job_1", "type": "TRADE", "status": "running"}, headers={"Retry-After": "30"}
        )
    )
    async with RunContext(target(), Secrets(), Facts(job_id="job_1", access_token="tok_abcdefgh")) as ctx:
        result = await poll_job(ctx, deadline_s=5)
    assert result.status is Status.ERROR and "still running" in result.summary


@respx.mock
async def test_logs_carry_no_secret(caplog):
    caplog.set_level(logging.DEBUG)
    secrets = Secrets(
        {"LAUNCH_INTEGRATION_KEY": "lk_log_test_secret_0001", "LAUNCH_ADMIN_TOKEN": "adm_log_secret_0002"}
    )
    respx.post(f"{API}/api/auth/token/integration").mock(
        return_value=httpx.Response(200, json={"accessToken": "eyJhbGciOi.token_log_secret_0003.sig"})
    )
    respx.get(f"{API}/health").mock(return_value=httpx.Response(500, text="lk_log_test_secret_0001 echoed"))
    logging.getLogger("httpx").info("a library logging %s", "lk_log_test_secret_0001")
    async with RunContext(target(), secrets) as ctx:
        results = await run_items(ctx, ["auth.token-valid", "infra.health"])
    assert [r.status for r in results] == [Status.FAIL, Status.PASS]
    text = caplog.text + "".join(r.model_dump_json() for r in results)
    for secret in ("lk_log_test_secret_0001", "adm_log_secret_0002", "token_log_secret_0003"):
        assert secret not in text


def test_facts_keep_secrets_out_of_what_is_persisted():
    facts = Facts(tenant_id="ten_1", customer_key="lk_persist_secret_01", access_token="tok_persist_secret_02")
    assert facts.to_dict() == {"tenant_id": "ten_1"}
    assert Facts.from_dict({"tenant_id": "ten_1", "customer_key": "x", "bogus": "y"}) == Facts(tenant_id="ten_1")
    assert "persist_secret" not in repr(facts)
    with pytest.raises(AttributeError):
        facts.update(nope=1)
