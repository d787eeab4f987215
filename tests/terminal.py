"""Running a TUI command in a child on a pseudo-terminal: the TUI commands refuse to
start without one (tests/test_cli_conventions.py), so a test that wants to reach what
comes after that refusal (a lock, a claim) gives it a terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path


def cli_on_a_terminal(
    *args: str, env: dict[str, str], cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`launch-tui ARGS` with stdin and stdout on a pty; stdout is what the pty showed."""
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "launch_tui.cli", *args],
            stdin=follower,
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=cwd,
            timeout=timeout,
        )
        shown = b""
        while select.select([leader], [], [], 0)[0]:
            chunk = os.read(leader, 4096)
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        os.close(follower)
    return subprocess.CompletedProcess(result.args, result.returncode, shown.decode(errors="replace"), result.stderr)
