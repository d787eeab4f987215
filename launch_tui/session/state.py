"""The current state of a session, folded from its events. Replay is the same fold
stopped at event N: nothing here reads files, the clock or the network."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from launch_tui.checklist import Checklist, Item, Kind
from launch_tui.results import SATISFIED, Evidence, ItemStatus
from launch_tui.session.models import Event, EventKind, Header
from launch_tui.timefmt import parse_iso

ONBOARDING_STATUS = "onboarding.status"
FIRST_VALUE_FLOW = ("first-value.token", "first-value.enqueue", "first-value.poll", "first-value.results")
# References an action leaves behind that later items build on (never secrets).
FACT_KEYS = (
    "tenant_id",
    "tenant_slug",
    "key_id",
    "key_prefix",
    "key_label",
    "job_id",
    "job_type",
    "invoice_id",
    "invoice_status",
    "cancel_invoice_id",
    "cancel_for",
)


@dataclass(frozen=True)
class Note:
    at: str
    by: str
    text: str


@dataclass(frozen=True)
class Waiver:
    reason: str
    owner: str
    until: str
    at: str
    by: str


@dataclass
class ItemState:
    id: str
    result: ItemStatus | None = None  # the last check or action verdict
    summary: str = ""
    result_at: str | None = None
    result_by: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    duration_ms: int | None = None
    critical: bool = False
    confirmed_by: str | None = None
    confirmed_at: str | None = None
    waiver: Waiver | None = None
    record: dict[str, Any] | None = None
    notes: list[Note] = field(default_factory=list)
    refs: dict[str, Any] = field(default_factory=dict)
    runs: int = 0  # verdicts recorded: more than one means the time shown is a re-run's
    first_result_at: str | None = None

    @property
    def rerun(self) -> bool:
        return self.runs > 1

    @property
    def status(self) -> ItemStatus:
        """A passing verdict beats a person's decision; a decision beats a failing one."""
        if self.result in (ItemStatus.PASS, ItemStatus.WARN):
            return self.result
        if self.confirmed_at:
            return ItemStatus.CONFIRMED
        if self.waiver:
            return ItemStatus.WAIVED
        return self.result or ItemStatus.PENDING

    @property
    def satisfied(self) -> bool:
        return self.status in SATISFIED

    @property
    def who(self) -> str | None:
        return self._decided[0]

    @property
    def when(self) -> str | None:
        return self._decided[1]

    @property
    def _decided(self) -> tuple[str | None, str | None]:
        """Who gave the status shown, and when: the person who confirmed or waived it, else the verdict's."""
        if self.status is ItemStatus.CONFIRMED:
            return self.confirmed_by, self.confirmed_at
        if self.status is ItemStatus.WAIVED and self.waiver:
            return self.waiver.by, self.waiver.at
        return self.result_by, self.result_at

    def is_stale(self, item: Item, now: datetime) -> bool:
        """A verdict older than its useful age (health after an hour, nightly after 36 h)."""
        if not item.useful_age_hours or not self.result_at or self.result is None:
            return False
        return now - parse_iso(self.result_at) > timedelta(hours=item.useful_age_hours)


@dataclass(frozen=True)
class PendingIntent:
    """An action whose intent was recorded but whose outcome was not (a crash mid-call)."""

    item: str
    idempotency_key: str
    action: str
    seq: int
    data: dict[str, Any]
    at: str | None = None  # when the intent was recorded: recovery looks for what was made since

    @property
    def args(self) -> dict[str, Any]:
        args = self.data.get("args")
        return dict(args) if isinstance(args, dict) else {}


@dataclass
class SessionState:
    header: Header
    checklist: Checklist
    items: dict[str, ItemState]
    facts: dict[str, Any] = field(default_factory=dict)
    intents: dict[str, PendingIntent] = field(default_factory=dict)
    current_section: str | None = None
    operators: list[str] = field(default_factory=list)
    revealed_keys: set[str] = field(default_factory=set)
    key_delivery: dict[str, dict[str, bool]] = field(default_factory=dict)  # key id -> revealed, copied
    handoff_files: dict[str, str] = field(default_factory=dict)
    last_seq: int = 0
    last_hash: str | None = None
    last_at: str | None = None
    orphan_events: int = 0  # events naming items this checklist no longer has

    def item(self, item_id: str) -> ItemState:
        return self.items[item_id]

    def outdated(self, item_id: str) -> str | None:
        """Why a verdict no longer describes the platform, though it is not stale by age:
        the onboarding status read before the first job succeeded still says 'no job'."""
        if item_id != ONBOARDING_STATUS:
            return None
        status, poll = self.items[ONBOARDING_STATUS], self.items["first-value.poll"]
        if status.result_at and poll.result is ItemStatus.PASS and poll.result_at and status.result_at < poll.result_at:
            return (
                f"captured before the first job succeeded (at {poll.result_at}): re-run it to capture the status after"
            )
        return None

    def section_progress(self, section_id: str) -> tuple[int, int]:
        section = self.checklist.section(section_id)
        done = sum(1 for item in section.items if self.items[item.id].satisfied)
        return done, len(section.items)

    @property
    def progress(self) -> tuple[int, int]:
        done = sum(1 for state in self.items.values() if state.satisfied)
        return done, len(self.items)

    def missing_for_launch(self) -> list[str]:
        """What stands between this session and `launch.complete`, in checklist order."""
        missing = [
            f"{item.id}: {self.items[item.id].status.value}"
            for item in self.checklist.items
            if not self.items[item.id].satisfied
        ]
        if self.header.target.environment != "production":
            missing.append("environment: the first-value flow must run against production, this target is staging")
        for item_id in FIRST_VALUE_FLOW:
            if self.items[item_id].result is not ItemStatus.PASS and self.items[item_id].satisfied:
                missing.append(
                    f"{item_id}: must pass for real (token -> enqueue -> poll -> results), not be confirmed or waived"
                )
        return missing

    @property
    def launch_complete(self) -> bool:
        return not self.missing_for_launch()

    @property
    def lifecycle(self) -> str:
        return "complete" if self.launch_complete else "in progress"


def fold(header: Header, checklist: Checklist, events: Iterable[Event]) -> SessionState:
    state = SessionState(
        header=header,
        checklist=checklist,
        items={item.id: ItemState(item.id) for item in checklist.items},
        operators=[header.session.operator],
    )
    for event in events:
        apply(state, event)
    return state


def _item_id(event: Event) -> str:
    """The item of an event whose kind always has one (the model refuses such an event without)."""
    assert event.item is not None, event.kind
    return event.item


def apply(state: SessionState, event: Event) -> None:
    state.last_seq, state.last_hash, state.last_at = event.seq, event.hash, event.at
    if event.actor and event.actor not in state.operators:
        state.operators.append(event.actor)
    if event.item is not None and event.item not in state.items:
        state.orphan_events += 1
        return
    handler = _HANDLERS.get(event.kind)
    if handler:
        handler(state, event)


def _result(state: SessionState, event: Event) -> None:
    refs = event.data.get("refs") or {}
    if refs:  # most results leave no references: no loop over FACT_KEYS for them
        for key in FACT_KEYS:
            if key in refs:
                state.facts[key] = refs[key]
    if event.data.get("unknown"):
        # The call may have reached the platform without a definite answer: the intent
        # stays open (its key is reused, its outcome looked up before anything is sent again).
        item = state.items[_item_id(event)]
        item.result, item.summary = event.status, event.summary or ""
        item.result_at, item.result_by = event.at, event.actor
        item.evidence = list(event.evidence)
        return
    state.intents.pop(str(event.data.get("idempotency_key", "")), None)
    if event.data.get("partial"):
        return  # one call of a multi-call action: the item's verdict comes with the last
    item = state.items[_item_id(event)]
    item.runs += 1
    item.first_result_at = item.first_result_at or event.at
    item.result = event.status
    item.summary = event.summary or ""
    item.result_at, item.result_by = event.at, event.actor
    item.evidence = list(event.evidence)
    item.duration_ms = event.duration_ms
    item.critical = bool(event.critical)
    item.refs = dict(refs)


def _intent(state: SessionState, event: Event) -> None:
    key = str(event.data.get("idempotency_key", ""))
    state.intents[key] = PendingIntent(
        _item_id(event), key, str(event.data.get("action", "")), event.seq, dict(event.data), event.at
    )


def _confirmed(state: SessionState, event: Event) -> None:
    item = state.items[_item_id(event)]
    item.confirmed_by, item.confirmed_at = event.actor, event.at
    if "secret_delivery" in event.data:  # the handoff: how the secret went, and which files
        files = event.data.get("files") or {}
        item.refs = {"secret_delivery": str(event.data["secret_delivery"])}
        item.refs.update({f"file {name}": str(path) for name, path in files.items()} if isinstance(files, dict) else {})
    if event.note:
        item.notes.append(Note(event.at, event.actor, event.note))


def _waived(state: SessionState, event: Event) -> None:
    item = state.items[_item_id(event)]
    data = event.data
    item.waiver = Waiver(
        str(data.get("reason", "")), str(data.get("owner", "")), str(data.get("until", "")), event.at, event.actor
    )


def _unconfirmed(state: SessionState, event: Event) -> None:
    item = state.items[_item_id(event)]
    if item.confirmed_at:
        item.confirmed_by = item.confirmed_at = None
    else:
        item.waiver = None
    if item.record is not None and state.checklist.item(_item_id(event)).kind is Kind.RECORD:
        item.record = None


def _note(state: SessionState, event: Event) -> None:
    state.items[_item_id(event)].notes.append(Note(event.at, event.actor, event.note or ""))


def _record(state: SessionState, event: Event) -> None:
    item = state.items[_item_id(event)]
    item.record = dict(event.data.get("fields") or {})
    item.confirmed_by, item.confirmed_at = event.actor, event.at


def _section(state: SessionState, event: Event) -> None:
    state.current_section = event.data.get("section")


def _revealed(state: SessionState, event: Event) -> None:
    key_id = str(event.data.get("key_id", ""))
    state.revealed_keys.add(key_id)
    shown = state.key_delivery.setdefault(key_id, {"revealed": False, "copied": False})
    for how in ("revealed", "copied"):
        shown[how] = shown[how] or event.data.get(how) is True


def _handoff(state: SessionState, event: Event) -> None:
    state.handoff_files.update({str(k): str(v) for k, v in (event.data.get("files") or {}).items()})


_HANDLERS = {
    EventKind.CHECK_RESULT: _result,
    EventKind.ACTION_RESULT: _result,
    EventKind.ACTION_INTENT: _intent,
    EventKind.ITEM_CONFIRMED: _confirmed,
    EventKind.ITEM_WAIVED: _waived,
    EventKind.ITEM_UNCONFIRMED: _unconfirmed,
    EventKind.NOTE_ADDED: _note,
    EventKind.RECORD_SAVED: _record,
    EventKind.SECTION_ENTERED: _section,
    EventKind.KEY_REVEALED: _revealed,
    EventKind.HANDOFF_WRITTEN: _handoff,
}
