"""1. Start-up: launch to the home screen's first frame, against a minimal Textual app
measured the same way; `check --help` and `verify` against importing httpx and pydantic."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from bench.common import LAUNCH_TUI, PYTHON, Figure, Report, bench_env, first_frame, median, spread, time_command
from bench.fixtures import write_session
from bench.minimal_app import MARKER

HERE = Path(__file__).resolve().parent
HOME_MARKER = "launch-tui"  # the home screen's title line

NO_TEXTUAL = """
import sys
from launch_tui.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:  # --help
    code = exit.code
print("textual" in sys.modules, file=sys.stderr)
"""


def run(report: Report, runs: int) -> None:
    print("1. Start-up", flush=True)
    with tempfile.TemporaryDirectory(prefix="launch-bench-") as folder:
        work = Path(folder)
        empty = work / "empty"  # `launch-tui` lists ./sessions: start in an empty folder
        empty.mkdir()
        session = write_session(work / "sessions", 12)
        minimal = [PYTHON, str(HERE / "minimal_app.py")]
        home = [LAUNCH_TUI]

        # One launch of each first, untimed: compiled bytecode and a warm page cache.
        first_frame(minimal, MARKER, cwd=empty)
        first_frame(home, HOME_MARKER, cwd=empty)
        minimal_s, home_s = [], []
        for index in range(runs):  # interleaved, alternating which goes first
            pair = [("minimal", minimal, MARKER), ("home", home, HOME_MARKER)]
            for name, argv, marker in pair if index % 2 == 0 else pair[::-1]:
                took = first_frame(argv, marker, cwd=empty).first_frame_s
                (minimal_s if name == "minimal" else home_s).append(took)
        ratio = median(home_s) / median(minimal_s)
        report.add(
            Figure(
                "Start-up",
                "home screen first frame ÷ minimal Textual app",
                ratio,
                "×",
                "≤ 1.15",
                ratio <= 1.15,
                f"launch-tui {median(home_s):.2f} s ({spread(home_s)}), "
                f"minimal {median(minimal_s):.2f} s ({spread(minimal_s)})",
            )
        )

        imports = [PYTHON, "-c", "import httpx, pydantic"]
        help_argv = [LAUNCH_TUI, "check", "--help"]
        verify_argv = [LAUNCH_TUI, "verify", str(session)]
        for argv in (imports, help_argv, verify_argv):
            time_command(argv)  # warm-up
        times: dict[str, list[float]] = {"imports": [], "help": [], "verify": []}
        for _ in range(runs):
            times["imports"].append(time_command(imports, cwd=work))
            times["help"].append(time_command(help_argv, cwd=work))
            times["verify"].append(time_command(verify_argv, cwd=work))
        base = median(times["imports"])
        for key, label in (("help", "`check --help`"), ("verify", "`verify` (12-event session)")):
            ratio = median(times[key]) / base
            report.add(
                Figure(
                    "Start-up",
                    f'{label} ÷ `python -c "import httpx, pydantic"`',
                    ratio,
                    "×",
                    "≤ 1.5",
                    ratio <= 1.5,
                    f"{median(times[key]) * 1000:.0f} ms vs {base * 1000:.0f} ms ({spread(times[key])})",
                )
            )
        for label, args in (("check --help", ["check", "--help"]), ("verify", ["verify", str(session)])):
            done = subprocess.run(
                [PYTHON, "-c", NO_TEXTUAL, *args], env=bench_env(), cwd=work, capture_output=True, text=True
            )
            imported = done.stderr.strip().splitlines()[-1] == "True"
            report.add(
                Figure("Start-up", f"`{label}` imports Textual", "yes" if imported else "no", "", "no", not imported)
            )
