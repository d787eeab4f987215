"""Fixtures: one healthy sandbox for the whole session (fast), fresh ones where a
scenario or a moved clock needs its own."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from sandbox_helpers import Api

from launch_tui.sandbox import SandboxServer


class Clock:
    """A clock the test moves by hand, installed as the store's clock."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(job_seconds=0.3) as server:
        yield server


@pytest.fixture(scope="session")
def api(sandbox: SandboxServer) -> Iterator[Api]:
    with Api(sandbox) as client:
        yield client


@pytest.fixture
def clock(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(sandbox.state, "clock", fake)
    return fake


@pytest.fixture
def scenario() -> Callable[..., AbstractContextManager[Api]]:
    """`with scenario("flaky") as api:` a fresh sandbox under those scenarios."""
    from contextlib import contextmanager

    @contextmanager
    def run(*names: str, **kwargs) -> Iterator[Api]:
        with SandboxServer(names or ("healthy",), **kwargs) as server, Api(server) as client:
            yield client

    return run
