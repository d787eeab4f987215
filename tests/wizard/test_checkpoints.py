"""Checkpoints: hooks run at each, a failing hook neither stops the others nor the
wizard, and the wizard reaches REPORT and COMPLETE by itself."""

from __future__ import annotations

import asyncio

from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, NewEvent
from launch_tui.wizard.checkpoints import Checkpoint, Checkpoints
from launch_tui.wizard.wizard import Wizard

from ..conftest import make_target


def test_hooks_run_in_order_async_ones_are_awaited_and_a_failure_is_reported():
    seen: list[str] = []
    errors: list[tuple[Checkpoint, str]] = []
    points = Checkpoints()
    points.on_error = lambda checkpoint, exc: errors.append((checkpoint, str(exc)))

    async def slow(checkpoint: Checkpoint) -> None:
        await asyncio.sleep(0)
        seen.append(f"slow {checkpoint}")

    def broken(_checkpoint: Checkpoint) -> None:
        raise RuntimeError("no signing key")

    points.register(lambda checkpoint: seen.append(f"quick {checkpoint}"))
    points.register(broken)
    points.register(slow)
    asyncio.run(points.reach(Checkpoint.QUIT))
    points.fire(Checkpoint.PAUSE)  # no loop running: right here
    assert seen == ["quick quit", "slow quit", "quick pause", "slow pause"]
    assert errors == [(Checkpoint.QUIT, "no signing key"), (Checkpoint.PAUSE, "no signing key")]


def test_the_wizard_reaches_report_when_a_report_is_exported(tmp_path):
    reached: list[Checkpoint] = []
    with LiveSession.create(make_target(), "alice", tmp_path) as live:
        wizard = Wizard(live, Secrets({}))
        wizard.checkpoints.register(reached.append)
        wizard.add_note("infra.health", "a note is no checkpoint")
        wizard.record(NewEvent(kind=EventKind.REPORT_EXPORTED, data={"path": "r.md", "covers_hash": "x"}))
    assert reached == [Checkpoint.REPORT]


def test_fire_in_a_running_loop_runs_as_a_task():
    seen: list[Checkpoint] = []
    points = Checkpoints()
    points.register(seen.append)

    async def main() -> None:
        points.fire(Checkpoint.COMPLETE)
        assert seen == []  # not yet: a task
        await asyncio.sleep(0)
        await asyncio.sleep(0)

    asyncio.run(main())
    assert seen == [Checkpoint.COMPLETE]
