"""Checkpoints: hooks run in order at each, plain and async ones alike; a failing hook
neither stops the others nor the wizard (its failure is a notice); the wizard reaches
COMPLETE by itself when recording an event completes the launch."""

from __future__ import annotations

import asyncio

from launch_tui.launch.checkpoints import Checkpoint, Checkpoints


def test_hooks_run_in_order_async_ones_are_awaited_and_a_failure_is_a_notice():
    seen: list[str] = []
    points = Checkpoints()

    async def slow(checkpoint: Checkpoint) -> str:
        await asyncio.sleep(0)
        seen.append(f"slow {checkpoint}")
        return f"synced at {checkpoint}"

    def broken(_checkpoint: Checkpoint) -> None:
        raise RuntimeError("no signing key")

    def quick(checkpoint: Checkpoint) -> None:
        seen.append(f"quick {checkpoint}")

    points.register("quick", quick)
    points.register("signing", broken)
    points.register("git sync", slow)
    quit_notices = asyncio.run(points.reach(Checkpoint.QUIT))
    pause_notices = asyncio.run(points.reach(Checkpoint.PAUSE))
    assert seen == ["quick quit", "slow quit", "quick pause", "slow pause"]
    assert quit_notices == ["signing at quit: no signing key", "synced at quit"]
    assert pause_notices == ["signing at pause: no signing key", "synced at pause"]


def test_a_blocking_hook_runs_in_a_thread_and_its_notice_is_kept():
    points = Checkpoints()
    points.register_blocking("copy", lambda checkpoint: f"copied at {checkpoint}")
    assert asyncio.run(points.reach(Checkpoint.REPORT)) == ["copied at report"]
