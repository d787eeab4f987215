"""Collecting evidence: every HTTP exchange a check makes is recorded for it.

The engine opens a collector around each check or action; the transport appends
one `Evidence` per attempt. A context variable carries the collector so that no
check has to thread a list through its helpers, and concurrent checks (each its
own asyncio task, each with its own context) never mix their evidence.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from launch_tui.results import Evidence

_current: contextvars.ContextVar[list[Evidence] | None] = contextvars.ContextVar("launch_tui_evidence", default=None)


@contextmanager
def collect_evidence() -> Iterator[list[Evidence]]:
    items: list[Evidence] = []
    token = _current.set(items)
    try:
        yield items
    finally:
        _current.reset(token)


def record(evidence: Evidence) -> None:
    items = _current.get()
    if items is not None:
        items.append(evidence)


def record_all(evidence: list[Evidence]) -> None:
    items = _current.get()
    if items is not None:
        items.extend(e for e in evidence if e not in items)
