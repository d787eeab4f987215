"""The sandbox: a reference implementation of the platform API, with Render and GitHub
look-alikes and fault scenarios, served over loopback for the demo and the tests.

    with SandboxServer(scenarios=("flaky",)) as sandbox:
        httpx.get(f"{sandbox.base_url}/health")
"""

from launch_tui.sandbox.scenarios import BREAKS, SCENARIOS, parse_scenarios
from launch_tui.sandbox.server import SandboxServer

__all__ = ["BREAKS", "SCENARIOS", "SandboxServer", "parse_scenarios"]
