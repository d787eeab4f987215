"""The sandbox in a process of its own (`launch-tui sandbox`), for measurements where
the sandbox must not share the measured process's interpreter lock."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.common import LAUNCH_TUI, bench_env


@dataclass
class RunningSandbox:
    target: Path
    credentials: dict[str, str]


@contextmanager
def sandbox_process(latency_ms: int = 0, timeout: float = 30.0) -> Iterator[RunningSandbox]:
    process = subprocess.Popen(
        [LAUNCH_TUI, "sandbox", "--latency-ms", str(latency_ms)],
        env=bench_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        target, credentials = None, {}
        deadline = time.monotonic() + timeout
        assert process.stdout is not None
        for line in process.stdout:  # the banner: URLs, the target file, the credentials to export
            line = line.strip()
            if line.startswith("target "):
                target = Path(line.split(None, 1)[1])
            elif line.startswith("export "):
                name, _, value = line[len("export ") :].partition("=")
                credentials[name] = shlex.split(value)[0]
            elif line.startswith("Ctrl-C"):
                break
            if time.monotonic() > deadline:
                raise TimeoutError("the sandbox did not start")
        if target is None or not credentials:
            raise RuntimeError(f"the sandbox did not print its target and credentials: {process.stderr.read()[-500:]}")
        yield RunningSandbox(target, credentials)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
