"""What a running wizard uses: commits and pushes its session at each checkpoint and
every N events or M seconds, in the background, and says how that went in one line.

Everything here runs on the event loop as coroutines; git runs as asyncio
subprocesses and the long comparisons in threads, so the screen never waits. The
snapshot of the session file is read on the loop thread, where every append happens,
so it always ends at a whole event."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from launch_tui.errors import LaunchError
from launch_tui.files import ensure_private_dir
from launch_tui.launch.checkpoints import Checkpoint
from launch_tui.safe_text import shown as safe
from launch_tui.session.models import Event
from launch_tui.sync.git import GitFailed, Unreachable
from launch_tui.sync.remote import Forked, SessionClaimed, SessionRemote
from launch_tui.timefmt import utcnow

if TYPE_CHECKING:
    from launch_tui.launch.live import LiveLaunch
    from launch_tui.session.live import LiveSession

EVERY_EVENTS = int(os.environ.get("LAUNCH_SYNC_EVERY_EVENTS") or 20)
EVERY_SECONDS = float(os.environ.get("LAUNCH_SYNC_EVERY_SECONDS") or 60)
QUIT_WAIT = 20.0  # quitting waits this long for the last push, then leaves it for next time


class SyncState(StrEnum):
    PENDING = "pending"
    SYNCED = "synced"
    OFFLINE = "offline"
    FAILED = "failed"
    STOPPED = "stopped"  # forked, or the claim was taken over: nothing more is written


def clock() -> str:
    return utcnow().strftime("%H:%M") + "Z"


class SessionSync:
    def __init__(self, remote: SessionRemote, live: LiveSession, *, online: bool) -> None:
        self.remote = remote
        self.live = live
        self.session_id = live.path.stem
        self.state = SyncState.PENDING if online else SyncState.OFFLINE
        self.synced_at: str | None = None
        self.offline_since: str | None = None if online else clock()
        self.problem = ""
        self.stop_reason: LaunchError | None = None
        self.pushed_events = 0
        self.on_change: Callable[[], None] = lambda: None
        self.on_stop: Callable[[LaunchError], None] = lambda _exc: None
        self._lock = asyncio.Lock()
        self._wake: asyncio.Event | None = None

    # -- wiring ------------------------------------------------------------------

    def attach(self, launch: LiveLaunch) -> None:
        launch.subscribe(self._on_event)
        launch.checkpoints.register("git sync", self.at_checkpoint)

    def _on_event(self, _event: Event) -> None:
        if self.unsynced >= EVERY_EVENTS and self._wake is not None:
            self._wake.set()

    def at_checkpoint(self, checkpoint: Checkpoint) -> asyncio.Future[None] | None:
        if checkpoint is Checkpoint.QUIT:
            return asyncio.ensure_future(self.finish())
        return asyncio.ensure_future(self.sync_now())

    @property
    def unsynced(self) -> int:
        return len(self.live.writer.events) - self.pushed_events

    @property
    def line(self) -> str:
        """The top bar's one line."""
        if self.state is SyncState.SYNCED:
            return f"synced {self.synced_at}" + (f" · {self.unsynced} new" if self.unsynced else "")
        if self.state is SyncState.OFFLINE:
            since = f" since {self.synced_at}" if self.synced_at else ""
            return f"not synced{since} (remote unreachable from {self.offline_since}; retrying)"
        if self.state is SyncState.FAILED:
            return f"not synced: {self.problem}"
        if self.state is SyncState.STOPPED:
            return f"STOPPED, not written further: {self.problem}"
        return "syncing…"

    # -- syncing ----------------------------------------------------------------------

    async def run(self) -> None:
        """The background loop: a sync when asked (N events) or every M seconds."""
        self._wake = asyncio.Event()
        await self.sync_now()
        while self.state is not SyncState.STOPPED:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), EVERY_SECONDS)
            self._wake.clear()
            if self.unsynced or self.state is not SyncState.SYNCED:
                await self.sync_now()

    async def sync_now(self) -> None:
        if self.state is SyncState.STOPPED:
            return
        async with self._lock:
            count = len(self.live.writer.events)
            snapshot = self.live.path.read_bytes()  # on the loop thread: whole events only
            try:
                await self.remote.fetch()  # decide on the remote's state now, not as of the last sync
                await self.remote.push(self.session_id, snapshot)
            except (Forked, SessionClaimed) as exc:
                self._stop(exc)
                return
            except Unreachable as exc:
                self.state = SyncState.OFFLINE
                self.offline_since = self.offline_since or clock()
                self.problem = str(exc)
            except GitFailed as exc:
                self.state, self.problem = SyncState.FAILED, safe(str(exc))
            else:
                self.state, self.synced_at, self.offline_since = SyncState.SYNCED, clock(), None
                self.pushed_events = count
            finally:
                self.on_change()

    async def finish(self) -> None:
        """At quit: a last push, then the claim is released, but only once everything
        is on the remote (else another machine could resume without our last events)."""
        try:
            await asyncio.wait_for(self.sync_now(), QUIT_WAIT)
        except TimeoutError:
            return
        if self.state is SyncState.SYNCED and not self.unsynced:
            with contextlib.suppress(TimeoutError, GitFailed):
                await asyncio.wait_for(self.remote.release(self.session_id), QUIT_WAIT)

    def _stop(self, exc: LaunchError) -> None:
        self.state, self.problem, self.stop_reason = SyncState.STOPPED, safe(str(exc)), exc
        self.live.blocked = str(exc)
        self.on_stop(exc)

    # -- after a fork: the operator's choice --------------------------------------------------

    async def keep_remote(self) -> Path:
        """Set this machine's copy aside (forks/, never synced) and take the remote's.
        Returns where our copy went, to replay its tail for review."""
        name = f"{self.session_id}.toml"
        tip = await self.remote.remote_tip()
        theirs = await self.remote.git.blob(f"{tip}:{name}") if tip else None
        if theirs is None:
            raise GitFailed(f"the remote has no {name} to keep")
        forks = self.live.path.parent / "forks"
        ensure_private_dir(forks)
        kept = forks / f"{self.session_id}.{socket.gethostname()}.{utcnow().strftime('%Y%m%d-%H%M%S')}.toml"
        self.live.close()
        os.rename(self.live.path, kept)
        await self.remote.update_working_copy()
        await self.remote.release(self.session_id)
        return kept
