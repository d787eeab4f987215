"""Replay is the fold stopped at event N. It shows what the operator saw only if
folding the file's first N events gives exactly the live state after the Nth save."""

from __future__ import annotations

import copy

import pytest

from launch_tui.checklist import load_checklist
from launch_tui.session import fold, open_read_only, read_session

from .scripted import EVERY_KIND, play


@pytest.fixture
def recorded(tmp_path, target):
    """The scripted session, with a copy of the live state after every event."""
    states = {}

    def snapshot(live, event):
        assert event.seq not in states
        states[event.seq] = copy.deepcopy(live.state)

    path = play(tmp_path, target, snapshot)
    return path, states


def test_the_script_uses_every_event_kind(recorded):
    path, _ = recorded
    assert {event.kind for event in read_session(path).events} == EVERY_KIND


def test_folding_the_first_n_events_equals_the_live_state_after_the_nth(recorded):
    path, states = recorded
    session = read_session(path)
    checklist = load_checklist()
    # A recovery event is written by the store while reopening, before any state exists
    # to snapshot; every other event comes from create() or record().
    assert set(range(1, len(session.events) + 1)) - set(states) == {
        event.seq for event in session.events if event.kind == "session.recovered"
    }
    for n, live_state in states.items():
        replayed = fold(session.header, checklist, session.events[:n])
        assert replayed == live_state, f"state differs after event #{n} ({session.events[n - 1].kind})"


def test_folding_every_event_is_what_open_read_only_and_the_last_live_state_show(recorded):
    path, states = recorded
    opened = open_read_only(path)
    assert opened.state == states[max(states)]
    assert opened.state.last_hash == opened.verdict.last_hash == opened.file.events[-1].hash


def test_replay_states_differ_where_the_script_changed_something(recorded):
    """Guards the test above against comparing states that never change."""
    _, states = recorded
    item = "guardrails.conversation-resolution"
    statuses = [state.items[item].status.value for _, state in sorted(states.items())]
    assert [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]] == [
        "pending",
        "skip",
        "confirmed",
        "skip",
    ]
