"""Transport failures as one line a founder can act on.

httpx raises a chain of exceptions whose text is written for developers
("[Errno -2] Name or service not known" wrapped twice). `describe()` walks the
chain and says what happened and what to check, naming the host, never a header.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from launch_tui.clients.text import clean, human_size
from launch_tui.results import Evidence

if TYPE_CHECKING:
    from launch_tui.clients.transport import Reply


class TransportError(Exception):
    """No usable HTTP response. `str()` is one redacted line; `evidence` says what was tried.

    `sent`: the request may have reached the server, so whether it acted is unknown (a
    read timeout, a dropped connection). False only when nothing can have arrived."""

    sent_by_default = True

    def __init__(
        self, message: str, evidence: Evidence | None = None, *, kind: str = "error", sent: bool | None = None
    ) -> None:
        super().__init__(clean(message, 300))
        self.evidence = evidence
        self.kind = kind
        self.sent = self.sent_by_default if sent is None else sent


class DeadlineExceeded(TransportError):
    """The check's time budget ran out (while waiting, retrying or reading)."""


class RateLimited(TransportError):
    """The server asked us to wait longer than the check's deadline allows."""

    sent_by_default = False  # a 429 means the server did not act


class NotJSON(TransportError):
    """The body is not the JSON the contract promises."""


class StalledBody(httpx.ReadTimeout):
    """The server answered (status line and headers, maybe part of the body), then went
    silent for longer than the read timeout: not the same as "no response at all"."""

    def __init__(self, status_code: int, received: int, request: httpx.Request) -> None:
        super().__init__(f"HTTP {status_code}, then silence after {received} bytes of the body", request=request)
        self.status_code = status_code
        self.received = received


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def where(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname}:{port}"


def describe(exc: BaseException, url: str, timeouts: httpx.Timeout | None = None) -> tuple[str, str]:
    """(kind, one-line message) for an httpx exception raised while calling `url`."""
    host = where(url)
    name = urlsplit(url).hostname or host
    text = " ".join(str(link) for link in _chain(exc)).lower()
    if isinstance(exc, httpx.TooManyRedirects):
        return "redirect", f"{url} redirects in a loop (more than 5 redirects); check the URL in the target file"
    if isinstance(exc, httpx.ConnectTimeout):
        seconds = timeouts.connect if timeouts else None
        return "timeout", f"could not connect to {host} within {seconds or '?'} s; is the host up and reachable?"
    if isinstance(exc, StalledBody):
        seconds = timeouts.read if timeouts else None
        return "timeout", (
            f"{host} answered HTTP {exc.status_code}, then sent nothing for {seconds or '?'} s "
            f"after {human_size(exc.received)} of the body; the server or a proxy stalled mid-response"
        )
    if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout)):
        seconds = timeouts.read if timeouts else None
        return "timeout", f"{host} accepted the connection but sent no response within {seconds or '?'} s"
    if isinstance(exc, httpx.PoolTimeout):
        return "timeout", f"too many requests in flight to {host}; no connection became free in time"
    links = list(_chain(exc))
    verify = next((link for link in links if isinstance(link, ssl.SSLCertVerificationError)), None)
    if verify is not None or "certificate verify failed" in text:
        reason = _reason(verify) if verify is not None else _verify_reason(text)
        return "tls", f"TLS certificate of {name} is not trusted ({reason}); the host may be wrong or misconfigured"
    for link in links:
        if isinstance(link, ssl.SSLError):
            return "tls", f"TLS handshake with {host} failed ({_reason(link)}); is it an https endpoint?"
        if isinstance(link, socket.gaierror) or "name or service not known" in text or "nodename nor servname" in text:
            return "dns", f"cannot resolve host {name} (DNS); check the URL in the target file"
        if isinstance(link, ConnectionRefusedError) or "connection refused" in text or "connect call failed" in text:
            return "refused", f"connection refused by {host}; is the service running on that port?"
        if isinstance(link, ConnectionResetError) or "reset by peer" in text:
            return "reset", f"{host} reset the connection before answering"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "protocol", f"{host} closed the connection or sent a malformed response"
    if isinstance(exc, httpx.ConnectError):
        return "connect", f"could not connect to {host} ({clean(exc, 80) or 'no detail'})"
    if isinstance(exc, httpx.HTTPError):
        return "http", f"request to {host} failed: {type(exc).__name__} ({clean(exc, 80) or 'no detail'})"
    return "error", f"request to {host} failed: {type(exc).__name__}"


def _verify_reason(text: str) -> str:
    """ "...certificate verify failed: self-signed certificate (_ssl.c:1006)" -> "self-signed certificate"."""
    reason = text.split("certificate verify failed", 1)[1].lstrip(": ").split(" (_ssl", 1)[0]
    return clean(reason, 60) or "verification failed"


def _reason(link: BaseException) -> str:
    reason = getattr(link, "verify_message", None) or getattr(link, "reason", None) or type(link).__name__
    return clean(reason, 60)


class BadReply(TransportError):
    """An HTTP answer a client cannot use (401 from Render, 404 for a service...).
    The message says what to fix; `status_code` is kept for callers that branch on it."""

    def __init__(self, message: str, reply: Reply) -> None:
        # An HTTP answer is definite: whatever it refused, nothing is left unknown.
        super().__init__(message, reply.evidence, kind="status", sent=False)
        self.status_code = reply.status_code
