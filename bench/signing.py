"""6. Signing: what a checkpoint costs when a signing key is set. Timed from the hook's
start to the signature recorded (ssh-keygen run off the loop, the event appended and
fsynced), the way the wizard reaches a checkpoint. Keys are made here with ssh-keygen:
an ed25519 key file, an RSA-3072 key file (ssh-keygen's default size), and an ed25519
key held by a real ssh-agent."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import Figure, Report, median, spread
from bench.fixtures import bench_target
from launch_tui.launch.checkpoints import Checkpoint
from launch_tui.launch.live import LiveLaunch
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, NewEvent
from launch_tui.signing.sign import SigningKey

SIGNINGS = 10  # timed checkpoints per run
TARGET_S = 0.050


def make_key(folder: Path, kind: str) -> Path:
    path = folder / f"bench-{kind}"
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "bench", "-f", str(path)], check=True)
    return path


def checkpoint_times(folder: Path, key: SigningKey, count: int) -> list[float]:
    """Seconds per signed checkpoint; a note is recorded between two, so each has something new to sign."""
    launch = LiveLaunch(LiveSession.create(bench_target(), "bench", folder), Secrets({}), signing_key=key)
    try:
        times = []
        for n in range(count):
            launch.record(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note=f"note {n}"))
            started = time.perf_counter()
            notices = asyncio.run(launch.reach(Checkpoint.QUIT))
            times.append(time.perf_counter() - started)
            if not notices or not notices[0].startswith("signed"):
                raise RuntimeError(f"the checkpoint did not sign: {notices}")
        return times
    finally:
        launch.close()


class Agent:
    """A real ssh-agent for the bench, ended by its own id."""

    def __init__(self, folder: Path) -> None:
        self.socket = folder / "agent.sock"
        self.process = subprocess.Popen(
            ["ssh-agent", "-D", "-a", str(self.socket)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(1000):
            if self.socket.exists() or self.process.poll() is not None:
                break
            time.sleep(0.01)
        self.before = os.environ.get("SSH_AUTH_SOCK")
        os.environ["SSH_AUTH_SOCK"] = str(self.socket)

    def add(self, key: Path) -> None:
        subprocess.run(["ssh-add", "-q", str(key)], check=True, stdin=subprocess.DEVNULL, capture_output=True)

    def stop(self) -> None:
        if self.before is None:
            os.environ.pop("SSH_AUTH_SOCK", None)
        else:
            os.environ["SSH_AUTH_SOCK"] = self.before
        self.process.terminate()
        self.process.wait(timeout=10)


def run(report: Report, runs: int) -> None:
    print("6. Signing", flush=True)
    if shutil.which("ssh-keygen") is None:
        report.note("ssh-keygen is not installed: signing not measured")
        return
    with tempfile.TemporaryDirectory(prefix="launch-bench-sign-") as folder:
        work = Path(folder)
        cases = [
            ("ed25519 key file", SigningKey(str(make_key(work, "ed25519")))),
            ("RSA-3072 key file", SigningKey(str(make_key(work, "rsa")))),
        ]
        agent = None
        if shutil.which("ssh-agent") and shutil.which("ssh-add"):
            agent = Agent(work)
            (work / "agent").mkdir()
            held = make_key(work / "agent", "ed25519")
            agent.add(held)
            held.unlink()  # only the agent has the private half now
            cases.append(("ed25519 key in ssh-agent", SigningKey(str(held.with_name(held.name + ".pub")))))
        try:
            for name, key in cases:
                checkpoint_times(work / f"warm-{name[:3]}", key, 1)  # warm-up: imports, page cache
                per_run = [
                    median(checkpoint_times(work / f"{name[:3]}-{index}", key, SIGNINGS)) for index in range(runs)
                ]
                report.add(
                    Figure(
                        "Signing",
                        f"signing a checkpoint, {name}",
                        median(per_run) * 1000,
                        "ms",
                        "≤ 50 ms",
                        median(per_run) <= TARGET_S,
                        f"{spread(per_run)} (each run: median of {SIGNINGS} checkpoints: ssh-keygen, append, fsync)",
                    )
                )
        finally:
            if agent is not None:
                agent.stop()
