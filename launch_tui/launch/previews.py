"""The exact request an action will send, for the confirmation dialog: produced by the
real platform client against a transport that records instead of sending, so the
preview cannot drift from what is sent. Authorization is masked; bodies are redacted."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from launch_tui.clients.platform import PlatformClient
from launch_tui.clients.recorder import RecordedRequest, recording_platform
from launch_tui.safe_text import visible
from launch_tui.secrets import Secrets, redact

SHOWN_HEADERS = ("content-type", "idempotency-key", "authorization")


@dataclass(frozen=True)
class RequestPreview:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: str

    def as_data(self) -> dict[str, str]:
        """What the session records with the intent (no header values but the key)."""
        return {"method": self.method, "url": self.url, "body": self.body[:2000]}


async def preview(
    api_url: str, secrets: Secrets, call: Callable[[PlatformClient], Awaitable[object]]
) -> list[RequestPreview]:
    """Run `call` against a recording transport; nothing leaves the machine."""
    async with recording_platform(api_url, secrets) as (platform, sent):
        await call(platform)
    return [_describe(request) for request in sent]


def _describe(request: RecordedRequest) -> RequestPreview:
    headers = []
    for name in SHOWN_HEADERS:
        value = request.headers.get(name)
        if value is None:
            continue
        if name == "authorization":
            value = value.split(" ", 1)[0] + " ••••••••"
        headers.append((name, visible(redact(value))))
    return RequestPreview(request.method, visible(redact(request.url)), tuple(headers), _body(request))


def compact_json(value: object, depth: int = 0) -> str:
    """Indented JSON, except that a nested object of plain values stays on one line:
    `"TRADE": {"enabled": true}`, so every detector fits on one screen at 80x24."""
    plain = (str, int, float, bool, type(None))
    if isinstance(value, dict) and value:
        if depth > 0 and all(isinstance(item, plain) for item in value.values()):
            return json.dumps(value)
        pad = "  " * (depth + 1)
        inner = ",\n".join(f"{pad}{json.dumps(key)}: {compact_json(item, depth + 1)}" for key, item in value.items())
        return "{\n" + inner + "\n" + "  " * depth + "}"
    if isinstance(value, list) and value:
        pad = "  " * (depth + 1)
        return "[\n" + ",\n".join(pad + compact_json(item, depth + 1) for item in value) + "\n" + "  " * depth + "]"
    return json.dumps(value)


def _body(request: RecordedRequest) -> str:
    content = request.content
    if not content:
        return ""
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        name = re.search(rb'filename="([^"]*)"', content)
        first_line = content.split(b"\r\n\r\n", 1)[-1].split(b"\n", 1)[0]
        return (
            f"multipart/form-data, field file = {(name.group(1) if name else b'?').decode(errors='replace')} "
            f"({len(content)} bytes), first line: {first_line.decode(errors='replace').strip()}"
        )
    try:
        text = compact_json(json.loads(content))
    except ValueError:
        text = content.decode(errors="replace")
    return visible(redact(text), keep_newlines=True)
