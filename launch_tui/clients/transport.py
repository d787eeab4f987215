"""The one HTTP policy every client shares.

- timeouts: explicit connect/read timeouts, each capped by the check's deadline,
  and the whole exchange (including a slow trickle) bounded by that deadline;
- retries: exponential backoff with jitter on connect errors (nothing was sent, so
  any method is safe) and, for idempotent requests, on 502/503/504;
- rate limits: 429 `Retry-After`, Render's and GitHub's headers, honoured only while
  the wait fits in the deadline; otherwise a clear "try later" error;
- evidence: method, redacted URL, status, request id, duration, time, a short
  redacted excerpt (none for responses that carry secrets);
- a read cap: a body is read up to `max_body_bytes` and no further.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import random
import ssl
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from launch_tui import __version__
from launch_tui.clients import ratelimit
from launch_tui.clients.deadline import Deadline, current_deadline
from launch_tui.clients.errors import (
    DeadlineExceeded,
    NotJSON,
    RateLimited,
    StalledBody,
    TransportError,
    describe,
    where,
)
from launch_tui.clients.evidence import record
from launch_tui.clients.ratelimit import Style
from launch_tui.clients.text import clean, excerpt, human_size, shorten
from launch_tui.results import Evidence
from launch_tui.secrets import redact
from launch_tui.timefmt import now_iso

USER_AGENT = f"launch-tui/{__version__}"
RETRY_STATUSES = frozenset({502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
REQUEST_ID_HEADERS = ("x-request-id", "x-github-request-id", "render-request-id", "x-render-request-id")
# httpx's client and transport types, for a run context that holds a client or a test that
# swaps the transport: named here because only this package imports httpx.
HttpClient = httpx.AsyncClient
HttpTransport = httpx.AsyncBaseTransport

log = logging.getLogger("launch_tui.http")


class RedactingFilter(logging.Filter):
    """Scrubs registered secrets from log records of httpx, httpcore and our own loggers.
    (A logger's filter sees only records logged on that very logger, hence the list.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_REDACTING = RedactingFilter()
for _name in (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "launch_tui.http",
    "launch_tui.engine",
):
    logging.getLogger(_name).addFilter(_REDACTING)


@dataclass(frozen=True)
class Policy:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    check_deadline: float = 20.0  # used when a request runs outside any check's deadline
    max_attempts: int = 4
    backoff_base: float = 0.25
    backoff_cap: float = 4.0
    max_body_bytes: int = 1 << 20
    max_redirects: int = 5


_tls: ssl.SSLContext | None = None
_tls_lock = threading.Lock()


def tls_context() -> ssl.SSLContext:
    """The process's one TLS context: certificates and host names verified, with the CA
    bundle httpx uses by default. Loading that bundle takes ~70 ms; done once, not per
    run, and `prepare_http()` does it off the event loop."""
    global _tls
    with _tls_lock:
        if _tls is None:
            _tls = httpx.create_ssl_context(verify=True)
        return _tls


def _warm_up() -> None:
    tls_context()
    # What httpx imports on its first client and first request; better here than on the event loop.
    import anyio._backends._asyncio  # noqa: F401
    import h11  # noqa: F401
    import httpcore  # noqa: F401


async def prepare_http() -> None:
    """Ready what the first request needs (the TLS context, httpx's late imports) in a
    thread, so that the first run of a session does not stall the event loop (the TUI's
    keys and drawing) for ~100 ms. Cheap once done."""
    if _tls is None:
        await asyncio.to_thread(_warm_up)


def make_client(policy: Policy = Policy(), transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """The single AsyncClient of a run. No auth header here: each client adds its own per request."""
    return httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT},
        timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
        # TLS verified, always; there is deliberately no switch to turn it off. A given
        # transport (tests, previews) brings its own and needs no TLS context.
        verify=True if transport is not None else tls_context(),
        follow_redirects=False,
        max_redirects=policy.max_redirects,
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        transport=transport,
    )


def safe_url(url: httpx.URL | str) -> str:
    """The URL as evidence may show it: no user:password, secrets redacted."""
    parts = urlsplit(str(url))
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return shorten(redact(urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))), 500)


class CrossOriginRedirect(TransportError):
    """A redirect to another origin (or from https to http): not followed, nothing re-sent."""

    def __init__(self, source: httpx.URL, location: httpx.URL, status: int, evidence: Evidence) -> None:
        downgrade = source.scheme == "https" and location.scheme == "http"
        why = "from https to plain http" if downgrade else "to another origin"
        super().__init__(
            f"{_origin_text(source)} answered HTTP {status} redirecting {why}, to "
            f"{safe_url(location)}; not followed, so no credential or body went there. "
            "Check the URL in the target file",
            evidence,
            kind="redirect",
        )


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"https": 443, "http": 80}.get(url.scheme)
    return url.scheme, url.host.lower(), url.port or default


def _origin_text(url: httpx.URL) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}"


@dataclass
class Reply:
    """A response read under the policy. `body` is at most `max_body_bytes` long."""

    method: str
    url: str
    status_code: int
    headers: httpx.Headers
    body: bytes
    truncated: bool
    evidence: Evidence
    _parsed: Any = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def request_id(self) -> str | None:
        return self.evidence.request_id

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip() or "no content type"

    def describe_body(self) -> str:
        size = human_size(len(self.body)) + ("+" if self.truncated else "")
        return f"{clean(self.content_type, 40)}, {size}"

    def json(self) -> Any:
        """The body as JSON, or NotJSON saying what came back instead (never the body)."""
        if self._parsed is None:
            if self.truncated:
                raise NotJSON(
                    f"{self.method} {self.url} answered HTTP {self.status_code} with more than "
                    f"{human_size(len(self.body))} ({self.content_type}); expected a short JSON body",
                    self.evidence,
                )
            try:
                self._parsed = jsonlib.loads(self.body)
            except (ValueError, UnicodeDecodeError):
                raise NotJSON(
                    f"{self.method} {self.url} answered HTTP {self.status_code} with {self.describe_body()}, not JSON",
                    self.evidence,
                ) from None
        return self._parsed

    def json_or_none(self) -> Any:
        try:
            return self.json()
        except NotJSON:
            return None

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object; anything else (a list, a string) is NotJSON too."""
        data = self.json()
        if not isinstance(data, dict):
            raise NotJSON(
                f"{self.method} {self.url} answered HTTP {self.status_code} with JSON that is "
                f"not an object ({type(data).__name__})",
                self.evidence,
            )
        return data

    def error_code(self) -> str | None:
        """`error.code` from the platform's error shape, cleaned for display."""
        data = self.json_or_none()
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            code = data["error"].get("code")
            return clean(code, 60) if isinstance(code, str) else None
        return None

    def error_message(self) -> str | None:
        data = self.json_or_none()
        if isinstance(data, dict):
            error = data.get("error")
            message = error.get("message") if isinstance(error, dict) else data.get("message")
            return clean(message, 100) if isinstance(message, str) else None
        return None

    def status_text(self) -> str:
        """`HTTP 401 invalid_key`: the status with the platform's error code, if any."""
        code = self.error_code()
        return f"HTTP {self.status_code}" + (f" {code}" if code else "")


Sleep = Callable[[float], Awaitable[None]]


class Transport:
    """Sends requests for one service (platform, Render, GitHub) through the shared client."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        policy: Policy = Policy(),
        style: Style = Style.PLATFORM,
        *,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.policy = policy
        self.style = style
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._blocked_until = 0.0  # loop time before which the server asked us not to call

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: half fixed, half random, so clients spread out."""
        ceiling = min(self.policy.backoff_cap, self.policy.backoff_base * 2 ** (attempt - 1))
        return float(ceiling / 2 + self._rng.uniform(0, ceiling / 2))

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: Any = None,
        idempotent: bool | None = None,
        sensitive: bool = False,
        follow_redirects: bool = True,
    ) -> Reply:
        """Send one logical request (maybe several attempts). Raises TransportError when no
        usable response came back; returns any HTTP status otherwise, for the check to judge.

        `sensitive`: the response carries a secret (a token, a key, env values), so no excerpt.
        """
        method = method.upper()
        idempotent = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        budget = current_deadline() or Deadline(self.policy.check_deadline)
        full_url = httpx.URL(url, params=params) if params else httpx.URL(url)
        shown_url = safe_url(full_url)
        attempt = 0
        reached = False  # whether any attempt may have reached the server (then its outcome is unknown)
        while True:
            attempt += 1
            await self._wait_until_unblocked(budget, url)
            remaining = budget.remaining()
            if remaining <= 0:
                raise DeadlineExceeded(
                    f"gave up on {method} {shown_url}: the check's {budget.seconds:g} s deadline passed", sent=reached
                )
            timeout = httpx.Timeout(
                min(self.policy.read_timeout, remaining), connect=min(self.policy.connect_timeout, remaining)
            )
            loop = asyncio.get_running_loop()
            started, at = loop.time(), now_iso()
            try:
                async with asyncio.timeout(remaining):
                    reply = await self._send(
                        method,
                        full_url,
                        shown_url,
                        headers,
                        json,
                        files,
                        timeout,
                        follow_redirects,
                        sensitive,
                        at,
                        started,
                    )
            except TimeoutError:
                evidence = self._evidence(method, shown_url, None, None, started, at)
                record(evidence)
                raise DeadlineExceeded(
                    f"no complete response from {where(url)} within the check's {budget.seconds:g} s deadline",
                    evidence,
                    kind="timeout",
                ) from None
            except httpx.HTTPError as exc:
                kind, message = describe(exc, str(full_url), timeout)
                evidence = self._evidence(method, shown_url, None, None, started, at)
                record(evidence)
                log.debug("%s %s failed: %s", method, shown_url, message)
                # A connect error means nothing reached the server: retrying is safe for any method.
                # A connection dropped mid-exchange may have reached it: retry only idempotent requests.
                retry = kind != "tls" and (
                    isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                    or (idempotent and isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)))
                )
                delay = self.backoff(attempt)
                reached = reached or not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
                if retry and attempt < self.policy.max_attempts and delay < budget.remaining():
                    await self._sleep(delay)
                    continue
                reached = reached or not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
                raise TransportError(message, evidence, kind=kind, sent=reached) from None

            record(reply.evidence)
            log.debug(
                "%s %s -> %s in %d ms (request id %s)",
                method,
                shown_url,
                reply.status_code,
                reply.evidence.duration_ms,
                reply.request_id,
            )
            wait = ratelimit.wait_for(reply.status_code, reply.headers, self.style)
            blocked = ratelimit.blocked_for(reply.headers, self.style)
            if blocked:
                self._blocked_until = max(self._blocked_until, loop.time() + blocked)

            if reply.status_code == 429 or (reply.status_code == 403 and wait is not None):
                # The server did not act on the request, so waiting and retrying is safe for any method.
                if attempt >= self.policy.max_attempts:
                    raise RateLimited(
                        f"{where(url)} kept answering HTTP {reply.status_code} (rate limited) "
                        f"after {attempt} attempts; run the check again later",
                        reply.evidence,
                    )
                if wait is None or wait >= budget.remaining():
                    asked = "no wait time given" if wait is None else f"asks to wait {wait:.0f} s"
                    raise RateLimited(
                        f"{where(url)} is rate limiting (HTTP {reply.status_code}, {asked}), "
                        f"beyond this check's {budget.seconds:g} s deadline; run it again later",
                        reply.evidence,
                    )
                await self._sleep(wait)
                continue
            reached = reached or reply.status_code >= 500
            if reply.status_code in RETRY_STATUSES and idempotent and attempt < self.policy.max_attempts:
                delay = max(self.backoff(attempt), wait or 0.0)
                if delay < budget.remaining():
                    await self._sleep(delay)
                    continue
            return reply

    async def _wait_until_unblocked(self, budget: Deadline, url: str) -> None:
        wait = self._blocked_until - asyncio.get_running_loop().time()
        if wait <= 0:
            return
        if wait >= budget.remaining():
            raise RateLimited(
                f"{where(url)} rate limit is used up and resets in {wait:.0f} s, beyond this "
                f"check's {budget.seconds:g} s deadline; run it again later"
            )
        await self._sleep(wait)

    async def _send(
        # `timeout` is httpx's per-phase timeout, passed on; the check's deadline bounds the whole exchange.
        self,
        method: str,
        url: httpx.URL,
        shown_url: str,
        headers: dict[str, str] | None,
        json: Any,
        files: Any,
        timeout: httpx.Timeout,  # noqa: ASYNC109
        follow_redirects: bool,
        sensitive: bool,
        at: str,
        started: float,
    ) -> Reply:
        request = self.client.build_request(method, url, headers=headers, json=json, files=files, timeout=timeout)
        response = await self._send_following(request, follow_redirects, method, shown_url, started, at)
        received = [0]
        try:
            body, truncated = await self._read_capped(response, received)
        except httpx.ReadTimeout as exc:
            raise StalledBody(response.status_code, received[0], request) from exc
        finally:
            await response.aclose()
        request_id = next((response.headers[name] for name in REQUEST_ID_HEADERS if name in response.headers), None)
        evidence = self._evidence(
            method, shown_url, response.status_code, request_id, started, at, None if sensitive else excerpt(body)
        )
        return Reply(method, shown_url, response.status_code, response.headers, body, truncated, evidence)

    async def _send_following(
        self, request: httpx.Request, follow: bool, method: str, shown_url: str, started: float, at: str
    ) -> httpx.Response:
        """Send, and follow redirects only within the request's origin (scheme, host, port).
        httpx would re-send a 307/308's body, Authorization and all, to wherever Location
        points, even from https to plain http: a server (or anyone who can edit a
        response) could collect the credentials. Such a redirect ends the request as an
        error naming where it pointed; a same-origin one is followed as httpx does."""
        hops = 0
        while True:
            response = await self.client.send(request, stream=True, follow_redirects=False)
            following = response.next_request if follow else None
            if following is None:
                return response
            await response.aclose()
            if _origin(following.url) != _origin(request.url):
                evidence = self._evidence(method, shown_url, response.status_code, None, started, at)
                record(evidence)
                raise CrossOriginRedirect(request.url, following.url, response.status_code, evidence)
            hops += 1
            if hops > self.policy.max_redirects:
                raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=request)
            request = following

    async def _read_capped(self, response: httpx.Response, received: list[int]) -> tuple[bytes, bool]:
        """Read at most max_body_bytes (decoded): a 10 MB page or a gzip bomb stops here.
        `received[0]` counts the bytes read so far, for a message if the body stalls."""
        cap = self.policy.max_body_bytes
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            received[0] = size
            if size > cap:
                return b"".join(chunks)[:cap], True
        return b"".join(chunks), False

    @staticmethod
    def _evidence(
        method: str,
        shown_url: str,
        status: int | None,
        request_id: str | None,
        started: float,
        at: str,
        text: str | None = None,
    ) -> Evidence:
        duration = int((asyncio.get_running_loop().time() - started) * 1000)
        return Evidence(
            method=method,
            url=shown_url,
            status_code=status,
            request_id=clean(request_id, 100) if request_id else None,
            duration_ms=duration,
            at=at,
            excerpt=text,
        )
