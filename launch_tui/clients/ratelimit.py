"""How long a server asks us to wait: Retry-After, and Render's and GitHub's headers.

Render: `Ratelimit-Remaining`, `Ratelimit-Reset` (seconds until reset).
GitHub: `x-ratelimit-remaining`, `x-ratelimit-reset` (epoch seconds); a 403 is a
rate limit only when remaining is 0 or `retry-after` is present, otherwise it is a
permission problem and must reach the check as it is.
"""

from __future__ import annotations

import math
import time
from email.utils import parsedate_to_datetime
from enum import StrEnum

import httpx


class Style(StrEnum):
    PLATFORM = "platform"
    RENDER = "render"
    GITHUB = "github"
    WEB = "web"


def retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: a number, or an HTTP date."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    seconds = _finite(value)
    if seconds is not None:
        return max(0.0, seconds)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, moment.timestamp() - (now if now is not None else time.time()))


def _finite(value: str) -> float | None:
    """A number, or None: `nan` and `inf` parse as floats but are no wait time
    (asyncio.sleep(nan) never returns), so they count as no value at all."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _number(headers: httpx.Headers, name: str) -> float | None:
    value = headers.get(name)
    return None if value is None else _finite(value)


def reset_in(headers: httpx.Headers, style: Style, now: float | None = None) -> float | None:
    """Seconds until the rate-limit window resets, when the quota is used up."""
    now = time.time() if now is None else now
    if style is Style.GITHUB:
        if _number(headers, "x-ratelimit-remaining") != 0:
            return None
        reset = _number(headers, "x-ratelimit-reset")
        return None if reset is None else max(0.0, reset - now)
    if style is Style.RENDER:
        if _number(headers, "ratelimit-remaining") != 0:
            return None
        reset = _number(headers, "ratelimit-reset")
        return None if reset is None else max(0.0, reset)  # a clock-skewed negative means "now"
    return None


def wait_for(status: int, headers: httpx.Headers, style: Style, now: float | None = None) -> float | None:
    """If this response means "wait, then try again", how long; otherwise None."""
    if status == 429:
        seconds = retry_after(headers, now)
        if seconds is None:
            seconds = reset_in(headers, style, now)
        return 1.0 if seconds is None else seconds
    if status == 403 and style is Style.GITHUB:
        seconds = retry_after(headers, now)
        return seconds if seconds is not None else reset_in(headers, style, now)
    if status == 503:
        return retry_after(headers, now)  # a hint for the next retry, if given
    return None


def blocked_for(headers: httpx.Headers, style: Style, now: float | None = None) -> float | None:
    """After any response with the quota at 0: how long before the next request may go."""
    return reset_in(headers, style, now)
