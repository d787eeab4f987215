"""Section 2, Security and Auth Ready: the token exchange and route enforcement.

Tokens obtained here are registered as secrets and kept in memory only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from launch_tui.clients.errors import TransportError
from launch_tui.clients.platform import RouteProbe, access_token_of, forged_token, high_risk_routes, random_key
from launch_tui.clients.transport import Reply
from launch_tui.engine.base import Unavailable, Verdict, check, errored, failed, passed, warned
from launch_tui.engine.context import Facts, RunContext
from launch_tui.secrets import Secrets, registry
from launch_tui.target import Target

# A 404 whose error code names a resource ("job_not_found") came from the route itself,
# which therefore ran without a valid token; a bare 404 means the path may be wrong.
_ROUTE_LEVEL_404 = {None, "not_found", "route_not_found", "no_route"}


@dataclass(frozen=True)
class KeySource:
    """Where a token check's key comes from: the environment variable, else the key this
    session made (`made`, named `made_as` in summaries); `missing` says what to do when
    there is neither."""

    variable: str
    made: Callable[[Facts], str | None]
    made_as: str
    missing: str

    def precondition(self, target: Target, secrets: Secrets, facts: Facts | None) -> str | None:
        if secrets.has(self.variable) or (facts and self.made(facts)):
            return None
        return self.missing

    def key(self, ctx: RunContext) -> tuple[str, str]:
        """The key and where it came from; if it went since the precondition held, the check is skipped."""
        if key := ctx.secrets.get(self.variable):
            return key, self.variable
        if made := self.made(ctx.facts):
            return made, self.made_as
        why_not = self.precondition(ctx.target, ctx.secrets, ctx.facts)
        raise Unavailable(why_not or "the key this check needs is not there")


VALID_KEY = KeySource(
    "LAUNCH_INTEGRATION_KEY",
    lambda facts: facts.customer_key,
    "the customer's key",
    "no valid integration key: set LAUNCH_INTEGRATION_KEY to a current key of this environment, "
    "or issue the customer's key in section 3 and run this again",
)
REVOKED_KEY = KeySource(
    "LAUNCH_REVOKED_KEY",
    lambda facts: facts.revoked_key,
    "the canary key",
    "no revoked key to try: issue a key, revoke it, and set LAUNCH_REVOKED_KEY to its secret "
    "(in the wizard, let it issue and revoke a canary key)",
)


def remember_token(reply: Reply) -> str | None:
    """The access token of a 2xx exchange, registered for redaction at once."""
    token = access_token_of(reply.json_or_none())
    registry.add(token)
    return token


@check("auth.token-valid", requires=VALID_KEY.precondition)
async def token_valid(ctx: RunContext) -> Verdict:
    key, source = VALID_KEY.key(ctx)
    reply = await ctx.platform.exchange_token(key)
    if reply.ok:
        token = remember_token(reply)
        if not token:
            return failed(
                f"HTTP {reply.status_code} but no access token in the body (looked for accessToken, "
                "access_token, token); the token endpoint is not the documented one"
            )
        if key == ctx.facts.customer_key:
            ctx.facts.access_token = token
        data = reply.json_or_none() or {}
        expires = data.get("expiresIn") if isinstance(data, dict) else None
        lasting = f", valid {expires} s" if isinstance(expires, int) else ""
        return passed(f"{source} was exchanged for a bearer token (HTTP {reply.status_code}{lasting})")
    if reply.status_code in (401, 403):
        return failed(
            f"{source} was refused ({reply.status_text()}); check it is a current, unrevoked key of "
            f"this {ctx.target.environment} environment"
        )
    if reply.status_code >= 500:
        return errored(f"the token endpoint failed ({reply.status_text()}); check the API's logs")
    return failed(f"the token endpoint answered {reply.status_text()}, expected 200 with a bearer token")


@check("auth.token-revoked", requires=REVOKED_KEY.precondition)
async def token_revoked(ctx: RunContext) -> Verdict:
    key, source = REVOKED_KEY.key(ctx)
    reply = await ctx.platform.exchange_token(key)
    if reply.status_code == 401:
        return passed(f"{source} is refused ({reply.status_text()})")
    if reply.ok:
        remember_token(reply)
        return failed(
            f"CRITICAL: {source}, which is revoked, still gets a token (HTTP {reply.status_code}); "
            "revocation is not enforced, do not launch until it is fixed",
            critical=True,
        )
    return failed(f"{source} got {reply.status_text()}, expected 401; a revoked key must be refused with 401")


@check("auth.token-invalid")
async def token_invalid(ctx: RunContext) -> Verdict:
    none, forged = await asyncio.gather(ctx.platform.exchange_token(None), ctx.platform.exchange_token(random_key()))
    wrong = [
        f"{what} got {'a token (' + reply.status_text() + ')' if reply.ok else reply.status_text()}"
        for what, reply in (("a request with no key", none), ("a random key", forged))
        if reply.status_code != 401
    ]
    if not wrong:
        return passed("no key and a random key are both refused with HTTP 401")
    critical = none.ok or forged.ok
    for reply in (none, forged):
        if reply.ok:
            remember_token(reply)
    prefix = "CRITICAL: " if critical else ""
    return failed(f"{prefix}{'; '.join(wrong)}; the token endpoint must answer 401 to both", critical=critical)


@check("auth.route-enforcement", deadline=30)
async def route_enforcement(ctx: RunContext) -> Verdict:
    probes = high_risk_routes()
    forged = forged_token()
    tries = [(probe, token) for probe in probes for token in (None, forged)]
    # Fourteen small requests, at most eight in flight: quick, and polite to a production API.
    gate = asyncio.Semaphore(8)

    async def one(probe: RouteProbe, token: str | None) -> Reply | TransportError:
        async with gate:
            try:
                return await ctx.platform.probe_route(probe, token)
            except TransportError as exc:
                return exc

    replies = await asyncio.gather(*(one(probe, token) for probe, token in tries))
    # Per route, the worst answer: open (it did the request's work, or tried to) beats
    # broken (5xx, network) beats not found; 401 and 403 are what we want.
    open_routes: dict[str, str] = {}
    broken: dict[str, str] = {}
    not_found: list[str] = []
    for (probe, _token), reply in zip(tries, replies, strict=False):
        if isinstance(reply, TransportError):
            broken.setdefault(probe.label, str(reply))
        elif reply.status_code in (401, 403):
            continue
        elif reply.status_code == 404 and reply.error_code() in _ROUTE_LEVEL_404:
            not_found.append(probe.label)
        elif reply.status_code >= 500:
            broken.setdefault(probe.label, reply.status_text())
        else:  # 2xx, or 400/404 job_not_found/409/422: the route handled it without checking auth
            open_routes.setdefault(probe.label, reply.status_text())
    if open_routes:
        found = ", ".join(f"{label} ({status})" for label, status in open_routes.items())
        return failed(
            f"CRITICAL: open without a valid token: {found}; these routes must answer 401 to a "
            "missing or forged token before launch",
            critical=True,
            open_routes=len(open_routes),
        )
    if broken:
        by_reason: dict[str, list[str]] = {}
        for label, why in broken.items():
            by_reason.setdefault(why, []).append(label)
        return errored(
            "no verdict: "
            + "; ".join(
                f"{why} (all {len(probes)} routes)" if len(labels) == len(probes) else f"{', '.join(labels)}: {why}"
                for why, labels in by_reason.items()
            )
        )
    if not_found:
        return warned(
            f"HTTP 404 for {', '.join(dict.fromkeys(not_found))} (wrong path? the API may mount these "
            "routes elsewhere); the other routes refuse requests without a valid token"
        )
    return passed(f"all {len(probes)} high-risk routes refuse requests with no token and with a forged token (401/403)")
