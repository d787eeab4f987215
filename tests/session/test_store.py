import os
import stat

import pytest

from launch_tui.results import ItemStatus
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, NewEvent, open_read_only, read_session, verify_chain
from launch_tui.session.fileformat import parse_session

from .conftest import fill, health_result


def test_round_trip_keeps_every_field(live):
    event = live.record(health_result())
    live.record(
        NewEvent(
            kind=EventKind.RECORD_SAVED,
            item="decision.known-gaps",
            data={"fields": {"gaps": [{"what": "SSO", "owner": "bo", "due": "2026-12-24"}]}},
        )
    )
    live.close()
    loaded = read_session(live.path)
    assert loaded.header == live.header
    assert loaded.events[1] == event
    assert loaded.events[2].data["fields"]["gaps"][0]["owner"] == "bo"
    assert verify_chain(loaded).intact


def test_the_state_after_reopening_equals_the_state_before(live):
    live.record(health_result(ItemStatus.WARN, "degraded"))
    live.record(NewEvent(kind=EventKind.ITEM_CONFIRMED, item="guardrails.alert-routing", note="PagerDuty"))
    before = live.state
    live.close()
    after = open_read_only(live.path).state
    assert after.items == before.items
    assert after.progress == before.progress == (2, 34)


def test_files_are_private(live):
    assert stat.S_IMODE(os.stat(live.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(live.path.parent).st_mode) == 0o700


def test_every_folder_created_for_a_session_is_private(tmp_path, target):
    with LiveSession.create(target, "alice", tmp_path / "a" / "b" / "sessions") as live:
        for folder in (tmp_path / "a", tmp_path / "a" / "b", live.path.parent):
            assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder


@pytest.mark.parametrize("existing", [10, 10_000])
def test_append_only_adds_bytes_at_the_end(tmp_path, target, no_fsync, existing):
    with LiveSession.create(target, "alice", tmp_path) as live:
        fill(live, existing - 1)
        before = live.path.read_bytes()
        live.record(health_result())
        after = live.path.read_bytes()
    assert after.startswith(before)
    assert len(after) - len(before) < 1024
    loaded = read_session(live.path)
    assert len(loaded.events) == existing + 1
    assert verify_chain(loaded).intact


def test_a_second_session_with_the_same_name_is_not_overwritten(tmp_path, target, monkeypatch):
    monkeypatch.setattr("launch_tui.session.live.new_session_id", lambda slug: "fixed")
    first = LiveSession.create(target, "alice", tmp_path)
    second = LiveSession.create(target, "bob", tmp_path)
    assert first.path != second.path and first.path.exists() and second.path.exists()
    first.close(), second.close()


def test_registered_secrets_never_reach_the_file(live):
    secret = "lk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    Secrets({"LAUNCH_INTEGRATION_KEY": secret})
    live.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note=f"customer pasted {secret} in chat"))
    text = live.path.read_text()
    assert secret not in text and "[redacted]" in text
    assert verify_chain(read_session(live.path)).intact


def test_resume_appends_a_resumed_event_and_keeps_state(live):
    live.record(health_result())
    path = live.path
    live.close()
    with LiveSession.resume(path, "bob") as again:
        assert again.state.item("infra.health").status is ItemStatus.PASS
        assert again.writer.events[-1].kind is EventKind.SESSION_RESUMED
        assert again.state.operators == ["alice", "bob"]


def test_a_missing_trailing_newline_is_repaired_before_appending(live):
    live.record(health_result())
    path = live.path
    live.close()
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    with LiveSession.resume(path, "bob") as again:
        again.record(health_result())
    assert verify_chain(parse_session(path.read_bytes(), path)).intact
