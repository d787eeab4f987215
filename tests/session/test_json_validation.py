"""Replay validates the events a second process hands back as JSON (lax JSON mode); a
file read here is validated from TOML's values (lax Python mode). Whatever the JSON path
accepts must be exactly what the Python path makes of the same values, or a replay would
show a session other than the one `verify` and `report` read. What the JSON path refuses
is read again here, so refusing more is only slower.

The values are what TOML can hold and JSON can carry (the child refuses the rest: a
datetime, infinity, NaN), in the places of an event, right and wrong."""

from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from launch_tui.session.fileformat import _events_adapter

# Strings that lax validation may read as another type: numbers, booleans, enum values.
TRICKY = st.sampled_from(
    [
        "",
        "0",
        "1",
        "3",
        "3.0",
        "1e3",
        "-1",
        "true",
        "false",
        "yes",
        "off",
        "null",
        "pass",
        "note.added",
        "sha256:00",
        "2026-11-30T10:00:00Z",
        " 7 ",
        "0x1f",
        "1_000",
    ]
)
SCALAR = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(max_size=8),
    TRICKY,
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


def field(right: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly right, so that whole events often validate; one time in six, anything."""
    return st.sampled_from([right] * 5 + [VALUE]).flatmap(lambda chosen: chosen)


EVIDENCE = st.fixed_dictionaries(
    {"method": field(st.just("GET")), "url": field(st.just("https://x.example/")), "at": field(TRICKY)},
    optional={
        "status_code": field(st.integers(0, 600)),
        "duration_ms": field(st.integers(0, 9)),
        "excerpt": field(TRICKY),
        "extra": VALUE,
    },
)
EVENT = st.fixed_dictionaries(
    {
        "seq": field(st.integers(1, 10**6)),
        "at": field(st.just("2026-11-30T10:00:00Z")),
        "actor": field(st.text(max_size=5)),
        "kind": field(st.sampled_from(["note.added", "check.result", "session.resumed"])),
        "prev": field(st.just("sha256:00")),
        "seal": field(st.fixed_dictionaries({"hash": field(st.just("sha256:11"))})),
    },
    optional={
        "item": field(st.just("infra.health")),
        "status": field(st.sampled_from(["pass", "fail", "confirmed"])),
        "summary": field(TRICKY),
        "note": field(st.text(max_size=5)),
        "duration_ms": field(st.integers(0, 10**5)),
        "critical": field(st.booleans()),
        "evidence": field(st.lists(field(EVIDENCE), max_size=2)),
        "data": field(st.dictionaries(st.text(max_size=4), VALUE, max_size=3)),
    },
)


def validated(how, value):
    try:
        return repr(how(value))  # repr: 1 and 1.0, True and 1 are equal, and must stay apart
    except ValidationError:
        return None


@settings(max_examples=600, deadline=None)
@given(st.lists(EVENT, min_size=1, max_size=2))
def test_what_json_validation_accepts_is_what_python_validation_makes(events):
    adapter = _events_adapter()
    as_json = json.dumps(events, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
    from_json = validated(adapter.validate_json, as_json)
    if from_json is not None:
        assert from_json == validated(adapter.validate_python, events)
