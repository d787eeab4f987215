"""The launch decision record: everything a reviewer needs to approve or refuse a
launch, built read-only from a session. One structure, two renderers (Markdown and
JSON), and the replay screens can read it too.

The record holds the session's text as recorded; the renderers escape it and scrub
registered secrets, because the record itself never leaves the process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from launch_tui.checklist import Item, Kind, load_checklist
from launch_tui.results import ItemStatus
from launch_tui.session import EventKind, OpenedSession, SessionFile, Verdict
from launch_tui.session.state import ItemState, Note, SessionState, Waiver
from launch_tui.signing.check import check_signatures
from launch_tui.timefmt import to_iso, utcnow

SCHEMA = "launch-tui/report/v1"
GAPS_ITEM = "decision.known-gaps"
PERSON_DECIDED = (ItemStatus.CONFIRMED, ItemStatus.WAIVED)


@dataclass(frozen=True)
class EvidenceLine:
    method: str
    url: str
    status_code: int | None
    request_id: str | None
    duration_ms: int
    at: str


@dataclass(frozen=True)
class FieldValue:
    name: str
    label: str
    value: Any  # text as recorded; a list of {what, owner, due} for known gaps; None if missing


@dataclass(frozen=True)
class ItemReport:
    id: str
    kind: str
    text: str
    details: tuple[str, ...]
    status: str
    result: str | None  # the last check or action verdict, which a person's decision may override
    satisfied: bool
    by: str | None
    at: str | None
    stale: bool  # older than the item's useful age when the report was made
    summary: str
    duration_ms: int | None
    critical: bool
    evidence: tuple[EvidenceLine, ...]
    refs: dict[str, Any]
    notes: tuple[Note, ...]
    waiver: Waiver | None
    record: tuple[FieldValue, ...] | None  # record items only; None until recorded
    runs: int = 0  # verdicts recorded; `at` is the last one's when more than one
    first_result_at: str | None = None
    outdated: str | None = None  # why the verdict no longer describes the platform (not age)

    @property
    def shown_status(self) -> str:
        return shown_status(self.kind, self.status)


@dataclass(frozen=True)
class SectionReport:
    id: str
    number: int
    title: str
    notes: tuple[str, ...]
    satisfied: int
    total: int
    items: tuple[ItemReport, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class KnownGap:
    what: str
    owner: str
    due: str


@dataclass(frozen=True)
class SignOff:
    item: str
    decision: str  # confirmed | recorded | waived
    by: str | None
    at: str | None


@dataclass(frozen=True)
class PendingAction:
    item: str
    action: str
    idempotency_key: str
    intent_event: int
    intent_at: str | None


@dataclass(frozen=True)
class SignatureLine:
    """One `session.signed` event, checked without an allowed_signers file: `valid`
    says the signature matches the head it names; who may sign is `verify`'s to say."""

    event: int
    principal: str
    key_type: str
    fingerprint: str
    at: str
    checkpoint: str
    first_event: int
    covers_event: int
    covers_hash: str
    valid: bool
    problem: str


@dataclass(frozen=True)
class Integrity:
    status: str  # intact | altered | cut-short
    line: str  # what `launch-tui verify` prints
    first_bad_event: int | None
    problem: str
    events: int
    last_hash: str | None
    last_at: str | None
    cut_short_event: int | None
    cut_short_bytes: int | None
    # Signatures (v1 gained these keys; docs/report.md):
    signing: str = "unsigned"  # unsigned | signed | bad-signature
    signatures: tuple[SignatureLine, ...] = ()
    signed_through: int | None = None  # the last event a good signature covers
    unsigned_events: int = 0  # events after it (signature events aside): all of them when unsigned


@dataclass(frozen=True)
class SessionSummary:
    id: str
    created_at: str
    updated_at: str
    operators: tuple[str, ...]
    host: str
    tool_version: str
    events: int


@dataclass(frozen=True)
class TargetSummary:
    environment: str
    production: bool
    api_url: str
    web_url: str | None
    team_mode: str
    customer: str
    tenant_slug: str
    sandbox: bool = False  # a demo: launch-tui's own sandbox, nothing real launched


@dataclass(frozen=True)
class ChecklistSummary:
    id: str
    title: str
    session_hash: str  # the runbook version the session started with
    current_hash: str  # the one this report's item texts come from
    changed: bool


@dataclass(frozen=True)
class DecisionRecord:
    schema: str
    generated_at: str
    session: SessionSummary
    target: TargetSummary
    checklist: ChecklistSummary
    launch_complete: bool
    satisfied: int
    total: int
    missing_for_launch: tuple[str, ...]
    integrity: Integrity
    known_gaps: tuple[KnownGap, ...] | None  # None: not recorded yet
    signoffs: tuple[SignOff, ...]
    pending_actions: tuple[PendingAction, ...]
    facts: dict[str, Any]
    orphan_events: int  # events about items this runbook no longer has
    sections: tuple[SectionReport, ...]
    # What a reviewer reads first; an altered file decides nothing, a demo launches nothing.
    decision: str = ""

    def item(self, item_id: str) -> ItemReport:
        return next(item for section in self.sections for item in section.items if item.id == item_id)

    @property
    def records(self) -> list[ItemReport]:
        return [item for section in self.sections for item in section.items if item.kind == Kind.RECORD.value]


def build_record(opened: OpenedSession, now: datetime | None = None) -> DecisionRecord:
    """The decision record of a session as read now (staleness is judged at `now`)."""
    now = now or utcnow()
    state, header, events = opened.state, opened.file.header, opened.file.events
    done, total = state.progress
    current = load_checklist()
    return DecisionRecord(
        schema=SCHEMA,
        generated_at=to_iso(now),
        session=SessionSummary(
            id=header.session.id,
            created_at=header.session.created_at,
            updated_at=state.last_at or header.session.created_at,
            operators=tuple(state.operators),
            host=header.session.host,
            tool_version=header.session.tool_version,
            events=len(events),
        ),
        target=TargetSummary(
            environment=header.target.environment,
            production=header.target.is_production,
            api_url=header.target.api_url,
            web_url=header.target.web_url,
            team_mode=header.target.team_mode,
            customer=header.target.customer.name,
            tenant_slug=header.target.customer.tenant_slug,
            sandbox=header.session.sandbox,
        ),
        checklist=ChecklistSummary(
            id=header.checklist.id,
            title=state.checklist.title,
            session_hash=header.checklist.hash,
            current_hash=current.content_hash,
            changed=header.checklist.hash != current.content_hash,
        ),
        launch_complete=state.launch_complete,
        satisfied=done,
        total=total,
        missing_for_launch=tuple(state.missing_for_launch()),
        integrity=integrity_of(opened.verdict, state.last_at, opened.file),
        known_gaps=known_gaps(state),
        signoffs=tuple(_signoffs(state)),
        pending_actions=tuple(_pending_actions(opened)),
        facts=dict(state.facts),
        orphan_events=state.orphan_events,
        sections=tuple(
            SectionReport(
                id=section.id,
                number=section.number,
                title=section.title,
                notes=section.notes,
                satisfied=state.section_progress(section.id)[0],
                total=len(section.items),
                items=tuple(
                    item_report(item, state.items[item.id], now, state.outdated(item.id)) for item in section.items
                ),
            )
            for section in state.checklist.sections
        ),
        decision=decision_of(opened.verdict.intact, header.session.sandbox, state.launch_complete),
    )


def decision_of(intact: bool, sandbox: bool, complete: bool) -> str:
    if not intact:
        return "cannot be trusted: the session file was altered"
    if sandbox:
        return "DEMO: launch complete against the sandbox (not a real launch)" if complete else "DEMO: not complete"
    return "launch complete" if complete else "not complete"


def item_report(item: Item, state: ItemState, now: datetime, outdated: str | None = None) -> ItemReport:
    status = state.status
    return ItemReport(
        id=item.id,
        kind=item.kind.value,
        text=item.text,
        details=item.details,
        status=status.value,
        result=state.result.value if state.result else None,
        satisfied=state.satisfied,
        by=state.who,
        at=state.when,
        stale=state.is_stale(item, now) and status in (ItemStatus.PASS, ItemStatus.WARN),
        summary=state.summary,
        duration_ms=state.duration_ms,
        critical=state.critical,
        evidence=tuple(
            # no excerpt: response bodies stay in the session file, a report quotes none
            EvidenceLine(e.method, e.url, e.status_code, e.request_id, e.duration_ms, e.at)
            for e in state.evidence
        ),
        refs={key: _plain(value) for key, value in state.refs.items()},
        notes=tuple(state.notes),
        waiver=state.waiver,
        record=_record_fields(item, state.record),
        runs=state.runs,
        first_result_at=state.first_result_at,
        outdated=outdated,
    )


def integrity_of(verdict: Verdict, last_at: str | None, session: SessionFile | None = None) -> Integrity:
    status = "altered" if not verdict.intact else "cut-short" if verdict.tail else "intact"
    return Integrity(
        **_chain(verdict, status, last_at),
        **(_signing(session, verdict) if session is not None else {}),
    )


def _signing(session: SessionFile, chain: Verdict) -> dict[str, Any]:
    if not any(event.kind is EventKind.SESSION_SIGNED for event in session.events):
        return {"signing": "unsigned", "signatures": (), "signed_through": None, "unsigned_events": len(session.events)}
    verdict = check_signatures(session, chain=chain)
    lines = tuple(
        SignatureLine(
            c.event,
            c.principal,
            c.key_type,
            c.fingerprint,
            c.at,
            c.checkpoint,
            c.first_event,
            c.covers_event,
            c.covers_hash,
            c.valid,
            c.problem,
        )
        for c in verdict.signatures
    )
    return {
        "signing": verdict.status,
        "signatures": lines,
        "signed_through": verdict.signed_through,
        "unsigned_events": len(verdict.unsigned),
    }


def _chain(verdict: Verdict, status: str, last_at: str | None) -> dict[str, Any]:
    return dict(
        status=status,
        line=verdict.line,
        first_bad_event=verdict.first_bad,
        problem=verdict.problem,
        events=verdict.events,
        last_hash=verdict.last_hash,
        last_at=last_at,
        cut_short_event=verdict.tail.seq if verdict.tail else None,
        cut_short_bytes=verdict.tail.size if verdict.tail else None,
    )


def known_gaps(state: SessionState) -> tuple[KnownGap, ...] | None:
    record = state.items[GAPS_ITEM].record
    if record is None:
        return None
    gaps = record.get("gaps") or []
    return tuple(
        KnownGap(str(_plain(gap.get("what", ""))), str(_plain(gap.get("owner", ""))), str(_plain(gap.get("due", ""))))
        if isinstance(gap, dict)
        else KnownGap(str(_plain(gap)), "", "")
        for gap in (gaps if isinstance(gaps, list) else [gaps])
    )


def _record_fields(item: Item, record: dict[str, Any] | None) -> tuple[FieldValue, ...] | None:
    if item.kind is not Kind.RECORD or record is None:
        return None
    return tuple(FieldValue(field.name, field.label, _plain(record.get(field.name))) for field in item.fields)


def shown_status(kind: str, status: str) -> str:
    """What a person reads: a record item is confirmed by being recorded."""
    return "recorded" if kind == Kind.RECORD.value and status == ItemStatus.CONFIRMED.value else status


def _signoffs(state: SessionState):
    for item in state.checklist.items:
        item_state = state.items[item.id]
        if item_state.status in PERSON_DECIDED:
            decision = shown_status(item.kind.value, item_state.status.value)
            yield SignOff(item.id, decision, item_state.who, item_state.when)


def _pending_actions(opened: OpenedSession):
    events = opened.file.events
    for intent in sorted(opened.state.intents.values(), key=lambda intent: intent.seq):
        at = events[intent.seq - 1].at if 0 < intent.seq <= len(events) else None
        yield PendingAction(intent.item, intent.action, intent.idempotency_key, intent.seq, at)


def _plain(value: Any) -> Any:
    """JSON's kinds of value only: a hand-edited file may hold TOML dates and times."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return str(value)
