"""Issue 14: opening a session on a machine without the customer's key does not turn
its passes into skips, and progress does not drop because of where it is opened."""

from __future__ import annotations

from launch_tui.launch.live import LiveLaunch
from launch_tui.results import ItemStatus
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, NewEvent, open_read_only


async def test_rerunning_section_4_without_the_customers_key_keeps_the_earlier_pass(tmp_path, target):
    with LiveSession.create(target, "alice", tmp_path) as live:
        for item_id in ("first-value.token", "first-value.poll"):
            live.record(NewEvent(kind=EventKind.CHECK_RESULT, item=item_id, status=ItemStatus.PASS, summary="ok"))
        live.record(
            NewEvent(
                kind=EventKind.ACTION_RESULT,
                item="first-value.enqueue",
                status=ItemStatus.PASS,
                summary="queued",
                data={"refs": {"job_id": "job_1", "job_type": "TRADE"}},
            )
        )
        before = live.state.progress
    launch = LiveLaunch(LiveSession.resume(live.path, "bob"), Secrets({}))  # a second machine: no key at all
    try:
        assert not launch.plan("first-value.token").automated
        last = launch.state.last_seq
        await launch.run_checks(["first-value.token", "first-value.poll"])
        assert launch.state.last_seq == last  # no SKIP recorded over the PASS
        assert launch.state.item("first-value.token").status is ItemStatus.PASS
        assert launch.state.progress == before
        why = str(launch.item_extra("first-value.token"))
        assert "not re-run here" in why and "the earlier PASS" in why and "stands" in why
    finally:
        launch.close()
    assert open_read_only(live.path).state.item("first-value.poll").status is ItemStatus.PASS


async def test_a_skip_still_lands_where_there_was_no_verdict(tmp_path, target):
    with LiveSession.create(target, "alice", tmp_path) as live:
        launch = LiveLaunch(live, Secrets({}))
        await launch.run_checks(["first-value.token"])
        assert launch.state.item("first-value.token").status is ItemStatus.SKIP
