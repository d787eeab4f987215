"""Ids that come from files or servers go into a URL as exactly one path segment (issue 11)."""

from __future__ import annotations

import httpx
import pytest

from launch_tui.clients.platform import PlatformClient, segment
from launch_tui.clients.transport import Policy, Transport, make_client
from launch_tui.secrets import Secrets


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("ten_123", "ten_123"),
        ("../../admin", "..%2F..%2Fadmin"),
        ("a?b#c d%", "a%3Fb%23c%20d%25"),
        ("..", "%2E%2E"),
        (".", "%2E"),
    ],
)
def test_segment(value, encoded):
    assert segment(value) == encoded


async def test_a_hostile_id_cannot_walk_the_path():
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path)
        return httpx.Response(200, json={})

    async with make_client(Policy(max_attempts=1), httpx.MockTransport(handler)) as client:
        admin = Secrets({"LAUNCH_ADMIN_TOKEN": "adm_x"})
        platform = PlatformClient(Transport(client), "https://api.example.com", admin)
        await platform.onboarding_status("../../billing/invoices/inv_1?x=1#")
        await platform.revoke_key("..", "key/1", "idem")
        await platform.job("job_1/../../admin", "token")
    assert seen == [
        b"/api/admin/tenants/..%2F..%2Fbilling%2Finvoices%2Finv_1%3Fx%3D1%23/onboarding-status",
        b"/api/admin/tenants/%2E%2E/integration-keys/key%2F1/revoke",
        b"/api/jobs/job_1%2F..%2F..%2Fadmin",
    ]
