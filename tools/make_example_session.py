"""Produce sessions/example-acme-freight.toml by a real run: the wizard, driven through
Pilot like an operator, against the sandbox on loopback (the same walk the tests take).

    .venv/bin/python tools/make_example_session.py

Rewrites the example, its handoff folder and its exported decision record."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from launch_tui.launch.live import LiveLaunch  # noqa: E402
from launch_tui.sandbox import SandboxServer  # noqa: E402
from launch_tui.secrets import Secrets  # noqa: E402
from launch_tui.session import LiveSession  # noqa: E402
from launch_tui.target import target_from_dict  # noqa: E402
from launch_tui.tui.app import LaunchApp  # noqa: E402
from tests.tui.driver import walk_whole_launch  # noqa: E402

NAME = "example-acme-freight"


async def main() -> None:
    os.chdir(ROOT)  # the paths the session records are relative: sessions/...
    sessions = Path("sessions")
    for old in sessions.glob(f"{NAME}*"):
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    with SandboxServer(job_seconds=0.5) as sandbox:
        # The sandbox runs in this process: nothing to trust on this machine, and the record says DEMO (as in `demo`).
        live = LiveSession.create(
            target_from_dict(sandbox.target_dict()), "sam", sessions, session_id=NAME, trust_source=None, sandbox=True
        )
        launch = LiveLaunch(live, Secrets(sandbox.credentials))
        launch.untrusted = []
        app = LaunchApp(launch)
        async with app.run_test(size=(120, 40)) as pilot:
            await walk_whole_launch(pilot)
            app.export_report()
            await app.workers.wait_for_complete()
            await pilot.press("q")
    print(f"wrote {live.path}")


if __name__ == "__main__":
    asyncio.run(main())
