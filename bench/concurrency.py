"""2. Concurrency: `launch-tui check` (every section) against the sandbox with 0 ms and
200 ms added to each response. (T200 − T0) / 0.2 s is the latency depth: how many
round trips, one after another, the slowest chain of requests takes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import LAUNCH_TUI, Figure, Report, bench_env, median, spread, time_command
from launch_tui.sandbox import SandboxServer

LATENCY_MS = 200
CHECK_EXIT_CODES = (0, 1, 3, 4)  # a verdict either way; only 2 (usage) would be a broken run


def depth(runs: int, scenarios: tuple[str, ...] = ("healthy",)) -> tuple[float, list[float], list[float]]:
    """The latency depth of `launch-tui check` (the median over runs of each run's
    (T200 − T0) / 0.2 s), and the times it comes from."""
    with (
        tempfile.TemporaryDirectory(prefix="launch-bench-") as folder,
        SandboxServer(scenarios, latency_ms=0) as fast,
        SandboxServer(scenarios, latency_ms=LATENCY_MS) as slow,
    ):
        commands = {}
        for name, sandbox in (("T0", fast), ("T200", slow)):
            target = sandbox.write_target(Path(folder) / f"{name}.toml")
            commands[name] = ([LAUNCH_TUI, "check", "--target", str(target)], bench_env(sandbox.credentials))
        for argv, env in commands.values():  # warm-up: bytecode, page cache, the sandboxes' first requests
            time_command(argv, env=env, ok_codes=CHECK_EXIT_CODES)
        times: dict[str, list[float]] = {"T0": [], "T200": []}
        for index in range(runs):
            order = ["T0", "T200"] if index % 2 == 0 else ["T200", "T0"]
            for name in order:
                argv, env = commands[name]
                times[name].append(time_command(argv, env=env, ok_codes=CHECK_EXIT_CODES))
    # Each run's two launches are next to each other: the median of their differences follows
    # the machine's minute-to-minute speed, where the difference of the two medians took
    # whichever minute each median fell in (on a machine whose T0 swung 0.8-1.1 s in one
    # run, that moved the depth by 1.5).
    pairs = [(slow_s - fast_s) / (LATENCY_MS / 1000) for fast_s, slow_s in zip(times["T0"], times["T200"], strict=True)]
    return median(pairs), times["T0"], times["T200"]


def run(report: Report, runs: int) -> None:
    print("2. Concurrency", flush=True)
    found, t0, t200 = depth(runs)
    report.add(
        Figure(
            "Concurrency",
            f"latency depth of `check`, (T{LATENCY_MS} − T0) / {LATENCY_MS / 1000:g} s",
            round(found, 2),
            "",
            "≤ 2.5",
            found <= 2.5,
            f"T0 {median(t0):.2f} s ({spread(t0)}), T{LATENCY_MS} {median(t200):.2f} s ({spread(t200)}); "
            "one request after another would be about 20",
        )
    )
    # The look-alike pages as Render does (20 by default, the client asks for 100). The same
    # run with 3 to a page shows what a cursor chain costs: its pages come one after another.
    found, t0, t200 = depth(runs, ("render-small-pages",))
    report.add(
        Figure(
            "Concurrency",
            "the same, with Render lists 3 to a page (render-small-pages)",
            round(found, 2),
            "",
            "-",
            None,
            f"T0 {median(t0):.2f} s, T{LATENCY_MS} {median(t200):.2f} s; the API service's "
            "8 env vars take 4 requests in a row",
        )
    )
