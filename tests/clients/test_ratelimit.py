"""Wait times read from servers' headers are hostile input: only a finite, non-negative
number of seconds may reach asyncio.sleep (a `nan` never returns from it)."""

from __future__ import annotations

import math
import random

import httpx
import pytest
import respx

from launch_tui.clients import Policy, Transport, make_client
from launch_tui.clients.ratelimit import Style, blocked_for, retry_after, wait_for

URL = "https://api.render.test/v1/services"


@pytest.mark.parametrize("reset", ["nan", "NaN", "inf", "-inf", "soon", ""])
def test_render_reset_that_is_no_number_counts_as_absent(reset):
    headers = httpx.Headers({"Ratelimit-Remaining": "0", "Ratelimit-Reset": reset})
    assert blocked_for(headers, Style.RENDER) is None
    assert wait_for(429, headers, Style.RENDER) == 1.0  # the default pause, not nan or forever


@pytest.mark.parametrize("reset", ["-5", "-0.5"])
def test_render_negative_reset_means_now(reset):
    headers = httpx.Headers({"Ratelimit-Remaining": "0", "Ratelimit-Reset": reset})
    assert blocked_for(headers, Style.RENDER) == 0.0
    assert wait_for(429, headers, Style.RENDER) == 0.0


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_retry_after_that_is_not_finite_is_ignored(value):
    assert retry_after(httpx.Headers({"Retry-After": value})) is None


@pytest.mark.parametrize("remaining, reset", [("nan", "3"), ("0", "nan"), ("0", "inf")])
def test_github_non_finite_headers_are_ignored(remaining, reset):
    headers = httpx.Headers({"x-ratelimit-remaining": remaining, "x-ratelimit-reset": reset})
    assert blocked_for(headers, Style.GITHUB) is None


class RecordingSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@respx.mock
@pytest.mark.parametrize("reset", ["nan", "-7"])
async def test_transport_never_sleeps_for_a_hostile_reset(reset):
    respx.get(URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Ratelimit-Remaining": "0", "Ratelimit-Reset": reset}),
            httpx.Response(200, headers={"Ratelimit-Remaining": "0", "Ratelimit-Reset": reset}),
            httpx.Response(200),
        ]
    )
    sleep = RecordingSleep()
    async with make_client() as client:
        transport = Transport(client, Policy(), Style.RENDER, sleep=sleep, rng=random.Random(1))
        assert (await transport.request("GET", URL)).status_code == 200
        assert (await transport.request("GET", URL)).status_code == 200
    assert sleep.waits and all(math.isfinite(wait) and wait >= 0 for wait in sleep.waits)
