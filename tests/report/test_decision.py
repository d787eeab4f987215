"""What a reviewer relies on in the decision record, asserted one by one (the golden
files catch everything else, but are easy to regenerate without reading)."""

from __future__ import annotations

import json
import re
import shutil

from launch_tui.checklist import load_checklist
from launch_tui.cli import main
from launch_tui.report import decision
from launch_tui.report.decision_json import as_dict, render_json
from launch_tui.report.decision_markdown import render_markdown
from launch_tui.results import ItemStatus
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, NewEvent
from tests.conftest import make_target
from tests.session.scripted import HOSTILE, SECRET
from tests.session.tampering import TamperedFile

from .conftest import record_of

UNESCAPED_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")


def both(path) -> tuple[str, dict]:
    record = record_of(path)
    return render_markdown(record), json.loads(render_json(record))


def test_known_gaps_rows_appear_in_both_formats(scripted):
    markdown, data = both(scripted)
    assert "| SSO for the customer portal | dana | 2026-12-24 |" in markdown
    assert "| Stripe automation \\| self-serve billing | erin | 2027-01-31 |" in markdown
    assert data["known_gaps"] == [
        {"what": "SSO for the customer portal", "owner": "dana", "due": "2026-12-24"},
        {"what": "Stripe automation | self-serve billing", "owner": "erin", "due": "2027-01-31"},
    ]


def test_known_gaps_not_yet_recorded_say_so(tmp_path, target):
    LiveSession.create(target, "alice", tmp_path).close()
    markdown, data = both(next(tmp_path.glob("*.toml")))
    assert data["known_gaps"] is None and "*Not recorded yet*" in markdown


def test_every_table_row_has_as_many_cells_as_its_heading(scripted):
    markdown, _ = both(scripted)
    width = None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        cells = len(UNESCAPED_PIPE.findall(line))
        width = width or cells
        assert cells == width, line


def test_the_decision_names_what_is_missing_and_what_is_unfinished(scripted):
    markdown, data = both(scripted)
    assert data["launch_complete"] is False and (data["satisfied"], data["total"]) == (30, 34)
    assert "decision.support: pending" in data["missing_for_launch"]
    assert "**Launch complete: NO**" in markdown and "- decision.support: pending" in markdown
    assert data["pending_actions"] == [
        {
            "item": "billing.invoice-lifecycle",
            "action": "issue_invoice",
            "idempotency_key": "idem-inv-2",
            "intent_event": 49,
            "intent_at": "2026-11-30T09:48:00Z",
        }
    ]
    assert "## Unfinished actions" in markdown and "`idem-inv-2`" in markdown


def test_records_signoffs_and_waivers_are_all_there(scripted):
    markdown, data = both(scripted)
    signoff = next(
        item for section in data["sections"] for item in section["items"] if item["id"] == "decision.signoff"
    )
    assert signoff["record"] == [
        {"name": "owner", "label": "Sign-off owner (name)", "value": "Dana Whitfield"},
        {"name": "date", "label": "Sign-off date (YYYY-MM-DD)", "value": "2026-12-01"},
    ]
    assert {"item": "guardrails.nightly", "decision": "waived", "by": "bob", "at": "2026-11-30T09:42:00Z"} in data[
        "signoffs"
    ]
    assert {"item": "decision.signoff", "decision": "recorded", "by": "bob", "at": "2026-11-30T09:53:00Z"} in data[
        "signoffs"
    ]
    assert "runner host being replaced (owner bob, until 2026-12-05" in markdown
    assert "🟡 **WAIVED**, by alice at 2026-11-30T09:05:00Z; the last check said ❌ **FAIL**" in markdown
    for label in (
        "Billing model",
        "Payment collection owner",
        "Sign-off owner (name)",
        "Who may order a rollback (name or role)",
    ):
        assert f"| {label} |" in markdown


def test_evidence_keeps_ids_and_codes_but_no_body_header_or_secret(scripted):
    markdown, data = both(scripted)
    health = next(item for section in data["sections"] for item in section["items"] if item["id"] == "infra.health")
    assert health["evidence"] == [
        {
            "method": "GET",
            "url": "https://api.example.com/health",
            "status_code": 200,
            "request_id": "req_health_1",
            "duration_ms": 40,
            "at": "2026-11-30T09:00:30Z",
        }
    ]
    assert "`GET https://api.example.com/health` → 200, request id `req_health_1`" in markdown
    assert "job_id `job_42`" in markdown and "tenant_id `ten_123`" in markdown
    for text in (markdown, json.dumps(data)):
        for forbidden in (SECRET, "access_token", "Authorization", "Bearer", "excerpt"):
            assert forbidden not in text, forbidden


def test_a_secret_registered_in_the_reporting_process_is_scrubbed_too(scripted):
    Secrets({"LAUNCH_ADMIN_TOKEN": "req_health_1"})  # absurd, but proves both renderers scrub
    record = record_of(scripted)
    assert "req_health_1" not in render_markdown(record) and "req_health_1" not in render_json(record)


def test_hostile_recorded_text_is_shown_not_obeyed(scripted):
    markdown, data = both(scripted)
    raw_json = render_json(record_of(scripted))
    for text in (markdown, raw_json):
        assert "\x1b" not in text and "\u202e" not in text
    assert "<img" not in markdown.replace("\\<img", "") and "[click](" not in markdown
    assert "␛\\[31mALL GREEN" in markdown and "⟨U+202E⟩" in markdown
    notes = [note["text"] for section in data["sections"] for item in section["items"] for note in item["notes"]]
    assert HOSTILE in notes  # JSON keeps the value exact; only its spelling is escaped


def test_production_stands_out_and_staging_says_it_is_not(tmp_path, target):
    staging_dir = tmp_path / "staging"
    LiveSession.create(make_target(environment="staging"), "alice", staging_dir).close()
    markdown, data = both(next(staging_dir.glob("*.toml")))
    assert data["target"]["production"] is False and "not production" in markdown and "PRODUCTION" not in markdown
    assert any(line.startswith("environment:") for line in data["missing_for_launch"])
    LiveSession.create(target, "alice", tmp_path / "prod").close()
    markdown, data = both(next((tmp_path / "prod").glob("*.toml")))
    assert data["target"]["production"] is True and "🔴 **PRODUCTION**" in markdown


def test_a_complete_launch_says_yes(tmp_path, target):
    with LiveSession.create(target, "alice", tmp_path) as live:
        for item in live.state.checklist.items:
            live.record(NewEvent(kind=EventKind.ITEM_CONFIRMED, item=item.id))
        for item_id in ("first-value.token", "first-value.enqueue", "first-value.poll", "first-value.results"):
            live.record(NewEvent(kind=EventKind.CHECK_RESULT, item=item_id, status=ItemStatus.PASS, summary="ok"))
    markdown, data = both(live.path)
    assert data["launch_complete"] is True and data["missing_for_launch"] == []
    assert "**Launch complete: YES**" in markdown and "Still missing" not in markdown


def test_an_altered_file_says_altered_at_the_top_and_in_integrity(scripted, tmp_path):
    copy = tmp_path / scripted.name
    shutil.copy(scripted, copy)
    session = TamperedFile(copy)
    index = session.at(b'item = "infra.web-app"', b'status = "fail"')
    session.edit_event(index, b'status = "fail"', b'status = "pass"')
    markdown, data = both(session.save())
    lines = markdown.splitlines()
    assert lines[2] == "> [!CAUTION]" and "**ALTERED**" in lines[3]
    assert f"❌ **ALTERED** at event #{index}" in markdown and "INTACT" not in markdown
    assert data["integrity"]["status"] == "altered" and data["integrity"]["first_bad_event"] == index


def test_a_cut_short_file_says_so(scripted):
    scripted.write_bytes(scripted.read_bytes()[:-40])
    markdown, data = both(scripted)
    assert data["integrity"]["status"] == "cut-short" and data["integrity"]["cut_short_event"] == 58
    assert "⚠️ **CUT SHORT**: event #58" in markdown and "57 events before it are intact" in markdown


def test_the_last_hash_in_the_report_is_the_anchor_verify_accepts(scripted, capsys):
    anchor = record_of(scripted).integrity.last_hash
    assert f"--last-hash {anchor}" in render_markdown(record_of(scripted))
    assert main(["verify", str(scripted), "--last-hash", anchor]) == 0
    assert "the anchor is event #58, the last one" in capsys.readouterr().out


def test_a_changed_runbook_is_flagged(scripted, monkeypatch):
    changed = load_checklist().model_copy(update={"content_hash": "sha256:" + "0" * 64})
    monkeypatch.setattr(decision, "load_checklist", lambda: changed)
    markdown, data = both(scripted)
    assert data["checklist"]["changed"] is True and "The runbook changed since this session began" in markdown


def test_stale_results_are_flagged_at_report_time(scripted):
    _, data = both(scripted)  # the report is made at 12:00; health (useful for 1 h) ran at 09:07
    stale = {item["id"] for section in data["sections"] for item in section["items"] if item["stale"]}
    assert stale == {"infra.health"}


def test_the_json_keys_are_the_documented_ones(scripted):
    data = as_dict(record_of(scripted))
    assert list(data) == [
        "schema",
        "generated_at",
        "session",
        "target",
        "checklist",
        "launch_complete",
        "satisfied",
        "total",
        "missing_for_launch",
        "integrity",
        "known_gaps",
        "signoffs",
        "pending_actions",
        "facts",
        "orphan_events",
        "sections",
        "decision",
    ]
    assert data["schema"] == "launch-tui/report/v1"
    assert list(data["sections"][0]["items"][0]) == [
        "id",
        "kind",
        "text",
        "details",
        "status",
        "result",
        "satisfied",
        "by",
        "at",
        "stale",
        "summary",
        "duration_ms",
        "critical",
        "evidence",
        "refs",
        "notes",
        "waiver",
        "record",
        "runs",
        "first_result_at",
        "outdated",
    ]
    assert [section["number"] for section in data["sections"]] == list(range(1, 8))
    assert data["sections"][0]["title"] == "Infrastructure Ready"


def test_every_runbook_item_appears_once_in_runbook_order_under_its_section(scripted):
    markdown, data = both(scripted)
    checklist = load_checklist()
    ids = [item.id for item in checklist.items]
    assert re.findall(r"^### `([a-z.-]+)`", markdown, re.MULTILINE) == ids
    assert [item["id"] for section in data["sections"] for item in section["items"]] == ids
    headings = [section.heading for section in checklist.sections]
    assert re.findall(r"^## (\d\. .+)$", markdown, re.MULTILINE) == headings
    assert headings[0] == "1. Infrastructure Ready"
