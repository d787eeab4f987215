"""Issue 14: the record does not lie. A demo reads as a demo wherever a reviewer looks;
an altered file decides nothing; a re-run and an outdated status are shown as such."""

from __future__ import annotations

import shutil

from launch_tui.report.decision_markdown import render_markdown
from launch_tui.results import ItemStatus
from launch_tui.session import EventKind, LiveSession, NewEvent, open_read_only
from launch_tui.session.listing import render_rows, summarise
from tests.session.tampering import TamperedFile

from .conftest import record_of
from .test_decision import both


def complete(live: LiveSession) -> None:
    for item in live.state.checklist.items:
        live.record(NewEvent(kind=EventKind.ITEM_CONFIRMED, item=item.id))
    for item_id in ("first-value.token", "first-value.enqueue", "first-value.poll", "first-value.results"):
        live.record(NewEvent(kind=EventKind.CHECK_RESULT, item=item_id, status=ItemStatus.PASS, summary="ok"))


def test_a_complete_demo_session_cannot_be_mistaken_for_a_production_launch(tmp_path, target):
    assert target.is_production  # the demo's target follows production's rules
    with LiveSession.create(target, "alice", tmp_path, sandbox=True) as live:
        complete(live)
    assert open_read_only(live.path).file.header.session.sandbox is True  # the header records it
    markdown, data = both(live.path)
    title = markdown.splitlines()[0]
    assert title.startswith("# DEMO launch decision record") and "not a real launch" in title
    assert "**DEMO launch complete: YES**" in markdown and "not a production launch" in markdown
    assert "PRODUCTION" not in markdown and "against production" not in markdown
    assert data["target"]["sandbox"] is True and data["decision"].startswith("DEMO")
    row = summarise(live.path)
    assert row.environment == "demo (sandbox)" and "demo (sandbox)" in render_rows([row])


def test_a_session_not_from_the_demo_is_not_marked(tmp_path, target):
    with LiveSession.create(target, "alice", tmp_path) as live:
        complete(live)
    markdown, data = both(live.path)
    assert "DEMO" not in markdown and data["target"]["sandbox"] is False
    assert "sandbox" not in live.path.read_text().split("[[events]]")[0]  # old headers stay byte-identical
    assert data["decision"] == "launch complete"


def test_an_altered_report_leads_with_altered_and_cannot_be_trusted(tmp_path, target):
    with LiveSession.create(target, "alice", tmp_path / "s") as live:
        complete(live)
        live.record(NewEvent(kind=EventKind.CHECK_RESULT, item="infra.web-app", status=ItemStatus.FAIL, summary="down"))
    copy = tmp_path / live.path.name
    shutil.copy(live.path, copy)
    tampered = TamperedFile(copy)
    index = tampered.at(b'item = "infra.web-app"', b'status = "fail"')
    tampered.edit_event(index, b'status = "fail"', b'status = "pass"')  # now the events say YES
    record = record_of(tampered.save())
    markdown = render_markdown(record)
    assert markdown.splitlines()[0].startswith("# ALTERED:") and "cannot be trusted" in markdown.splitlines()[0]
    decision = markdown.split("## Decision", 1)[1].split("##", 1)[0]
    assert "**Cannot be trusted**" in decision and "Launch complete: YES" not in decision
    assert record.decision.startswith("cannot be trusted")


def test_a_rerun_and_an_outdated_status_are_shown_as_such(scripted):
    markdown, data = both(scripted)
    items = {item["id"]: item for section in data["sections"] for item in section["items"]}
    assert items["onboarding.status"]["outdated"].startswith("captured before the first job succeeded")
    assert "**outdated**" in markdown
    rerun = items["auth.route-enforcement"]
    assert rerun["runs"] == 2 and rerun["first_result_at"] < rerun["at"]
    assert "**re-run** (first run at" in markdown
