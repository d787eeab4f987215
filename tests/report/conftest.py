from __future__ import annotations

import pytest

from launch_tui.report.decision import build_record
from launch_tui.session import open_read_only
from launch_tui.timefmt import parse_iso
from tests.session.scripted import REPORT_TIME, fixed_clock, play  # noqa: F401  (fixed_clock is a fixture)


@pytest.fixture
def scripted(tmp_path, target, fixed_clock):  # noqa: F811 - the fixture imported above, requested by name
    """The scripted session's file, byte-for-byte the same on every run."""
    return play(tmp_path / "sessions", target)


def record_of(path):
    return build_record(open_read_only(path), parse_iso(REPORT_TIME))
