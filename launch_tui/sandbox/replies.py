"""Error replies in each served API's own shape, and JSON body reading.

One server answers for three APIs; an error must look like the API the client thinks
it is talking to, so the shape is chosen from the path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

RENDER_PREFIX = "/render/v1"
GITHUB_PREFIX = "/github"
GITHUB_DOCS = "https://docs.github.com/rest"


class ApiError(Exception):
    """Raised anywhere below a route; the app turns it into an error reply."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


def under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def surface(path: str) -> str:
    """Which API a path belongs to: "render", "github" or "platform"."""
    if under(path, RENDER_PREFIX):
        return "render"
    if under(path, GITHUB_PREFIX):
        return "github"
    return "platform"


def error_body(path: str, status: int, code: str, message: str, details: list[str] | None = None) -> dict[str, Any]:
    api = surface(path)
    if api == "render":
        return {"id": code, "message": message}
    if api == "github":
        return {"message": message, "documentation_url": GITHUB_DOCS, "status": str(status)}
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def error_response(
    path: str,
    status: int,
    code: str,
    message: str,
    *,
    details: list[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(path, status, code, message, details), status_code=status, headers=headers)


def api_error_response(path: str, exc: ApiError) -> JSONResponse:
    return error_response(path, exc.status, exc.code, exc.message, details=exc.details, headers=exc.headers)


async def send_error(
    scope: Scope,
    receive: Receive,
    send: Send,
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> None:
    """For ASGI middleware, which answers before any route runs."""
    response = error_response(scope["path"], status, code, message, headers=headers)
    await response(scope, receive, send)


async def json_object(request: Request, *, optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object, or 400 invalid_body saying what is wrong.

    `optional`: an empty body counts as `{}` (for calls whose fields all have defaults).
    """
    body = await request.body()
    if optional and not body.strip():
        return {}
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, "invalid_body", f"the body is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise ApiError(400, "invalid_body", "the body must be a JSON object")
    return value


def text_field(body: dict[str, Any], name: str, *, max_length: int = 200, required: bool = True) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ApiError(400, "invalid_body", f"`{name}` must be a non-empty string")
    value = value.strip()
    if len(value) > max_length:
        raise ApiError(400, "invalid_body", f"`{name}` is longer than {max_length} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ApiError(400, "invalid_body", f"`{name}` contains control characters")
    return value
