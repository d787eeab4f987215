"""A scripted launch session that uses every event kind: the subject of the tamper,
replay and report tests. `fixed_clock` makes its file byte-for-byte reproducible."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from launch_tui.results import Evidence, ItemStatus
from launch_tui.secrets import Secrets
from launch_tui.session import Event, EventKind, LiveSession, NewEvent, live as live_module, store
from launch_tui.timefmt import to_iso

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
REPORT_TIME = "2026-11-30T12:00:00Z"
SECRET = "lk_live_5ecret0f1ntegrat10nKey9Z"  # registered, so the store redacts it
HOSTILE = "\x1b[31mALL GREEN\x1b[0m | <img src=x> [click](https://evil.example) **PASS** \u202etxt.exe"


@pytest.fixture
def fixed_clock(monkeypatch) -> None:
    """One minute per timestamp from 09:00, a fixed host, version and session id."""
    ticks = itertools.count()
    monkeypatch.setattr(store, "now_iso", lambda: to_iso(START + timedelta(minutes=next(ticks))))
    monkeypatch.setattr(store.socket, "gethostname", lambda: "ops-laptop")
    monkeypatch.setattr(store, "__version__", "0.0.0-test")
    monkeypatch.setattr(live_module, "__version__", "0.0.0-test")
    monkeypatch.setattr(live_module, "new_session_id", lambda slug: f"{slug}-20261130-090000")


@dataclass(frozen=True)
class Resume:
    """Close the session and resume it as `operator`; `crash` leaves a cut-short event first."""

    operator: str
    crash: bool = False


def ev(method: str, url: str, status: int, request_id: str, at: str = "2026-11-30T09:00:30Z", **extra) -> Evidence:
    return Evidence(method=method, url=url, status_code=status, request_id=request_id, duration_ms=40, at=at, **extra)


def check(item: str, status: ItemStatus, summary: str, *evidence: Evidence, **fields) -> NewEvent:
    return NewEvent(
        kind=EventKind.CHECK_RESULT,
        item=item,
        status=status,
        summary=summary,
        duration_ms=sum(e.duration_ms for e in evidence) or None,
        evidence=list(evidence),
        **fields,
    )


def action(item: str, key: str, name: str, summary: str, refs: dict, *evidence: Evidence) -> list[NewEvent]:
    """An action as the engine records it: the intent first, then the outcome."""
    return [
        NewEvent(kind=EventKind.ACTION_INTENT, item=item, data={"action": name, "idempotency_key": key}),
        NewEvent(
            kind=EventKind.ACTION_RESULT,
            item=item,
            status=ItemStatus.PASS,
            summary=summary,
            evidence=list(evidence),
            data={"idempotency_key": key, "refs": refs},
        ),
    ]


def section(name: str) -> NewEvent:
    return NewEvent(kind=EventKind.SECTION_ENTERED, data={"section": name})


def confirm(item: str, note: str | None = None) -> NewEvent:
    return NewEvent(kind=EventKind.ITEM_CONFIRMED, item=item, note=note)


def waive(item: str, reason: str, owner: str, until: str) -> NewEvent:
    return NewEvent(kind=EventKind.ITEM_WAIVED, item=item, data={"reason": reason, "owner": owner, "until": until})


def record(item: str, **fields) -> NewEvent:
    return NewEvent(kind=EventKind.RECORD_SAVED, item=item, data={"fields": fields})


def note(item: str, text: str) -> NewEvent:
    return NewEvent(kind=EventKind.NOTE_ADDED, item=item, note=text)


API = "https://api.example.com"
STEPS: list[NewEvent | Resume] = [
    section("infra"),
    check(
        "infra.predeploy-migration",
        ItemStatus.PASS,
        "pre-deploy command is `cd apps/api && npx prisma migrate deploy`",
        ev("GET", "https://api.render.com/v1/services/srv-api1", 200, "req_render_1"),
    ),
    check(
        "infra.database",
        ItemStatus.PASS,
        "Postgres attached; DATABASE_URL set",
        ev("GET", "https://api.render.com/v1/services/srv-api1/env-vars", 200, "req_render_2"),
    ),
    check(
        "infra.web-app",
        ItemStatus.FAIL,
        "web app API_URL points to https://staging-api.example.com",
        ev("GET", "https://app.example.com/", 200, "req_web_1"),
    ),
    waive("infra.web-app", "the customer uses the API only; web app fixed next sprint", "dana", "2026-12-15"),
    check(
        "infra.env-vars",
        ItemStatus.PASS,
        "7 of 7 required variables present; NODE_ENV=production",
        ev("GET", "https://api.render.com/v1/services/srv-api1/env-vars", 200, "req_render_3"),
    ),
    check(
        "infra.health",
        ItemStatus.WARN,
        "HTTP 200, status degraded, 0 pending migrations",
        ev("GET", f"{API}/health", 200, "req_health_1", excerpt='{"status":"degraded","access_token":"[redacted]"}'),
    ),
    section("auth"),
    check(
        "auth.token-valid",
        ItemStatus.PASS,
        "bearer token issued, expires in 3600 s",
        ev("POST", f"{API}/api/auth/token/integration", 200, "req_tok_1"),
    ),
    check(
        "auth.token-revoked",
        ItemStatus.PASS,
        "revoked key refused with 401",
        ev("POST", f"{API}/api/auth/token/integration", 401, "req_tok_2"),
    ),
    check(
        "auth.token-invalid",
        ItemStatus.PASS,
        "missing and invalid keys refused with 401",
        ev("POST", f"{API}/api/auth/token/integration", 401, "req_tok_3"),
        ev("POST", f"{API}/api/auth/token/integration", 401, "req_tok_4"),
    ),
    check("auth.route-enforcement", ItemStatus.ERROR, "connection reset on POST /api/ship/upload", critical=True),
    note("auth.route-enforcement", "Render deploy was rolling.\nRe-run section 2 once it settles."),
    check(
        "auth.route-enforcement",
        ItemStatus.PASS,
        "9 of 9 high-risk routes refuse requests without a token",
        ev("GET", f"{API}/api/jobs/x", 401, "req_route_1"),
        ev("POST", f"{API}/api/ship/upload", 401, "req_route_2"),
    ),
    section("onboarding"),
    *action(
        "onboarding.tenant",
        "idem-tenant-1",
        "create_tenant",
        "tenant acme-freight created",
        {"tenant_id": "ten_123", "tenant_slug": "acme-freight"},
        ev("POST", f"{API}/api/admin/tenants", 201, "req_ten_1"),
    ),
    *action(
        "onboarding.integration-key",
        "idem-key-1",
        "issue_integration_key",
        "key key_9 issued (prefix lk_live_ab)",
        {"key_id": "key_9", "key_prefix": "lk_live_ab"},
        ev("POST", f"{API}/api/admin/tenants/ten_123/integration-keys", 201, "req_key_1"),
    ),
    NewEvent(kind=EventKind.KEY_REVEALED, item="onboarding.integration-key", data={"key_id": "key_9"}),
    confirm("onboarding.detectors", "defaults accepted"),
    check(
        "onboarding.status",
        ItemStatus.PASS,
        "onboarding status: key issued, no upload yet",
        ev("GET", f"{API}/api/admin/tenants/ten_123/onboarding-status", 200, "req_onb_1"),
    ),
    NewEvent(
        kind=EventKind.HANDOFF_WRITTEN,
        item="onboarding.handoff",
        data={"files": {"usage_guide": "handoff/acme-freight/usage-guide.md"}},
    ),
    note("onboarding.handoff", f"the customer pasted {SECRET} into the shared channel; rotated"),
    confirm("onboarding.handoff", "sent through a one-time share link"),
    Resume("bob"),
    section("first-value"),
    check(
        "first-value.token",
        ItemStatus.PASS,
        "customer key exchanged for a token",
        ev("POST", f"{API}/api/auth/token/integration", 200, "req_fv_1"),
    ),
    *action(
        "first-value.enqueue",
        "idem-job-1",
        "enqueue_job",
        "TRADE job job_42 enqueued",
        {"job_id": "job_42", "job_type": "TRADE"},
        ev("POST", f"{API}/api/upload", 202, "req_fv_2"),
    ),
    check(
        "first-value.poll",
        ItemStatus.PASS,
        "job job_42 reached done in 14 s",
        ev("GET", f"{API}/api/jobs/job_42", 200, "req_fv_3"),
    ),
    check(
        "first-value.results",
        ItemStatus.PASS,
        "12 TRADE results readable",
        ev("GET", f"{API}/api/sima/results", 200, "req_fv_4"),
    ),
    check("first-value.artifact", ItemStatus.PASS, "artifact: req_fv_1..req_fv_4, job_42, 2026-11-30T09:30Z"),
    section("guardrails"),
    check("guardrails.contract-gate", ItemStatus.PASS, "api-contract-gate is required on main"),
    check("guardrails.review-policy", ItemStatus.PASS, "solo mode: 0 required approvals"),
    check("guardrails.conversation-resolution", ItemStatus.SKIP, "GITHUB_TOKEN not set"),
    confirm("guardrails.conversation-resolution"),
    NewEvent(kind=EventKind.ITEM_UNCONFIRMED, item="guardrails.conversation-resolution"),
    confirm("guardrails.force-rls", "checked the Actions tab by hand"),
    check("guardrails.nightly", ItemStatus.FAIL, "last successful nightly run 52 h ago"),
    waive("guardrails.nightly", "runner host being replaced", "bob", "2026-12-05"),
    confirm("guardrails.alert-routing", "PagerDuty service platform-staging"),
    section("billing"),
    record("billing.model", model="platform fee", terms="EUR 1,500 / month | billed annually; signed 2026-11-20"),
    *action(
        "billing.invoice-generate",
        "idem-inv-1",
        "generate_invoice",
        "invoice inv_7 generated as draft",
        {"invoice_id": "inv_7", "invoice_status": "draft"},
        ev("POST", f"{API}/api/admin/billing/invoices/generate", 201, "req_inv_1"),
    ),
    NewEvent(
        kind=EventKind.ACTION_INTENT,
        item="billing.invoice-lifecycle",
        data={"action": "issue_invoice", "idempotency_key": "idem-inv-2"},
    ),
    Resume("bob", crash=True),
    record("billing.collection-owner", owner="Erin (finance)", process_doc="Notion: Billing / Collections"),
    section("decision"),
    record("decision.signoff", owner="Dana Whitfield", date="2026-12-01"),
    record(
        "decision.known-gaps",
        gaps=[
            {"what": "SSO for the customer portal", "owner": "dana", "due": "2026-12-24"},
            {"what": "Stripe automation | self-serve billing", "owner": "erin", "due": "2027-01-31"},
        ],
    ),
    record("decision.rollback-authority", authority="CTO (Dana) or the on-call lead"),
    note("decision.support", HOSTILE),
    NewEvent(kind=EventKind.REPORT_EXPORTED, data={"format": "md"}),
]

# A takeover is written only through a shared sessions folder (tests/sync shows it), and a
# signature needs a key made at test time, so it could not be byte-for-byte the same on every
# run (the golden files): both have their own tests (tests/sync, tests/signing).
EVERY_KIND = set(EventKind) - {EventKind.SESSION_TAKEN_OVER, EventKind.SESSION_SIGNED}


def play(folder: Path, target, on_event: Callable[[LiveSession, Event], None] = lambda live, event: None) -> Path:
    """Run STEPS into a new session under `folder`; `on_event` sees each recorded event."""
    Secrets({"LAUNCH_INTEGRATION_KEY": SECRET})
    live = LiveSession.create(target, "alice", folder)
    on_event(live, live.writer.events[-1])
    try:
        for step in STEPS:
            if isinstance(step, Resume):
                live = _resume(live, step)
                on_event(live, live.writer.events[-1])
            else:
                on_event(live, live.record(step))
    finally:
        live.close()
    return live.path


def _resume(live: LiveSession, step: Resume) -> LiveSession:
    path = live.path
    live.close()
    if step.crash:
        with path.open("ab") as handle:  # what a crash halfway through the next save leaves
            handle.write(b'\n[[events]]\nseq = 999\nat = "2026-11-30T09:59:00Z"\nactor = "bob"\nkind = "check.res')
    return LiveSession.resume(path, step.operator, drop_cut_short=step.crash)
