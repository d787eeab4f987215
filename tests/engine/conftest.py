from __future__ import annotations

from collections.abc import Iterator

import pytest

from launch_tui.sandbox import SandboxServer


@pytest.fixture(scope="session")
def healthy() -> Iterator[SandboxServer]:
    """One healthy sandbox for the tests that only read, or that make their own tenant."""
    with SandboxServer(job_seconds=0.3) as server:
        yield server
