"""`Idempotency-Key` on every mutating admin call: the same key on the same route within
24 h gets the first response again (status, headers, body) and nothing happens twice.

A middleware rather than per-route code so that no admin POST can forget it. It sits
behind the auth guard: an unauthenticated caller never sees a stored response.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from launch_tui.sandbox.auth import is_admin_path
from launch_tui.sandbox.replies import send_error

REPLAY_SECONDS = 24 * 3600
MAX_KEY_LENGTH = 255


@dataclass
class Replay:
    at: float
    fingerprint: str
    status: int | None = None  # None while the first request is still being handled
    headers: list[tuple[bytes, bytes]] | None = None
    body: bytes = b""


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None when the client went away before it all arrived: a
    request cut short is no request, so nothing may act on it or remember its key."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _without_secret(body: bytes) -> bytes:
    """A key's secret appears in its creation response only, once (the contract): the
    stored answer that a repeated key replays has no `secret`, so no secret is kept."""
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if not isinstance(data, dict) or "secret" not in data:
        return body
    data.pop("secret")
    return json.dumps(data).encode()


class Idempotency:
    def __init__(self, app: ASGIApp, world) -> None:
        self.app = app
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = Headers(scope=scope).get("idempotency-key") if scope["type"] == "http" else None
        if key is None or scope["method"] != "POST" or not is_admin_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            await send_error(
                scope,
                receive,
                send,
                400,
                "invalid_idempotency_key",
                f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters",
            )
            return
        try:
            body = await _read_body(receive)
        except HTTPException as exc:  # the app's body size limit
            await send_error(scope, receive, send, exc.status_code, "body_too_large", str(exc.detail))
            return
        if body is None:
            return  # the client disconnected mid-body: there is no one to answer
        slot = (scope["method"], scope["path"], key)
        fingerprint = hashlib.sha256(body).hexdigest()
        now = self.world.store.now()
        replay = self.world.replays.get(slot)
        if replay is not None and now - replay.at < REPLAY_SECONDS:
            await self._answer_again(scope, receive, send, replay, fingerprint)
            return
        replay = self.world.replays[slot] = Replay(now, fingerprint)
        await self._first_time(scope, send, body, replay, slot)

    async def _answer_again(self, scope: Scope, receive: Receive, send: Send, replay: Replay, fingerprint: str) -> None:
        if replay.fingerprint != fingerprint:
            await send_error(
                scope,
                receive,
                send,
                422,
                "idempotency_key_reused",
                "this Idempotency-Key was first used with a different body; use a new key per operation",
            )
        elif replay.status is None:
            await send_error(
                scope,
                receive,
                send,
                409,
                "idempotency_in_progress",
                "the first request with this Idempotency-Key is still being handled; retry shortly",
                headers={"Retry-After": "1"},
            )
        else:
            headers = [*(replay.headers or []), (b"idempotent-replayed", b"true")]
            await send({"type": "http.response.start", "status": replay.status, "headers": headers})
            await send({"type": "http.response.body", "body": replay.body})

    async def _first_time(self, scope: Scope, send: Send, body: bytes, replay: Replay, slot: tuple) -> None:
        delivered = False

        async def receive_body() -> Message:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        started: Message = {}
        parts: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive_body, capture)
        finally:
            status = started.get("status")
            # A server error is not an answer worth repeating: let the client retry for real.
            if status is None or status >= 500:
                self.world.replays.pop(slot, None)
            else:
                # Filled in only now, so a concurrent duplicate never replays half a body.
                replay.body = _without_secret(b"".join(parts))
                replay.headers = _with_length(list(started.get("headers", [])), len(replay.body))
                replay.status = status


def _with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    return [(name, str(length).encode() if name.lower() == b"content-length" else value) for name, value in headers]
