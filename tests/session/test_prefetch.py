"""Replay's second process (launch_tui.session.prefetch) gives exactly what reading the
file here gives: the same session, or the same one-line refusal, from the same bytes.

Each case runs in a fresh interpreter, as `launch-tui replay` does, and spawns the
real child from there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from launch_tui.session import prefetch
from launch_tui.session.rawfile import EVENTS_LINE

from .scripted import play

ROOT = Path(__file__).resolve().parents[2]

# Prints whether the child's events were used, and whether the outcome equals read_session's.
COMPARE = """
import json, sys
from pathlib import Path
from launch_tui.session import prefetch, read_session, SessionUnreadable
path = Path(sys.argv[1])
if sys.argv[2:] != ["as-shipped"]:
    prefetch.FROM_BYTES = 0  # the scripted sessions are small: a child for them too
def outcome(read):
    try:
        return read().usable()  # a malformed event: the line the user is given
    except SessionUnreadable as exc:
        return str(exc)
early = prefetch.start(path)
got = outcome(early.session if early else lambda: read_session(path))
here = outcome(lambda: read_session(path))
print(json.dumps({
    "spawned": early is not None,
    "from_child": bool(early and early.from_child),
    "same": got == here or repr(got) == repr(here),  # (NaN is not equal to itself)
    "refused": isinstance(got, str) and got,
}))
"""

pytestmark = pytest.mark.skipif(
    not hasattr(os, "memfd_create") or len(os.sched_getaffinity(0)) < 2,
    reason="prefetch needs posix_spawn, memfd, 2 cores",
)


def compare(path: Path, *args: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", COMPARE, str(path), *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def played(tmp_path, target) -> Path:
    return play(tmp_path / "sessions", target)  # every event kind, hostile text, a crash, a resume


def test_the_childs_events_make_the_same_session(played):
    assert compare(played) == {"spawned": True, "from_child": True, "same": True, "refused": False}


def test_crlf_and_a_cut_short_tail_read_the_same(played):
    played.write_bytes(played.read_bytes().replace(b"\n", b"\r\n") + b'[[events]]\r\nseq = 99\r\nat = "2026')
    assert compare(played) == {"spawned": True, "from_child": True, "same": True, "refused": False}


def damaged(path: Path, replacement: bytes) -> Path:
    """The last event's body swapped for `replacement` (sealed events stay sealed)."""
    raw = path.read_bytes()
    last = list(EVENTS_LINE.finditer(raw))[-1].end()
    seal = raw.index(b"[events.seal]", last)
    path.write_bytes(raw[:last] + b"\n" + replacement + b"\n\n" + raw[seal:])
    return path


@pytest.mark.parametrize(
    ("body", "refusal"),
    [
        (b"seq = = 3", "is not valid TOML"),  # the child finds damage: read here, named here
        (b"seq = 3\ndeep = " + b"[" * 70 + b"]" * 70, "nest deeper than 64 levels"),  # never parsed
        (b"seq = 3\nat = 2026-11-30T10:00:00Z", "invalid"),  # a datetime: JSON cannot carry it
        (b'seq = "third"', "invalid"),  # JSON the child made, refused by validation: named here
    ],
    ids=["bad TOML", "too deep", "a TOML datetime", "an invalid event"],
)
def test_what_the_child_cannot_hand_back_is_judged_here_as_before(played, body, refusal):
    result = compare(damaged(played, body))
    assert result["spawned"] and not result["from_child"] and result["same"]
    assert refusal in str(result["refused"]), result


@pytest.mark.parametrize(
    ("old", "new", "refusal"),
    [
        (b'at = "20', b'at = "yesterday" # ', "at: not a UTC time"),
        (b'kind = "', b'kind = "note.added" # "', "names no item"),
        (b"\n[events.data]\n", b"\n[events.data]\npartial = 'yes'\n", "data.partial: not true or false"),
    ],
    ids=["a time that is not one", "no item", "data of the wrong type"],
)
def test_a_malformed_event_is_refused_by_the_child_and_named_here(played, old, new, refusal):
    """Valid TOML and valid JSON, but what launch-tui never writes: the child hands nothing
    back for it (it checks the shape so that this process need not), and reading here names it."""
    raw = played.read_bytes()
    last = list(EVENTS_LINE.finditer(raw))[-1].end()
    where = raw.index(old, last)
    played.write_bytes(raw[:where] + new + raw[where + len(old) :])
    result = compare(played)
    assert result["spawned"] and not result["from_child"] and result["same"], result
    assert refusal in str(result["refused"]), result


def test_a_small_file_is_read_in_this_process(played):
    assert compare(played, "as-shipped") == {"spawned": False, "from_child": False, "same": True, "refused": False}


@pytest.mark.parametrize("value", [b"inf", b"-inf", b"nan", b"1979-05-27T07:32:00Z", b"07:32:00"])
def test_a_value_json_cannot_carry_is_kept_as_toml_read_it(played, value):
    """Allowed in an event's data, and not JSON: read here, never turned into null or a string."""
    raw = played.read_bytes()
    data = raw.rindex(b"\n[events.data]\n") + len(b"\n[events.data]\n")  # the last event's: a report's format
    played.write_bytes(raw[:data] + b"odd = " + value + b"\n" + raw[data:])
    result = compare(played)
    assert result == {"spawned": True, "from_child": False, "same": True, "refused": False}, result


def test_the_child_is_given_no_credential(monkeypatch):
    monkeypatch.setenv("LAUNCH_ADMIN_TOKEN", "tok-not-for-the-child")
    monkeypatch.setenv("PYTHONPATH", "/where/launch_tui/is")
    given = prefetch._child_environment()
    assert "LAUNCH_ADMIN_TOKEN" not in given and given["PYTHONPATH"] == "/where/launch_tui/is"


def test_the_events_dicts_are_built_on_first_use_from_any_thread():
    """JSONEvents, the dicts the hash chain reads: built when first asked for (the verify's
    thread, or the loop), the same for every thread that asks, and equal to a list of them."""
    import threading

    from launch_tui.session.fileformat import JSONEvents

    events = JSONEvents(b'[{"seq":1},{"seq":2}]')
    seen: list[int] = []
    threads = [threading.Thread(target=lambda: seen.append(len(events))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [2] * 8 and events == [{"seq": 1}, {"seq": 2}] and events[1] == {"seq": 2}
