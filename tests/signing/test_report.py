"""The decision record names every signer, key, time and the events covered, or says
UNSIGNED; its JSON carries the same (v1 gained keys, renamed none)."""

from __future__ import annotations

import json

from launch_tui.commands import sign
from launch_tui.report.decision import build_record
from launch_tui.report.decision_json import render_json
from launch_tui.report.decision_markdown import render_markdown
from launch_tui.session import EventKind, NewEvent, SessionWriter, open_read_only, read_session
from tests.sshkeys import needs_ssh_keygen, recorded_session

from .test_forgery import reseal

pytestmark = needs_ssh_keygen


def test_a_signed_session_names_signer_key_time_and_events(tmp_path, target, keys):
    path = recorded_session(tmp_path / "sessions", target)
    assert sign.run(path, "alice", str(keys["ed25519"].path)) == 0
    with SessionWriter.open(path, "bob") as writer:
        writer.append(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note="after the signature"))
    event = read_session(path).events[4]
    record = build_record(open_read_only(path))

    markdown = render_markdown(record)
    assert "🔏 **SIGNED**: events #1–#4 are covered by 1 signature(s)" in markdown
    assert (
        f"| alice | ED25519 `{event.data['fingerprint']}` | {event.at} | #1–#4 | on-demand | ✅ matches event #4 |"
        in markdown
    )
    assert "⚠️ 1 event(s) after event #4 are **UNSIGNED**" in markdown
    assert f"launch-tui verify {record.session.id} --allowed-signers allowed_signers" in markdown

    integrity = json.loads(render_json(record))["integrity"]
    assert list(integrity)[:9] == [
        "status",
        "line",
        "first_bad_event",
        "problem",
        "events",
        "last_hash",
        "last_at",
        "cut_short_event",
        "cut_short_bytes",
    ]  # v1's keys, first and unchanged
    assert integrity["signing"] == "signed" and integrity["signed_through"] == 4 and integrity["unsigned_events"] == 1
    [line] = integrity["signatures"]
    assert line == {
        "event": 5,
        "principal": "alice",
        "key_type": "ED25519",
        "fingerprint": event.data["fingerprint"],
        "at": event.at,
        "checkpoint": "on-demand",
        "first_event": 1,
        "covers_event": 4,
        "covers_hash": event.data["covers_hash"],
        "valid": True,
        "problem": "",
    }
    assert "BEGIN SSH SIGNATURE" not in markdown + render_json(record)  # the armored signature stays in the session


def test_a_resealed_signed_session_reports_a_bad_signature(tmp_path, target, keys):
    path = recorded_session(tmp_path / "sessions", target)
    assert sign.run(path, "alice", str(keys["rsa"].path)) == 0

    def edit(events):
        events[1]["note"] = "changed"
        return events

    reseal(path, edit)
    record = build_record(open_read_only(path))
    assert record.integrity.status == "intact" and record.integrity.signing == "bad-signature"
    markdown = render_markdown(record)
    assert "❌ **BAD SIGNATURE**: 1 of 1 signature(s) do not match the file" in markdown
    assert "❌ INVALID: it signed event #4" in markdown


def test_an_unsigned_session_says_so(tmp_path, target):
    record = build_record(open_read_only(recorded_session(tmp_path / "sessions", target)))
    assert record.integrity.signing == "unsigned" and record.integrity.unsigned_events == 4
    assert "🔓 **UNSIGNED**" in render_markdown(record)
