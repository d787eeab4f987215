"""Opening a session in a shared sessions folder: fetch first, bring the working copy
up to date, claim the session on the remote, then the ordinary `LiveSession` path
(the same checks as any resume: lock, hash chain, and whatever else resume checks
before a credential is sent). A fetched session is untrusted input like any other.

The `*_now` functions are for the CLI, before any event loop runs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from launch_tui.session.models import EventKind, NewEvent
from launch_tui.sync.claims import Claim
from launch_tui.sync.git import Unreachable
from launch_tui.sync.remote import SessionRemote, is_shared
from launch_tui.sync.worker import SessionSync

if TYPE_CHECKING:
    from launch_tui.launch.live import LiveLaunch


@dataclass
class Shared:
    remote: SessionRemote
    online: bool
    problem: str = ""
    fetched: tuple[str, ...] = ()


async def connect(folder: Path, operator: str) -> Shared | None:
    """None when the folder is not shared; offline is not an error (work goes on locally)."""
    if not is_shared(folder):
        return None
    remote = SessionRemote(folder, operator)
    await remote.setup()
    try:
        await remote.fetch()
    except Unreachable as exc:
        return Shared(remote, online=False, problem=str(exc))
    return Shared(remote, online=True, fetched=tuple(await remote.update_working_copy()))


async def claim(shared: Shared, session_id: str, *, take_over: bool = False) -> Claim | None:
    """Claim before a single event is written; returns the claim taken over, if any."""
    return await shared.remote.claim(session_id, take_over=take_over, online=shared.online)


def attach(shared: Shared, launch: LiveLaunch, taken_over: Claim | None = None) -> SessionSync:
    if taken_over is not None:  # recorded first: the next push carries it
        launch.record(
            NewEvent(
                kind=EventKind.SESSION_TAKEN_OVER,
                summary=f"took over from {taken_over.who}",
                data={
                    "operator": taken_over.operator,
                    "host": taken_over.host,
                    "since": taken_over.since,
                    "last_synced": taken_over.seen,
                },
            )
        )
    sync = SessionSync(shared.remote, launch.live, online=shared.online)
    launch.sync = sync
    sync.attach(launch)
    return sync


def connect_now(folder: Path, operator: str) -> Shared | None:
    return asyncio.run(connect(folder, operator))


def claim_now(shared: Shared, session_id: str, *, take_over: bool = False) -> Claim | None:
    return asyncio.run(claim(shared, session_id, take_over=take_over))


def release_now(shared: Shared, session_id: str) -> None:
    if shared.online:
        asyncio.run(shared.remote.release(session_id))
