"""Fixtures: a client of the shared healthy sandbox (fast), fresh sandboxes where a
scenario needs its own, and a clock the test moves by hand."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

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
def api(shared_sandbox: SandboxServer) -> Iterator[Api]:
    with Api(shared_sandbox) as client:
        yield client


@pytest.fixture
def clock(shared_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(shared_sandbox.state, "clock", fake)
    return fake


@pytest.fixture
def scenario(make_sandbox: Callable[..., SandboxServer]) -> Callable[..., AbstractContextManager[Api]]:
    """`with scenario("flaky") as api:` a client of a fresh sandbox under those scenarios
    (healthy when none is named); the sandbox stops at the test's teardown."""

    @contextmanager
    def run(*names: str, **kwargs) -> Iterator[Api]:
        with Api(make_sandbox(*names, **kwargs)) as client:
            yield client

    return run
