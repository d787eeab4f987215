from datetime import timedelta

from launch_tui.results import ItemStatus
from launch_tui.session import EventKind, NewEvent
from launch_tui.timefmt import parse_iso

from .conftest import health_result


def test_confirm_undo_and_waive(live):
    item = "guardrails.alert-routing"
    live.record(NewEvent(kind=EventKind.ITEM_CONFIRMED, item=item))
    assert live.state.item(item).status is ItemStatus.CONFIRMED
    assert live.state.item(item).who == "alice"
    live.record(NewEvent(kind=EventKind.ITEM_UNCONFIRMED, item=item))
    assert live.state.item(item).status is ItemStatus.PENDING
    live.record(
        NewEvent(
            kind=EventKind.ITEM_WAIVED, item=item, data={"reason": "no pager yet", "owner": "bo", "until": "2026-12-31"}
        )
    )
    state = live.state.item(item)
    assert state.status is ItemStatus.WAIVED and state.waiver.owner == "bo"


def test_a_pass_beats_a_waiver_and_a_waiver_beats_a_fail(live):
    live.record(health_result(ItemStatus.FAIL, "3 pending migrations"))
    live.record(
        NewEvent(
            kind=EventKind.ITEM_WAIVED, item="infra.health", data={"reason": "r", "owner": "o", "until": "2026-12-31"}
        )
    )
    assert live.state.item("infra.health").status is ItemStatus.WAIVED
    live.record(health_result())
    assert live.state.item("infra.health").status is ItemStatus.PASS


def test_action_refs_become_facts_and_close_the_intent(live):
    live.record(
        NewEvent(
            kind=EventKind.ACTION_INTENT,
            item="onboarding.tenant",
            data={"action": "create_tenant", "idempotency_key": "k1"},
        )
    )
    assert "k1" in live.state.intents
    live.record(
        NewEvent(
            kind=EventKind.ACTION_RESULT,
            item="onboarding.tenant",
            status=ItemStatus.PASS,
            summary="created",
            data={"idempotency_key": "k1", "refs": {"tenant_id": "ten_1", "tenant_slug": "acme-freight"}},
        )
    )
    assert not live.state.intents
    assert live.state.facts == {"tenant_id": "ten_1", "tenant_slug": "acme-freight"}


def test_results_go_stale_after_their_useful_age(live):
    live.record(health_result())
    state, item = live.state.item("infra.health"), live.state.checklist.item("infra.health")
    recorded = parse_iso(state.result_at)
    assert not state.is_stale(item, recorded + timedelta(minutes=59))
    assert state.is_stale(item, recorded + timedelta(minutes=61))


def test_launch_complete_needs_everything_and_the_real_first_value_flow(live):
    assert not live.state.launch_complete
    for item in live.state.checklist.items:
        live.record(NewEvent(kind=EventKind.ITEM_CONFIRMED, item=item.id))
    missing = live.state.missing_for_launch()
    assert missing and all(line.startswith("first-value.") for line in missing)
    for item_id in ("first-value.token", "first-value.enqueue", "first-value.poll", "first-value.results"):
        live.record(NewEvent(kind=EventKind.CHECK_RESULT, item=item_id, status=ItemStatus.PASS, summary="ok"))
    assert live.state.launch_complete and live.state.lifecycle == "complete"


def test_events_for_items_the_checklist_no_longer_has_are_counted_not_fatal(live):
    live.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.retired-item", note="x"))
    assert live.state.orphan_events == 1
