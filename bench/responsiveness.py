"""3. Responsiveness: the wizard sweeping a whole section (`a`) against a sandbox that
adds 200 ms to every response, on a real pseudo-terminal; the event loop's stalls during
the sweep (see bench/tui_sweep.py), longest and 99th percentile."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench.common import PYTHON, Figure, PtyProgram, Report, bench_env, median, percentile
from bench.fixtures import CUSTOMER
from bench.sandbox_proc import sandbox_process

HERE = Path(__file__).resolve().parent
LATENCY_MS = 200
SECTIONS = ("infra", "auth")  # sections 1 and 2: every item an automated check


def sweep(section: str, sandbox, folder: Path, index: int) -> dict:
    out = folder / f"sweep-{section}-{index}.json"
    argv = [PYTHON, str(HERE / "tui_sweep.py"), section, str(sandbox.target), str(folder / "sessions"), str(out)]
    program = PtyProgram(argv, env=bench_env(sandbox.credentials))
    try:
        program.wait_for(CUSTOMER)
        program.drain(0.5)  # let the first screen settle
        program.send(b"a")
        status = program.wait_exit(60)
    finally:
        program.stop()
    if status != 0 or not out.exists():
        raise RuntimeError(f"the {section} sweep failed (exit {status}); it wrote: {program.tail[-800:]!r}")
    return json.loads(out.read_text())


def run(report: Report, runs: int) -> None:
    print("3. Responsiveness", flush=True)
    results: dict[str, list[dict]] = {section: [] for section in SECTIONS}
    with tempfile.TemporaryDirectory(prefix="launch-bench-") as folder, sandbox_process(LATENCY_MS) as sandbox:
        sweep(SECTIONS[0], sandbox, Path(folder), -1)  # warm-up
        for index in range(runs):
            for section in SECTIONS:
                results[section].append(sweep(section, sandbox, Path(folder), index))
    every = [r for section in SECTIONS for r in results[section]]
    worst = [max(r["lags"]) * 1000 for r in every]
    p99 = [percentile(r["lags"], 99) * 1000 for r in every]
    sweeps = {s: median([r["sweep_s"] for r in results[s]]) for s in SECTIONS}
    statuses = sorted({status for r in every for status in r["statuses"].values()})
    detail = (
        f"{len(every)} sweeps (sections 1 and 2, {runs} each); sweep took {sweeps['infra']:.2f} s (section 1), "
        f"{sweeps['auth']:.2f} s (section 2); item statuses seen: {', '.join(statuses)}"
    )
    report.add(
        Figure(
            "Responsiveness",
            "longest event-loop stall during a section sweep",
            median(worst),
            "ms",
            "≤ 50 ms",
            median(worst) <= 50,
            f"median of per-sweep maxima; worst {max(worst):.0f} ms; {detail}",
        )
    )
    report.add(
        Figure(
            "Responsiveness",
            "99th percentile stall during a section sweep",
            median(p99),
            "ms",
            "≤ 20 ms",
            median(p99) <= 20,
            f"median of per-sweep p99; worst {max(p99):.1f} ms",
        )
    )
