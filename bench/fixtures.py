"""Session files to measure: a target that needs no network, and sessions of any
length, written through the real store (only the fsync is skipped while generating)."""

from __future__ import annotations

import itertools
import os
from contextlib import contextmanager
from pathlib import Path

from launch_tui.results import Evidence, ItemStatus
from launch_tui.session import EventKind, LiveSession, NewEvent
from launch_tui.target import Target, target_from_dict

API = "https://api.example.com"
CUSTOMER = "Acme Freight"
# Dummy credentials, so that no "missing credentials" dialog covers a first frame.
DUMMY_SECRETS = {
    "LAUNCH_ADMIN_TOKEN": "adm_bench_0000000000000000",
    "LAUNCH_INTEGRATION_KEY": "lk_bench_valid_000000000000",
    "LAUNCH_REVOKED_KEY": "lk_bench_revoked_0000000000",
}


def bench_target() -> Target:
    return target_from_dict(
        {
            "environment": "production",
            "api_url": API,
            "team_mode": "solo",
            "customer": {"name": CUSTOMER, "tenant_slug": "acme-freight"},
        },
        "bench target",
    )


@contextmanager
def no_fsync():
    """Generating 10,000 events with a real fsync each would take minutes and measure
    nothing: the appends that are timed keep their fsync."""
    real = os.fsync
    os.fsync = lambda fd: None
    try:
        yield
    finally:
        os.fsync = real


def _evidence(n: int, method: str, path: str, status: int) -> Evidence:
    return Evidence(
        method=method,
        url=f"{API}{path}",
        status_code=status,
        request_id=f"req_{n:06d}",
        duration_ms=40 + n % 60,
        at="2026-11-30T09:00:30Z",
        excerpt='{"status":"ok","checks":{"migrations":{"pending":0}}}' if path == "/health" else None,
    )


def _events() -> itertools.cycle[tuple]:
    """A long session's rhythm: sweeps of sections 1 and 2 (results with evidence), notes,
    confirmations undone and redone, section switches."""
    checks = [
        ("infra.health", "GET", "/health", 200, ItemStatus.PASS, "HTTP 200, status ok, 0 pending migrations"),
        ("auth.token-valid", "POST", "/api/auth/token/integration", 200, ItemStatus.PASS, "bearer token issued"),
        (
            "auth.token-revoked",
            "POST",
            "/api/auth/token/integration",
            401,
            ItemStatus.PASS,
            "revoked key refused with 401",
        ),
        (
            "auth.token-invalid",
            "POST",
            "/api/auth/token/integration",
            401,
            ItemStatus.PASS,
            "missing and invalid keys refused",
        ),
        (
            "auth.route-enforcement",
            "GET",
            "/api/jobs/x",
            401,
            ItemStatus.FAIL,
            "POST /api/ship/upload answered 200 without a token",
        ),
    ]
    return itertools.cycle(
        [("section", "infra")]
        + [("check", *c) for c in checks[:1]]
        + [("section", "auth")]
        + [("check", *c) for c in checks[1:]]
        + [
            ("note", "auth.route-enforcement", "Render deploy was rolling; re-run section 2 once it settles."),
            ("confirm", "guardrails.alert-routing", "PagerDuty service platform-staging"),
            ("unconfirm", "guardrails.alert-routing"),
        ]
    )


def new_event(n: int, step: tuple) -> NewEvent:
    kind = step[0]
    if kind == "section":
        return NewEvent(kind=EventKind.SECTION_ENTERED, data={"section": step[1]})
    if kind == "check":
        _, item, method, path, status, verdict, summary = step
        evidence = [_evidence(n, method, path, status), _evidence(n + 1, method, path, status)]
        return NewEvent(
            kind=EventKind.CHECK_RESULT,
            item=item,
            status=verdict,
            summary=summary,
            duration_ms=sum(e.duration_ms for e in evidence),
            evidence=evidence,
        )
    if kind == "note":
        return NewEvent(kind=EventKind.NOTE_ADDED, item=step[1], note=f"{step[2]} (#{n})")
    if kind == "confirm":
        return NewEvent(kind=EventKind.ITEM_CONFIRMED, item=step[1], note=step[2])
    return NewEvent(kind=EventKind.ITEM_UNCONFIRMED, item=step[1], data={"undid": "confirmation"})


def check_event(n: int) -> NewEvent:
    """The event a timed append writes: a check result with two pieces of evidence."""
    return new_event(
        n,
        (
            "check",
            "auth.token-valid",
            "POST",
            "/api/auth/token/integration",
            200,
            ItemStatus.PASS,
            "bearer token issued",
        ),
    )


def write_session(folder: Path, events: int, operator: str = "bench") -> Path:
    """A closed session file of exactly `events` events (the first is session.created)."""
    with no_fsync():
        live = LiveSession.create(bench_target(), operator, folder)
        try:
            steps = _events()
            for n in range(2, events + 1):
                live.record(new_event(n, next(steps)))
        finally:
            live.close()
    return live.path
