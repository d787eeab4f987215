"""`python -m bench [--runs N] [--only AREA,...] [--markdown FILE]`: run the benchmarks
and print each figure beside its target."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from bench import concurrency, polling, responsiveness, sessions, signing, startup, sync, walk
from bench.common import Report, machine

AREAS = {
    "startup": startup.run,
    "concurrency": concurrency.run,
    "responsiveness": responsiveness.run,
    "sessions": sessions.run,
    "polling": polling.run,
    "sync": sync.run,
    "walk": walk.run,
    "signing": signing.run,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per figure; medians are quoted (default 5)")
    parser.add_argument("--only", default=",".join(AREAS), help=f"comma-separated areas: {', '.join(AREAS)}")
    parser.add_argument("--markdown", metavar="FILE", help="also write the machine and the table as Markdown to FILE")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed (default: report only)")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in AREAS]
    if unknown:
        parser.error(f"unknown area {unknown[0]!r}; choose from {', '.join(AREAS)}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    report = Report()
    info = machine()
    load_before = os.getloadavg()[0]
    print(
        f"launch-tui benchmarks, {info['date']}: {info['cpu']}, {info['memory']}, {info['os']}, "
        f"Python {info['python']} ({info['libraries']}); medians of {args.runs} runs; "
        f"load average {load_before:.2f}",
        flush=True,
    )
    started = time.perf_counter()
    for name in chosen:
        AREAS[name](report, args.runs)
    took = time.perf_counter() - started
    load_after = os.getloadavg()[0]
    print(f"\n{len(report.figures)} figures in {took:.0f} s; load average {load_after:.2f}\n")
    print(table(report))
    if args.markdown:
        Path(args.markdown).write_text(markdown(report, info, args.runs, took, (load_before, load_after)))
        print(f"\nwritten to {args.markdown}")
    missed = [f for f in report.figures if f.met is False]
    if missed:
        print(f"\n{len(missed)} of {len(report.figures)} figures miss their target; docs/benchmarks.md says why")
    return 1 if missed and args.strict else 0


def table(report: Report) -> str:
    rows = [("area", "figure", "measured", "target", "")]
    rows += [(f.area, f.name, f.shown_value(), f.target, f.verdict) for f in report.figures]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown(report: Report, info: dict[str, str], runs: int, took: float, load: tuple[float, float]) -> str:
    lines = [
        f"Measured {info['date']} on {info['cpu']}, {info['memory']}, {info['os']}; Python {info['python']} "
        f"({info['libraries']}). Medians of {runs} runs; all of `make bench` took {took / 60:.1f} min; "
        f"load average {load[0]:.2f} at the start, {load[1]:.2f} at the end.",
        "",
        "| area | figure | measured | target | | how |",
        "|---|---|---|---|---|---|",
    ]
    for f in report.figures:
        cells = [
            f.area,
            f.name,
            f.shown_value(),
            f.target,
            f"**{f.verdict}**" if f.met is False else f.verdict,
            f.detail,
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    lines += [""] + [f"- {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
