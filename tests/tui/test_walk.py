"""Issue 14: a demo reaches launch complete in at most 60 command keys, by keys alone
(bench/walk.py: the same walk `make bench` reports). A count of keys, not a time."""

from __future__ import annotations

from bench.walk import TARGET_KEYS, measure


async def test_a_demo_walk_reaches_launch_complete_within_the_key_budget(tmp_path):
    result = await measure(tmp_path / "sessions", job_seconds=0.2)
    assert result.complete, result.missing
    assert result.commands <= TARGET_KEYS, " ".join(result.log)
    assert result.typed > 0  # the answers are counted apart from the command keys
