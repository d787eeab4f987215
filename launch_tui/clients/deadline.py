"""A time budget per check, shared by every request the check makes.

The engine opens a deadline around each check; the transport reads it to cap
timeouts, to decide whether a retry or a Retry-After wait still fits, and to give
up with a clear message when it does not. A context variable carries it, so a
check's helper functions need not pass it along.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_current: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("launch_tui_deadline", default=None)


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires_at = asyncio.get_running_loop().time() + seconds

    def remaining(self) -> float:
        return self.expires_at - asyncio.get_running_loop().time()


def current_deadline() -> Deadline | None:
    return _current.get()


@contextmanager
def deadline(seconds: float) -> Iterator[Deadline]:
    """Give the code inside `seconds` in all; a nested deadline never extends an outer one."""
    outer = _current.get()
    budget = Deadline(seconds)
    if outer is not None and outer.expires_at < budget.expires_at:
        budget = outer
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)
