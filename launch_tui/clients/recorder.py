"""The real platform client over a transport that records each request instead of
sending it: what an action would send, for its preview. Nothing leaves the machine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from launch_tui.clients.platform import PlatformClient
from launch_tui.clients.ratelimit import Style
from launch_tui.clients.transport import Policy, Transport, make_client
from launch_tui.secrets import Secrets


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    url: str
    headers: dict[str, str]  # names lower-cased; a repeated header's values joined with ", "
    content: bytes


class _Recorder(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        content = await request.aread()
        headers = {name.lower(): request.headers[name] for name in request.headers}
        self.requests.append(RecordedRequest(request.method, str(request.url), headers, content))
        return httpx.Response(200, json={}, request=request)


@asynccontextmanager
async def recording_platform(
    api_url: str, secrets: Secrets
) -> AsyncIterator[tuple[PlatformClient, list[RecordedRequest]]]:
    """`async with recording_platform(url, secrets) as (platform, sent):` calls on `platform`
    land in `sent`, each answered 200 `{}`; one attempt each, no retries."""
    recorder = _Recorder()
    policy = Policy(max_attempts=1)
    async with make_client(policy, recorder) as client:
        yield PlatformClient(Transport(client, policy, Style.PLATFORM), api_url, secrets), recorder.requests
