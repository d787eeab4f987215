"""The pieces every section module uses: verdicts, the check/action registry, and
`execute()`, which turns any check or action into a `CheckResult`, whatever happens.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from launch_tui.clients.deadline import deadline
from launch_tui.clients.errors import TransportError
from launch_tui.clients.evidence import collect_evidence
from launch_tui.clients.platform import MissingCredential
from launch_tui.clients.text import clean
from launch_tui.results import CheckResult, Evidence, Refs, Status
from launch_tui.secrets import ENV_VARS, redact

log = logging.getLogger("launch_tui.engine")

DEFAULT_DEADLINE = 20.0
SUMMARY_LIMIT = 400
MAX_EVIDENCE = 20


@dataclass
class Verdict:
    """What a check or action decides. `summary` says what is wrong and how to fix it."""

    status: Status
    summary: str
    critical: bool = False
    refs: Refs = field(default_factory=dict)
    secret: str | None = field(default=None, repr=False)  # key issuance only; never in the result
    data: Any = None  # e.g. the existing tenant on a slug conflict
    # False when an action's request may have reached the platform without a definite
    # answer (read timeout, dropped connection, 5xx): whether it acted is unknown.
    definite: bool = True


def passed(summary: str, **refs: Any) -> Verdict:
    return Verdict(Status.PASS, summary, refs=_refs(refs))


def warned(summary: str, **refs: Any) -> Verdict:
    return Verdict(Status.WARN, summary, refs=_refs(refs))


def failed(summary: str, *, critical: bool = False, **refs: Any) -> Verdict:
    return Verdict(Status.FAIL, summary, critical=critical, refs=_refs(refs))


def errored(summary: str, **refs: Any) -> Verdict:
    return Verdict(Status.ERROR, summary, refs=_refs(refs))


def skipped(summary: str) -> Verdict:
    return Verdict(Status.SKIP, summary)


def manual(summary: str, **refs: Any) -> Verdict:
    return Verdict(Status.MANUAL, summary, refs=_refs(refs))


def _refs(refs: dict[str, Any]) -> Refs:
    return {k: v for k, v in refs.items() if isinstance(v, (str, int, bool))}


class Unavailable(Exception):
    """Raised inside a check when something it needs is not there: becomes a `skip`."""


CheckFn = Callable[[Any], Awaitable[Verdict]]
Precondition = Callable[[Any, Any, Any], "str | None"]  # (target, secrets, facts) -> why not, or None


@dataclass(frozen=True)
class CheckSpec:
    item_id: str
    run: CheckFn
    deadline: float = DEFAULT_DEADLINE
    requires: Precondition | None = None


CHECKS: dict[str, CheckSpec] = {}


def check(
    item_id: str, *, deadline: float = DEFAULT_DEADLINE, requires: Precondition | None = None
) -> Callable[[CheckFn], CheckFn]:
    """Register the read-only check of an `auto` item."""

    def register(fn: CheckFn) -> CheckFn:
        CHECKS[item_id] = CheckSpec(item_id, fn, deadline, requires)
        return fn

    return register


def missing_secret(name: str) -> str:
    return f"{name} is not set; export it ({ENV_VARS[name]}) and run again"


async def execute(
    item_id: str, run: Callable[[], Awaitable[Verdict]], seconds: float = DEFAULT_DEADLINE
) -> tuple[CheckResult, Verdict]:
    """Run one check or action under a deadline, collecting its evidence. Never raises
    (except cancellation): a crash becomes an `error` result with a one-line summary."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    with collect_evidence() as evidence, deadline(seconds):
        try:
            # The transport keeps within the deadline; this backstop catches code that doesn't.
            async with asyncio.timeout(seconds + 2):
                verdict = await run()
        except TimeoutError:
            verdict = errored(
                f"no verdict within {seconds:g} s (the check's deadline); the platform may be "
                "slow or unreachable, run it again"
            )
            verdict.definite = False
        except MissingCredential as exc:
            verdict = skipped(missing_secret(exc.name))
        except TransportError as exc:
            verdict = errored(str(exc))
            verdict.definite = not exc.sent
        except Unavailable as exc:
            verdict = skipped(str(exc))
        except Exception as exc:  # one broken check must never stop the others
            log.debug("%s crashed: %s", item_id, redact("".join(traceback.format_exception(exc))))
            verdict = errored(
                f"the check itself failed ({type(exc).__name__}: {clean(exc, 120)}); "
                "this is a launch-tui bug, please report it"
            )
            verdict.definite = False
    result = CheckResult(
        id=item_id,
        status=verdict.status,
        summary=clean(verdict.summary, SUMMARY_LIMIT) or verdict.status.value,
        duration_ms=int((loop.time() - started) * 1000),
        evidence=_trim(evidence),
        critical=verdict.critical,
        refs=verdict.refs,
    )
    return result, verdict


def _trim(evidence: list[Evidence]) -> list[Evidence]:
    """A long poll makes many requests; the first and the last ones tell the story."""
    if len(evidence) <= MAX_EVIDENCE:
        return list(evidence)
    half = MAX_EVIDENCE // 2
    return list(evidence[:half]) + list(evidence[-half:])


@dataclass
class ActionOutcome:
    """What an action returns: the result to record (`refs` hold only non-secret references)
    and, for key issuance, the secret, in memory, for the caller to show once."""

    result: CheckResult
    secret: str | None = field(default=None, repr=False)
    conflict: Any = None  # the existing tenant when create_tenant meets a taken slug
    unknown: bool = False  # the request may have reached the platform, without a definite answer


async def perform(
    ctx: Any, item_id: str, run: Callable[[], Awaitable[Verdict]], seconds: float = DEFAULT_DEADLINE
) -> ActionOutcome:
    result, verdict = await execute(item_id, run, seconds)
    ctx.results[item_id] = result
    return ActionOutcome(result, verdict.secret, verdict.data, unknown=not verdict.definite)


async def notify(callback: Callable[[Any], Any] | None, value: Any) -> None:
    """Call a progress/start/result callback, sync or async; its failure is logged, not raised."""
    if callback is None:
        return
    try:
        outcome = callback(value)
        if inspect.isawaitable(outcome):
            await outcome
    except Exception as exc:
        log.warning("a callback failed: %s", clean(exc))


def admin_failure(reply: Any, doing: str) -> Verdict:
    """The verdict for an admin call that did not succeed: what went wrong, what to do."""
    status = reply.status_text()
    message = reply.error_message()
    detail = f" ({message})" if message else ""
    if reply.status_code in (401, 403):
        return errored(
            f"{doing}: the platform refused LAUNCH_ADMIN_TOKEN ({status}); check it is the admin "
            "token of this environment"
        )
    if reply.status_code >= 500:
        # A server error proves nothing: the platform may have acted before failing.
        verdict = errored(f"{doing}: the platform failed ({status}){detail}; check the API's logs and try again")
        verdict.definite = False
        return verdict
    return failed(f"{doing}: {status}{detail}")
