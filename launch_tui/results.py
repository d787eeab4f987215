"""What a check or an action returns, and what evidence backs it.

Shared by the engine (which produces results), the session (which records them),
reports and the TUI (which show them). Textual-free and HTTP-free.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Non-secret references an action leaves behind (tenant id, key id and prefix, job id...).
RefValue = str | int | bool
Refs = dict[str, RefValue]


class Status(StrEnum):
    """The verdict of one automated check (the spec's result statuses)."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    SKIP = "skip"
    MANUAL = "manual"


class ItemStatus(StrEnum):
    """An item's status in a session: a check verdict or a person's decision."""

    PENDING = "pending"
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    SKIP = "skip"
    MANUAL = "manual"
    CONFIRMED = "confirmed"
    WAIVED = "waived"

    @property
    def satisfied(self) -> bool:
        return self in SATISFIED


SATISFIED = frozenset({ItemStatus.PASS, ItemStatus.WARN, ItemStatus.CONFIRMED, ItemStatus.WAIVED})


class Evidence(BaseModel):
    """One HTTP exchange behind a result. Never holds a header value or a secret."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    method: str
    url: str
    status_code: int | None = None
    request_id: str | None = None
    duration_ms: int = 0
    at: str
    excerpt: str | None = None


class CheckResult(BaseModel):
    """The outcome of one item's check or action."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    status: Status
    summary: Annotated[str, Field(max_length=2000)]
    duration_ms: int = 0
    evidence: list[Evidence] = Field(default_factory=list)
    critical: bool = False
    refs: Refs = Field(default_factory=dict)
