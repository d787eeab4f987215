"""The session file's shapes: a header written once, then events appended one at a time."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from launch_tui.results import Evidence, ItemStatus
from launch_tui.target import Target

SCHEMA_VERSION = 1
MAX_TEXT = 20_000  # a note or summary longer than this is operator error or a hostile server


class EventKind(StrEnum):
    SESSION_CREATED = "session.created"
    SESSION_RESUMED = "session.resumed"
    SESSION_RECOVERED = "session.recovered"  # a cut-short last event was dropped, with consent
    SESSION_TAKEN_OVER = "session.taken_over"  # another machine's claim on the sessions remote was taken over
    SECTION_ENTERED = "section.entered"
    CHECK_RESULT = "check.result"
    ACTION_INTENT = "action.intent"  # recorded before a mutating call is made
    ACTION_RESULT = "action.result"
    ITEM_CONFIRMED = "item.confirmed"
    ITEM_WAIVED = "item.waived"
    ITEM_UNCONFIRMED = "item.unconfirmed"  # undoes the last confirmation or waiver
    NOTE_ADDED = "note.added"
    RECORD_SAVED = "record.saved"
    KEY_REVEALED = "key.revealed"  # the operator showed the one-time secret (never stored)
    HANDOFF_WRITTEN = "handoff.written"
    REPORT_EXPORTED = "report.exported"
    SESSION_SIGNED = "session.signed"  # an SSH signature over the chain head (launch_tui/signing)


class SessionInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(min_length=1, max_length=200)]
    created_at: str
    operator: Annotated[str, Field(min_length=1, max_length=200)]
    host: str = ""
    tool_version: str = ""
    # The target was launch-tui's own sandbox (`launch-tui demo`): nothing real was
    # launched. Written only when true, covered by the chain like the rest of the header.
    sandbox: bool = False


class ChecklistRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    hash: str


class Header(BaseModel):
    """Written once when the session is created; covered by the first event's `prev`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int
    session: SessionInfo
    checklist: ChecklistRef
    target: Target


class Seal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    hash: str


class Event(BaseModel):
    """One thing that happened. `prev` chains it to the event before (or the header)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: Annotated[int, Field(ge=1)]
    at: str
    actor: Annotated[str, Field(max_length=200)]
    kind: EventKind
    item: str | None = None
    status: ItemStatus | None = None
    summary: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    note: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    duration_ms: int | None = None
    critical: bool | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    prev: str
    data: dict[str, Any] = Field(default_factory=dict)
    seal: Seal

    @property
    def hash(self) -> str:
        return self.seal.hash


class NewEvent(BaseModel):
    """What a caller hands the store; the store adds seq, time, prev and seal."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: EventKind
    item: str | None = None
    status: ItemStatus | None = None
    summary: str | None = None
    note: str | None = None
    duration_ms: int | None = None
    critical: bool | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)
