"""What wraps every response, whichever API answers: the request id, added latency,
rate-limit headers and the rate-limited and flaky scenarios.

These sit outside Starlette so that even its own 500 replies get a request id, and so
that a scenario's refusal happens before any route acts: a client that retries after a
429, a 502 or a dropped connection never causes a second action.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from launch_tui.sandbox.github import rate_limit_exceeded
from launch_tui.sandbox.replies import send_error, surface

REQUEST_ID_SCOPE_KEY = "sandbox.request_id"


class DroppedConnection(Exception):
    """Raised after half a response so the server closes the connection (flaky)."""


def _platform_request_id() -> str:
    return f"req_{secrets.token_hex(10)}"


def _github_request_id() -> str:
    # GitHub's form: five colon-separated hex groups, e.g. "C3A4:2B1F:9D8E12:A0B1C2:66F1A2B3".
    return ":".join(secrets.token_hex(n).upper() for n in (2, 2, 3, 3, 4))


def render_request_id() -> str:
    """Shaped like the recorded ones: `api-5dfb588d7c-js44c/vVKqdgsQoF-1263033`."""
    return (
        f"api-{secrets.token_hex(5)}-{secrets.token_hex(3)[:5]}/"
        f"{secrets.token_urlsafe(8)[:10]}-{secrets.randbelow(10**7):07d}"
    )


# Each API's own request-id header, as its vendor sends it (GitHub: X-GitHub-Request-Id; Render: Render-Request-Id,
# and no x-request-id).
REQUEST_ID_HEADER: dict[str, str] = {"github": "X-GitHub-Request-Id", "render": "Render-Request-Id"}
REQUEST_ID_FORMAT = {"github": _github_request_id, "render": render_request_id}


class RequestId:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = surface(scope.get("path", ""))
        request_id = scope[REQUEST_ID_SCOPE_KEY] = REQUEST_ID_FORMAT.get(api, _platform_request_id)()
        header = REQUEST_ID_HEADER.get(api, "x-request-id")

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(header, request_id)
            await send(message)

        await self.app(scope, receive, send_with_id)


class Latency:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.seconds > 0:
            await asyncio.sleep(self.seconds)
        await self.app(scope, receive, send)


@dataclass
class Window:
    """A fixed rate-limit window, as Render (per minute) and GitHub (per hour) count."""

    limit: int
    seconds: int
    started: float = 0.0
    used: int = 0

    def hit(self, now: float) -> None:
        if now >= self.started + self.seconds:
            self.started, self.used = now, 0
        self.used += 1

    def headers(self, api: str, now: float, exhausted: bool = False) -> dict[str, str]:
        remaining = 0 if exhausted else max(self.limit - self.used, 0)
        reset_at = now + 1 if exhausted else self.started + self.seconds
        if api == "render":
            return {
                "Ratelimit-Limit": str(self.limit),
                "Ratelimit-Remaining": str(remaining),
                "Ratelimit-Reset": str(max(int(reset_at - now + 0.999), 1)),
            }
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-reset": str(int(reset_at + 0.999)),
            "x-ratelimit-resource": "core",
        }


class RateLimits:
    """Render's and GitHub's rate-limit headers; under rate-limited, the first request to
    each path gets 429 with Retry-After: 1, so a client that honours it still succeeds."""

    def __init__(self, app: ASGIApp, world) -> None:
        self.app = app
        self.world = world
        self.windows = {"render": Window(400, 60), "github": Window(5000, 3600)}
        self.seen: set[tuple[str, str]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = surface(scope["path"])
        window = self.windows.get(api)
        now = self.world.store.now()
        if window is not None:
            window.hit(now)
        slot = (scope["method"], scope["path"])
        if self.world.faults.rate_limited and slot not in self.seen:
            self.seen.add(slot)
            headers = {"Retry-After": "1", **(window.headers(api, now, exhausted=True) if window else {})}
            await send_error(
                scope,
                receive,
                send,
                429,
                "rate_limited",
                "too many requests (sandbox scenario rate-limited); retry after 1 second",
                headers,
            )
            return
        if window is None:
            await self.app(scope, receive, send)
            return
        if api == "github" and self.world.faults.github_rate_limited:
            # GitHub's primary limit used up: 403 with remaining 0 until the hour's window resets.
            await rate_limit_exceeded(int(window.started + window.seconds + 0.999), window.limit)(scope, receive, send)
            return

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = MutableHeaders(scope=message)
                for name, value in window.headers(api, now).items():
                    extra[name] = value
            await send(message)

        await self.app(scope, receive, send_with_limits)


class Flaky:
    """The 1st, 4th, 7th... request to each path fails, alternately with a 502 and a
    dropped connection. Counting per path, not globally, keeps it predictable under
    concurrency: a retry of the same call right after a failure goes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.counts: dict[tuple[str, str], int] = {}
        self.failures = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        slot = (scope["method"], scope["path"])
        count = self.counts[slot] = self.counts.get(slot, 0) + 1
        if count % 3 != 1:
            await self.app(scope, receive, send)
            return
        self.failures += 1
        if self.failures % 2:
            await send_error(
                scope,
                receive,
                send,
                502,
                "bad_gateway",
                "the upstream connection failed (sandbox scenario flaky); retry",
            )
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"status":', "more_body": True})
        raise DroppedConnection("sandbox scenario flaky: connection dropped mid-response")


class WholeBodies:
    """No route acts on a request whose body did not arrive whole: the body is read to
    its end first, and a client that disconnects mid-body gets nothing done (and no
    answer, as no one is left to read it). An honest oracle for "exactly once"."""

    def __init__(self, app: ASGIApp, world) -> None:
        self.app = app
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.world.cut_short += 1
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()  # after the body: the real disconnect, whenever it comes
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
