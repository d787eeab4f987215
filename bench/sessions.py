"""4. Sessions: the cost of saving at event 10 and at event 10,000, of loading and
folding 10,000 events, of opening a 10,000-event session on screen, and its memory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import (
    LAUNCH_TUI,
    PYTHON,
    ROOT,
    Figure,
    PtyProgram,
    Report,
    bench_env,
    first_frame,
    median,
    spread,
)
from bench.fixtures import CUSTOMER, DUMMY_SECRETS, check_event, write_session
from launch_tui.checklist import load_checklist
from launch_tui.session import LiveSession, fold, read_session, verify_chain

BIG = 10_000
SMALL = 10
APPENDS = 20  # timed appends per run
HOME_MARKER = "launch-tui"


def append_times(path: Path, count: int, first_n: int) -> list[float]:
    """Open the session as the wizard does and time `count` recorded events (append, fsync, fold)."""
    live = LiveSession.resume(path, "bench")
    try:
        times = []
        for n in range(count):
            event = check_event(first_n + n)
            started = time.perf_counter()
            live.record(event)
            times.append(time.perf_counter() - started)
        return times
    finally:
        live.close()


def load_and_fold(path: Path) -> tuple[float, float]:
    """Seconds to read and fold the session; then seconds to verify its hash chain."""
    started = time.perf_counter()
    session = read_session(path)
    fold(session.header, load_checklist(), session.events)
    loaded = time.perf_counter()
    verify_chain(session)
    return loaded - started, time.perf_counter() - loaded


def load_and_fold_apart(path: Path, runs: int) -> tuple[list[float], list[float]]:
    """`load_and_fold` `runs` times after one warm-up, in a Python process of its own, as
    resume, replay and report each read a session in a process of their own. In the bench
    process the same loads took 275-358 ms or 199 ms by which areas had run before
    (their heap, threads and frozen objects), on one quiet machine."""
    done = subprocess.run(
        [PYTHON, "-m", "bench.sessions", str(path), str(runs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load and fold failed: {done.stderr.strip()[-500:]}")
    result = json.loads(done.stdout)
    return result["loads"], result["verifies"]


def open_on_screen(session: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds from launch to the first frame that shows the session, the peak memory of
    the process, and how it was opened: `launch-tui replay`, or where replay is not built,
    `launch-tui resume` (the wizard, which reads, verifies and folds the file the same way)."""
    for argv, how in (
        ([LAUNCH_TUI, "replay"], "replay"),
        ([LAUNCH_TUI, "resume", "--operator", "bench"], "resume (`replay` is not built)"),
    ):
        program = PtyProgram([*argv, str(session)], env=env)
        try:
            took = program.wait_for(CUSTOMER, timeout=120)
            program.drain(1.0)  # what it does just after the first frame counts for memory
        except RuntimeError:
            if "not built yet" in program.tail.decode(errors="replace"):
                continue
            raise
        finally:
            program.stop()
        return took, program.max_rss_mb or 0.0, how
    raise RuntimeError("neither replay nor resume showed the session")


def run(report: Report, runs: int) -> None:
    print("4. Sessions", flush=True)
    with tempfile.TemporaryDirectory(prefix="launch-bench-", dir=None) as folder:
        work = Path(folder)
        print(f"  writing a {BIG:,}-event session...", flush=True)
        small = write_session(work / "small", SMALL)
        big = write_session(work / "big", BIG)
        empty = write_session(work / "empty", 1)
        report.note(
            f"the {BIG:,}-event session file is {big.stat().st_size / 2**20:.1f} MiB "
            f"(sections 1 and 2 swept again and again: results with evidence, notes, confirmations)"
        )

        # Saving: the same event appended at event 10 and at event 10,000.
        small_runs, big_runs = [], []
        big_copy = work / "append-big" / big.name
        big_copy.parent.mkdir()
        shutil.copy(big, big_copy)
        for index in range(runs):
            small_copy = work / f"append-small-{index}" / small.name
            small_copy.parent.mkdir()
            shutil.copy(small, small_copy)  # a fresh 10-event session each run
            small_runs.append(median(append_times(small_copy, APPENDS, SMALL + 2)))
            big_runs.append(median(append_times(big_copy, APPENDS, BIG + 2 + index * (APPENDS + 1))))
        ratio = median(big_runs) / median(small_runs)
        report.add(
            Figure(
                "Sessions",
                f"save at event {BIG:,} ÷ save at event {SMALL}",
                ratio,
                "×",
                "≤ 2",
                ratio <= 2,
                f"{median(big_runs) * 1000:.2f} ms vs {median(small_runs) * 1000:.2f} ms "
                f"(each run: median of {APPENDS} appends, fsync included)",
            )
        )
        report.add(
            Figure(
                "Sessions",
                f"save at event {BIG:,} (append, fsync, fold)",
                median(big_runs) * 1000,
                "ms",
                "≤ 5 ms",
                median(big_runs) <= 0.005,
                spread(big_runs),
            )
        )

        # Loading and folding, warm imports: what resume, replay and report start with.
        loads, verifies = load_and_fold_apart(big, runs)
        report.add(
            Figure(
                "Sessions",
                f"load and fold {BIG:,} events",
                median(loads) * 1000,
                "ms",
                "≤ 300 ms",
                median(loads) <= 0.3,
                f"{spread(loads)}; verifying the hash chain adds {median(verifies) * 1000:.0f} ms",
            )
        )

        # First frame showing a session, and the memory of the process that shows it.
        env = bench_env(DUMMY_SECRETS)  # no credentials dialog over the first frame
        frames: dict[str, list[float]] = {"empty": [], "big": []}
        memory: dict[str, list[float]] = {"empty": [], "big": []}
        for index in range(runs + 1):  # the first round warms up and is not counted
            pair = [("empty", empty), ("big", big)]
            for name, source in pair if index % 2 == 0 else pair[::-1]:
                copy = work / f"open-{name}-{index}" / source.name  # resume writes: a fresh copy each time
                copy.parent.mkdir()
                shutil.copy(source, copy)
                took, peak, how = open_on_screen(copy, env)
                if index:
                    frames[name].append(took)
                    memory[name].append(peak)
        ratio = median(frames["big"]) / median(frames["empty"])
        report.add(
            Figure(
                "Sessions",
                f"first frame of a {BIG:,}-event session ÷ an empty one",
                ratio,
                "×",
                "≤ 1.5",
                ratio <= 1.5,
                f"via {how}: {median(frames['big']):.2f} s ({spread(frames['big'])}) "
                f"vs {median(frames['empty']):.2f} s",
            )
        )
        report.add(
            Figure(
                "Sessions",
                f"peak memory with a {BIG:,}-event session open",
                round(median(memory["big"])),
                "MB",
                "≤ 150 MB",
                median(memory["big"]) <= 150,
                f"peak RSS of the {how.split()[0]} process (an empty session: {median(memory['empty']):.0f} MB)",
            )
        )

        # Not a target, but where a long session shows: the home screen reads every session to list it.
        home = work / "home"
        (home / "sessions").mkdir(parents=True)
        shutil.copy(big, home / "sessions" / big.name)
        listed = [first_frame([LAUNCH_TUI], HOME_MARKER, cwd=home, timeout=120).first_frame_s for _ in range(runs)]
        report.add(
            Figure(
                "Sessions",
                f"home screen first frame, one {BIG:,}-event session in ./sessions",
                median(listed),
                "s",
                "-",
                None,
                spread(listed),
            )
        )


if __name__ == "__main__":  # load_and_fold_apart's own process
    session_path, count = Path(sys.argv[1]), int(sys.argv[2])
    load_and_fold(session_path)  # warm-up: page cache, the checklist, pydantic's first calls
    timed = [load_and_fold(session_path) for _ in range(count)]
    print(json.dumps({"loads": [load for load, _ in timed], "verifies": [verify for _, verify in timed]}))
