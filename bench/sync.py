"""7. Git sync: a long session (2,000 events) appended to steadily on the event loop,
as the wizard does, while it is committed and pushed to a bare repository every 20
events; the event loop's longest stall meanwhile, beside the same run without a remote."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import Figure, Report, median
from launch_tui.launch.live import LiveLaunch
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, NewEvent
from launch_tui.sync import opening, worker
from launch_tui.target import target_from_dict

PRELOADED = 2000
APPENDED = 200
TICK = 0.005
TARGET = {
    "environment": "production",
    "api_url": "https://api.example.com",
    "team_mode": "solo",
    "customer": {"name": "Acme Freight", "tenant_slug": "acme-freight"},
}


def note(live: LiveSession, text: str) -> NewEvent:
    return NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note=text)


async def one_run(folder: Path, synced: bool) -> tuple[float, int]:
    """(longest stall in seconds, pushes made)."""
    sessions = folder / "sessions"
    if synced:
        bare = str(folder / "remote.git")
        subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=main", bare], check=True)
        subprocess.run(["git", "clone", "--quiet", str(folder / "remote.git"), str(sessions)], check=True)
    live = LiveSession.create(target_from_dict(TARGET), "bench", sessions, "bench")
    for index in range(PRELOADED):
        live.record(note(live, f"earlier note {index} " + "x" * 200))
    launch = LiveLaunch(live, Secrets({}))
    gc.freeze()  # as the wizard does before its event loop starts (tui/run.py run_app)
    sync = None
    if synced:
        shared = await opening.connect(sessions, "bench")
        assert shared is not None
        await opening.claim(shared, "bench")
        sync = opening.attach(shared, launch)
        await sync.sync_now()
    lags: list[float] = []
    stop = asyncio.Event()

    async def watch() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            lags.append(time.perf_counter() - before - TICK)

    watcher = asyncio.create_task(watch())
    loop_task = asyncio.create_task(sync.run()) if sync else None
    for index in range(APPENDED):
        launch.record(note(live, f"note {index}"))
        await asyncio.sleep(0.01)
    if sync:
        await sync.sync_now()
    stop.set()
    await watcher
    pushes = 0
    if loop_task:
        loop_task.cancel()
        pushes = int(
            subprocess.run(
                ["git", "--git-dir", str(folder / "remote.git"), "rev-list", "--count", "main"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        assert sync is not None and sync.unsynced == 0
    live.close()
    gc.unfreeze()  # each run starts as the last did
    return max(lags), pushes


def run(report: Report, runs: int) -> None:
    print("7. Git sync", flush=True)
    worker.EVERY_EVENTS = 20
    stalls, plain, pushes = [], [], 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="launch-bench-") as folder:
            stall, pushes = asyncio.run(one_run(Path(folder), True))
            stalls.append(stall * 1000)
        with tempfile.TemporaryDirectory(prefix="launch-bench-") as folder:
            plain.append(asyncio.run(one_run(Path(folder), False))[0] * 1000)
    figure = "longest event-loop stall while syncing a session to a git remote"
    report.add(
        Figure(
            "Git sync",
            figure,
            median(stalls),
            "ms",
            "≤ 50 ms",
            median(stalls) <= 50,
            f"median of per-run maxima; worst {max(stalls):.0f} ms; {PRELOADED + APPENDED} events, "
            f"{pushes} commits on the remote per run; the same run without a remote: {median(plain):.1f} ms",
        )
    )
