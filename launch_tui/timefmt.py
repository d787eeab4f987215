"""One time format everywhere: UTC, ISO 8601, second precision, a trailing Z."""

from __future__ import annotations

from datetime import UTC, datetime


def _system_clock() -> datetime:
    return datetime.now(UTC)


_clock = _system_clock


def utcnow() -> datetime:
    return _clock().replace(microsecond=0)


def set_clock(clock=None) -> None:
    """Tests and snapshots freeze time here; None restores the system clock."""
    global _clock
    _clock = clock or _system_clock


def to_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_iso() -> str:
    return to_iso(utcnow())


def parse_iso(text: str) -> datetime:
    """Parse the timestamps we write and the ones platforms send (Z or an offset)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
