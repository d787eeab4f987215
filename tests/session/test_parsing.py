"""The fast paths of reading a session give exactly what the plain ones would: the
compiled TOML parser what tomllib gives, the backward search for the last seal what
matching every seal gives."""

from __future__ import annotations

import tomllib

import pytest

from launch_tui.session import rawfile
from launch_tui.session.fileformat import read_session
from launch_tui.session.rawfile import EVENTS_LINE, SEAL_BLOCK, last_seal_end

from .conftest import health_result
from .scripted import play


def tomllib_events(path) -> list[dict]:
    raw = path.read_bytes()
    return tomllib.loads(raw[EVENTS_LINE.search(raw).start() :].decode())["events"]


@pytest.mark.parametrize("piece", [1, 700, 1 << 30], ids=["an event a piece", "a few a piece", "all at once"])
def test_every_event_kind_parses_as_tomllib_parses_it(tmp_path, target, monkeypatch, piece):
    monkeypatch.setattr(rawfile, "PIECE_CHARS", piece)
    path = play(tmp_path / "sessions", target)  # every event kind, hostile text, a crash, a resume
    assert read_session(path).events_raw == tomllib_events(path)


def test_an_events_line_inside_a_multiline_string_is_not_a_piece_boundary(live, monkeypatch):
    monkeypatch.setattr(rawfile, "PIECE_CHARS", 1)  # a piece boundary at every [[events]] line it finds
    live.record(health_result())
    live.close()
    raw = live.path.read_bytes()
    first = raw.index(b"[[events]]\n", EVENTS_LINE.search(raw).end())  # the second event
    edited = raw[:first] + b'[[events]]\nnote = """\n[[events]]\nkind = "x"\n"""' + raw[first + len(b"[[events]]") :]
    live.path.write_bytes(edited)
    events = read_session(live.path).events_raw
    assert events == tomllib_events(live.path) and events[1]["note"] == '[[events]]\nkind = "x"\n'


def test_the_last_seal_is_found_from_the_end_as_by_matching_them_all(live):
    live.record(health_result())
    live.record(health_result(summary='a summary that quotes "[events.seal]" and\n[events.seal]\nhash = "x"'))
    live.close()
    raw = live.path.read_bytes()
    start = EVENTS_LINE.search(raw).start()
    for cut in range(start, len(raw) + 1):
        prefix = raw[:cut]
        seals = list(SEAL_BLOCK.finditer(prefix, start))
        assert last_seal_end(prefix, start) == (seals[-1].end() if seals else start), cut
