"""Run by the responsiveness benchmark on a pseudo-terminal: the wizard on a new session
against the sandbox (target file and credentials from the environment), opened on one
section. A task on the app's event loop asks to wake every TICK seconds and records how
late it wakes: a late wake-up is a stall, time the loop could not answer a key or paint.
The benchmark types `a` (run the whole section); when the sweep is over and its results
are drawn, this writes what it saw as JSON and exits.

    python bench/tui_sweep.py SECTION TARGET SESSIONS_DIR OUT_JSON

To find where stalls come from: `BENCH_STALL_STACKS=FILE python -m bench --only
responsiveness`. A watchdog thread then samples the main thread's stack whenever the
loop has not woken for 15 ms (BENCH_STALL_FROM_MS), and writes the time per function and the commonest stacks
of the last sweep to FILE. (C code that holds the interpreter lock, such as a garbage
collection, cannot be sampled: it shows as stalls no stack explains.)
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import sys
import threading
import time
import traceback
from pathlib import Path

from launch_tui.commands.tui import run_app
from launch_tui.launch.live import LiveLaunch
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, NewEvent
from launch_tui.target import load_target
from launch_tui.tui.app import LaunchApp

TICK = 0.005
AFTER = 0.3  # keep measuring this long after the last result: its redraw counts too


class SweepApp(LaunchApp):
    """LaunchApp, watching its own event loop from the start and noting when the
    operator's `a` arrived."""

    CSS_PATH = str(Path(sys.modules[LaunchApp.__module__].__file__).with_name(LaunchApp.CSS_PATH))
    pressed: float | None = None

    def __init__(self, launch: LiveLaunch) -> None:
        super().__init__(launch)
        self.samples: list[tuple[float, float]] = []  # (when, how late the loop woke)
        self.marks: dict[str, float] = {}

    def on_mount(self) -> None:  # LaunchApp.on_mount runs too: Textual calls each class's handler
        self._watcher = asyncio.ensure_future(watch(self, self.samples, self.marks))

    def start_section(self, section_id: str) -> None:
        if self.pressed is None:
            self.pressed = self.marks["pressed"] = time.perf_counter()
        super().start_section(section_id)


def sweeping(app: LaunchApp) -> bool:
    return bool(app.running) or any(w.group == "checks" and not w.is_finished for w in app.workers)


async def watch(app: SweepApp, samples: list[tuple[float, float]], marks: dict[str, float]) -> None:
    while True:
        before = time.perf_counter()
        await asyncio.sleep(TICK)
        after = time.perf_counter()
        samples.append((after, after - before - TICK))
        marks["tick"] = after
        if app.pressed is None:
            continue
        if "done" not in marks and not sweeping(app) and after - app.pressed > 0.05:
            marks["done"] = after
        if "done" in marks and after - marks["done"] >= AFTER:
            app.exit(0)
            return


class StallStacks(threading.Thread):
    """Samples the main thread's stack while the event loop is stalled (diagnosis only)."""

    EVERY = 0.002

    def __init__(self, marks: dict[str, float]) -> None:
        super().__init__(daemon=True)
        self.marks = marks
        self.main = threading.main_thread().ident
        self.samples: list[list[str]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.EVERY):
            tick = self.marks.get("tick")
            if (
                tick is None
                or time.perf_counter() - tick < float(os.environ.get("BENCH_STALL_FROM_MS", "15")) / 1000
                or "pressed" not in self.marks
                or "done" in self.marks
            ):
                continue
            frame = sys._current_frames().get(self.main)
            if frame is not None:
                self.samples.append(
                    [
                        f"{f.filename.split('site-packages/')[-1].split('/work/')[-1]}:{f.lineno} {f.name}"
                        for f in traceback.extract_stack(frame)
                    ]
                )

    def write(self, path: str) -> None:
        """Inclusive time per function (the sampled stalls it was on the stack for), then the commonest stacks."""
        per_function: collections.Counter[str] = collections.Counter()
        for stack in self.samples:
            for name in set(entry.split(":", 1)[0] + " " + entry.rsplit(" ", 1)[1] for entry in stack):
                per_function[name] += 1
        stacks = collections.Counter("".join(f"  {entry}\n" for entry in stack[-12:]) for stack in self.samples)
        ms = self.EVERY * 1000
        with open(path, "w") as handle:
            handle.write(f"{len(self.samples) * ms:.0f} ms of stalls sampled\n\nper function, inclusive:\n")
            for name, count in per_function.most_common(60):
                handle.write(f"  {count * ms:6.0f} ms  {name}\n")
            for stack, count in stacks.most_common(20):
                handle.write(f"\n{count * ms:.0f} ms in:\n{stack}")


def main(section: str, target_path: str, folder: str, out: str) -> None:
    live = LiveSession.create(load_target(target_path), "bench", Path(folder))
    if section != "infra":
        live.record(NewEvent(kind=EventKind.SECTION_ENTERED, data={"section": section}))
    app = SweepApp(LiveLaunch(live, Secrets.from_env()))
    stacks = StallStacks(app.marks) if os.environ.get("BENCH_STALL_STACKS") else None
    if stacks:
        stacks.start()
    try:
        run_app(app)  # as `launch-tui new` and `resume` run it
    finally:
        if stacks:
            stacks.stop.set()
            stacks.write(os.environ["BENCH_STALL_STACKS"])
    pressed, done = app.pressed, app.marks.get("done")
    end = (done or 0) + AFTER  # then the app exits: leaving application mode is not a stall
    window = [lag for at, lag in app.samples if pressed is not None and pressed < at <= end]
    state = app.launch.state
    items = [item.id for item in app.launch.checklist.section(section).items]
    Path(out).write_text(
        json.dumps(
            {
                "section": section,
                "lags": window,
                "sweep_s": (done - pressed) if pressed and done else None,
                "statuses": {item: state.item(item).status.value for item in items},
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:5])
