"""Which items' checks or actions run now, and since when: kept here and nowhere else,
so that every start and every end is seen by the screens (the elapsed time, the ◌)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator


class Running:
    def __init__(self, changed: Callable[[], None]) -> None:
        self._started: dict[str, float] = {}  # item id -> time.monotonic() at its start
        self._changed = changed

    def start(self, item_id: str) -> None:
        self._started[item_id] = time.monotonic()
        self._changed()

    def finish(self, *item_ids: str) -> None:
        """The items' runs are over (a result was recorded, or the worker ended)."""
        ended = [item_id for item_id in item_ids if self._started.pop(item_id, None) is not None]
        if ended:
            self._changed()

    def elapsed(self, item_id: str) -> float | None:
        started = self._started.get(item_id)
        return None if started is None else time.monotonic() - started

    def longest(self) -> float:
        """Seconds since the earliest start still running (0 when nothing runs)."""
        return max((time.monotonic() - started for started in self._started.values()), default=0.0)

    def any_of(self, item_ids: Iterable[str]) -> bool:
        return any(item_id in self._started for item_id in item_ids)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._started

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._started))

    def __len__(self) -> int:
        return len(self._started)
