"""`launch-tui sandbox`: serve the sandbox platform (with its Render and GitHub
look-alikes) until Ctrl-C or SIGTERM, printing its URLs and what to paste."""

from __future__ import annotations

import argparse
import shlex
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from launch_tui.errors import UsageError
from launch_tui.sandbox import SandboxServer, parse_scenarios
from launch_tui.sandbox.github import BRANCH, NAME, OWNER
from launch_tui.target import is_loopback


def serve(host: str, port: int, scenarios: str, latency_ms: int) -> int:
    """`launch-tui sandbox`: serve until Ctrl-C or SIGTERM, printing what to paste."""
    names = parse_scenarios(scenarios)
    if not is_loopback(host):
        print(
            f"launch-tui sandbox: warning: {host} is not a loopback address; other machines can reach "
            "this sandbox, and its credentials are printed below",
            file=sys.stderr,
        )
    stop = threading.Event()
    server = SandboxServer(names, latency_ms=latency_ms, host=host, port=port)
    folder = Path(tempfile.mkdtemp(prefix="launch-sandbox-"))
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set()) if _main_thread() else None
    try:
        server.start()
        _print_banner(server, folder)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print("launch-tui sandbox: stopped", flush=True)
    return 0


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _print_banner(server: SandboxServer, folder: Path) -> None:
    world = server.world
    try:
        target = f"{server.write_target(folder / 'target.toml')}"
    except UsageError as exc:
        target = f"(none: {exc})"
    lines = [
        f"launch-tui sandbox: scenario {','.join(server.scenarios)}"
        + (f", {server.latency_ms} ms latency" if server.latency_ms else ""),
        f"  platform  {server.base_url}",
        f"  render    {server.render_url}   services {world.api_service_id} (api), {world.web_service_id} (web)",
        f"  github    {server.github_url}   repo {OWNER}/{NAME}, branch {BRANCH}",
        f"  web       {server.web_url}",
        f"  target    {target}",
        "",
        "Sandbox-only credentials, new on every start; paste them into your shell:",
        *(f"export {name}={shlex.quote(value)}" for name, value in server.credentials.items()),
        "",
        "Ctrl-C stops the sandbox.",
    ]
    print("\n".join(lines), flush=True)


def main(args: argparse.Namespace) -> int:
    return serve(args.host, args.port, args.scenario, args.latency_ms)
