"""The fast paths of reading a session give exactly what the plain ones would: the
compiled TOML parser what tomllib gives, the backward search for the last seal what
matching every seal gives."""

from __future__ import annotations

import tomllib

from launch_tui.session.fileformat import EVENTS_LINE, SEAL_BLOCK, _last_seal_end, read_session

from .conftest import health_result
from .scripted import play


def test_every_event_kind_parses_as_tomllib_parses_it(tmp_path, target):
    path = play(tmp_path / "sessions", target)  # every event kind, hostile text, a crash, a resume
    raw = path.read_bytes()
    events = raw[EVENTS_LINE.search(raw).start():].decode()
    assert read_session(path).events_raw == tomllib.loads(events)["events"]


def test_the_last_seal_is_found_from_the_end_as_by_matching_them_all(live):
    live.record(health_result())
    live.record(health_result(summary='a summary that quotes "[events.seal]" and\n[events.seal]\nhash = "x"'))
    live.close()
    raw = live.path.read_bytes()
    start = EVENTS_LINE.search(raw).start()
    for cut in range(start, len(raw) + 1):
        prefix = raw[:cut]
        seals = list(SEAL_BLOCK.finditer(prefix, start))
        assert _last_seal_end(prefix, start) == (seals[-1].end() if seals else start), cut
