from __future__ import annotations

from pathlib import Path

import pytest

from launch_tui.results import Evidence, ItemStatus
from launch_tui.session import EventKind, LiveSession, NewEvent, store


def health_result(status: ItemStatus = ItemStatus.PASS, summary: str = "HTTP 200, status ok") -> NewEvent:
    return NewEvent(
        kind=EventKind.CHECK_RESULT,
        item="infra.health",
        status=status,
        summary=summary,
        duration_ms=41,
        evidence=[
            Evidence(
                method="GET",
                url="https://api.example.com/health",
                status_code=200,
                request_id="req_1",
                duration_ms=40,
                at="2026-11-30T10:00:00Z",
            )
        ],
    )


@pytest.fixture
def live(tmp_path: Path, target) -> LiveSession:
    session = LiveSession.create(target, "alice", tmp_path / "sessions")
    yield session
    session.close()


@pytest.fixture
def no_fsync(monkeypatch):
    """Building big fixtures: durability is not under test there, speed is welcome."""
    monkeypatch.setattr(store.os, "fsync", lambda fd: None)


def fill(session: LiveSession, count: int) -> None:
    for index in range(count):
        session.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note=f"note {index}"))
