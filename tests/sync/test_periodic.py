"""The background loop pushes every N events and, with fewer, every M seconds."""

from __future__ import annotations

import asyncio

from launch_tui.sync import worker
from launch_tui.sync.worker import SyncState

from .gitworld import Machine, bare_remote, clone, remote_copy


async def until(condition) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


def started(tmp_path):
    remote = bare_remote(tmp_path / "remote.git")
    alice = Machine(clone(remote, tmp_path / "a"), "alice")
    alice.start("acme-launch")
    return remote, alice


async def test_every_n_events_wakes_the_loop(tmp_path, monkeypatch):
    monkeypatch.setattr(worker, "EVERY_EVENTS", 3)
    monkeypatch.setattr(worker, "EVERY_SECONDS", 3600)  # never by time, in this test
    remote, alice = await asyncio.to_thread(started, tmp_path)
    loop = asyncio.create_task(alice.sync.run())
    try:
        await until(lambda: alice.sync.state is SyncState.SYNCED)
        for number in range(3):
            alice.note(f"note {number}")
        await until(lambda: alice.sync.unsynced == 0)
        assert b"note 2" in remote_copy(remote, "acme-launch.toml")
    finally:
        loop.cancel()
        alice.launch.close()


async def test_fewer_events_are_pushed_after_m_seconds(tmp_path, monkeypatch):
    monkeypatch.setattr(worker, "EVERY_EVENTS", 1000)
    monkeypatch.setattr(worker, "EVERY_SECONDS", 0.05)
    remote, alice = await asyncio.to_thread(started, tmp_path)
    loop = asyncio.create_task(alice.sync.run())
    try:
        await until(lambda: alice.sync.state is SyncState.SYNCED)
        alice.note("a lone note")
        await until(lambda: alice.sync.unsynced == 0)
        assert b"a lone note" in remote_copy(remote, "acme-launch.toml")
    finally:
        loop.cancel()
        alice.launch.close()
