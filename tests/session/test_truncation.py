"""A crash mid-save cuts the last event short at any byte. The loader must notice,
keep everything before it, and drop only that event, and only when asked."""

import pytest

from launch_tui.session import CutShort, LiveSession, read_session, verify_chain
from launch_tui.session.fileformat import parse_session
from launch_tui.session.models import EventKind

from .conftest import health_result


@pytest.fixture
def two_saves(live):
    live.record(health_result())
    before = live.path.read_bytes()
    live.record(health_result(summary="the last event, cut by a crash"))
    live.close()
    return live.path, before, live.path.read_bytes()


def test_every_cut_inside_the_last_event_is_detected(two_saves):
    path, before, full = two_saves
    # +2: a lone blank line is no event yet; -1: a missing final newline is no loss
    for cut in range(len(before) + 2, len(full) - 1):
        loaded = parse_session(full[:cut], path)
        assert len(loaded.events) == 2, cut
        assert loaded.tail is not None and loaded.tail.offset == len(before) and loaded.tail.seq == 3, cut
        assert verify_chain(loaded).intact, cut


def test_a_cut_at_an_event_boundary_loses_nothing(two_saves):
    path, before, full = two_saves
    assert parse_session(before, path).tail is None
    assert len(parse_session(full[:-1], path).events) == 3


def test_resume_refuses_until_the_operator_agrees_then_drops_only_that_event(two_saves):
    path, before, full = two_saves
    path.write_bytes(full[: len(full) - 40])
    cut = path.read_bytes()
    with pytest.raises(CutShort) as caught:
        LiveSession.resume(path, "bob")
    assert "#3" in str(caught.value) and "--drop-cut-short" in str(caught.value)
    assert path.read_bytes() == cut  # refused: untouched
    with LiveSession.resume(path, "bob", drop_cut_short=True) as again:
        kinds = [event.kind for event in again.writer.events]
    assert kinds[-2:] == [EventKind.SESSION_RECOVERED, EventKind.SESSION_RESUMED]
    assert path.read_bytes().startswith(before)
    loaded = read_session(path)
    assert loaded.tail is None and verify_chain(loaded).intact
