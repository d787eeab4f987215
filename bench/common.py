"""What every benchmark shares: the figure it reports, medians, subprocess timing under
a pseudo-terminal, and the machine it ran on."""

from __future__ import annotations

import contextlib
import fcntl
import os
import platform
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
LAUNCH_TUI = str(BIN / "launch-tui")


@dataclass
class Figure:
    """One measured figure and its target. `met` is None when there is nothing to judge."""

    area: str
    name: str
    value: float | str
    unit: str
    target: str
    met: bool | None
    detail: str = ""

    def shown_value(self) -> str:
        if isinstance(self.value, str):
            return self.value
        if self.unit in ("×", "x"):
            return f"{self.value:.2f}×"
        if self.unit == "s":
            return f"{self.value:.2f} s"
        if self.unit == "ms":
            return f"{self.value:.1f} ms" if self.value < 100 else f"{self.value:.0f} ms"
        return f"{self.value:g} {self.unit}".strip()

    @property
    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: "-"}[self.met]


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(
            f"  {figure.name}: {figure.shown_value()} (target {figure.target}) {figure.verdict}"
            + (f"  [{figure.detail}]" if figure.detail else ""),
            flush=True,
        )
        return figure

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100), nearest-rank: a value that was actually observed."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def spread(values: list[float], scale: float = 1000.0, unit: str = "ms") -> str:
    """`min–max over n runs`, for the detail column."""
    fmt = (lambda v: f"{v * scale:.0f}") if scale * max(values, default=0) >= 100 else (lambda v: f"{v * scale:.1f}")
    return f"{fmt(min(values))}–{fmt(max(values))} {unit} over {len(values)} runs"


def machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    versions = {}
    for name in ("textual", "httpx", "pydantic"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:
            versions[name] = "?"
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores" if cpu else f"{os.cpu_count()} cores",
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "libraries": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


# Subprocesses -----------------------------------------------------------------------------

# The bench's sessions trust their own targets: in a file of the bench's, never the operator's.
os.environ.setdefault("LAUNCH_TRUST_FILE", str(Path(tempfile.mkdtemp(prefix="launch-bench-")) / "trusted.toml"))


def bench_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a measured command runs with: no colour games, a known terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "LAUNCH_"))}
    env["LAUNCH_TRUST_FILE"] = os.environ["LAUNCH_TRUST_FILE"]
    env.update(
        {"TERM": "xterm-256color", "COLORTERM": "truecolor", "PYTHONDONTWRITEBYTECODE": "", "PYTHONUNBUFFERED": "1"}
    )
    env.pop("PYTHONDONTWRITEBYTECODE")
    env.update(extra or {})
    return env


def time_command(
    argv: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, ok_codes: tuple[int, ...] = (0,)
) -> float:
    """Wall time from launching `argv` to its exit, in seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        argv,
        cwd=cwd,
        env=env or bench_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in ok_codes:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


@dataclass
class FrameRun:
    first_byte_s: float | None
    first_frame_s: float
    max_rss_mb: float | None = None


class PtyProgram:
    """A program on a pseudo-terminal of `size` (columns, rows): read what it draws,
    type keys, stop it and learn its peak memory (from wait4's rusage)."""

    def __init__(
        self,
        argv: list[str],
        *,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        size: tuple[int, int] = (120, 40),
    ) -> None:
        self.argv = argv
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: becomes the measured program
            try:
                if cwd:
                    os.chdir(cwd)
                os.execvpe(argv[0], argv, env or bench_env())
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.first_byte: float | None = None
        self.tail = b""
        self.exit_status: int | None = None
        self.max_rss_mb: float | None = None

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def _read(self, wait: float) -> bytes | None:
        """What the program wrote within `wait` seconds (b"" if nothing); None once it closed the terminal."""
        ready, _, _ = select.select([self.fd], [], [], wait)
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:  # EIO: the child closed the terminal (exited)
            return None
        if not chunk:
            return None
        if self.first_byte is None:
            self.first_byte = self.elapsed()
        self.tail = (self.tail + chunk)[-(1 << 20) :]
        return chunk

    def wait_for(self, marker: str, timeout: float = 30.0) -> float:
        """Seconds from the launch until `marker` has been written to the terminal."""
        needle = marker.encode()
        self.tail = b""
        while True:
            if self.elapsed() > timeout:
                raise TimeoutError(
                    f"{' '.join(self.argv)}: no {marker!r} on screen within {timeout:.0f} s; "
                    f"it wrote: {self.tail[-300:]!r}"
                )
            if self._read(0.05) is None:
                raise RuntimeError(
                    f"{' '.join(self.argv)} exited before showing {marker!r}; it wrote: {self.tail[-500:]!r}"
                )
            if needle in self.tail:
                return self.elapsed()

    def drain(self, seconds: float) -> None:
        """Keep reading (a program blocks when nobody reads its terminal) for `seconds`."""
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            if self._read(min(0.05, max(0.0, until - time.perf_counter()))) is None:
                return

    def send(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def wait_exit(self, timeout: float) -> int:
        """Read until the program exits by itself; its exit status."""
        until = time.perf_counter() + timeout
        while time.perf_counter() < until:
            if self._read(0.05) is None:
                break
            got, status, usage = os.wait4(self.pid, os.WNOHANG)
            if got:
                return self._reaped(status, usage)
        else:
            self.stop()
            raise TimeoutError(
                f"{' '.join(self.argv)} did not finish within {timeout:.0f} s; it wrote: {self.tail[-500:]!r}"
            )
        _, status, usage = os.wait4(self.pid, 0)
        return self._reaped(status, usage)

    def _reaped(self, status: int, usage) -> int:
        self.exit_status = os.waitstatus_to_exitcode(status)
        self.max_rss_mb = usage.ru_maxrss / 1024
        os.close(self.fd)
        self.fd = -1
        return self.exit_status

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 5 s; records the peak memory."""
        if self.fd < 0:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            got, status, usage = os.wait4(self.pid, os.WNOHANG)
            if got:
                self._reaped(status, usage)
                return
            self._read(0.02)
        os.kill(self.pid, signal.SIGKILL)
        _, status, usage = os.wait4(self.pid, 0)
        self._reaped(status, usage)


def first_frame(
    argv: list[str],
    marker: str,
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    size: tuple[int, int] = (120, 40),
    timeout: float = 30.0,
    linger: float = 0.0,
) -> FrameRun:
    """Launch `argv` on a pseudo-terminal and time, from the launch, until `marker` has
    been written: the first frame that shows it. The program is then stopped (after
    `linger` seconds more, still read)."""
    program = PtyProgram(argv, cwd=cwd, env=env, size=size)
    try:
        found = program.wait_for(marker, timeout)
        program.drain(linger)
    finally:
        program.stop()
    return FrameRun(program.first_byte, found, program.max_rss_mb)
