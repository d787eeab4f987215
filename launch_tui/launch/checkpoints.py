"""Checkpoints: the natural moments of a launch at which work that should not happen
on every event happens (signing the chain head, syncing the session somewhere).
Textual-free; the TUI and the `sign` command say when a checkpoint is reached, and
hooks registered by whoever needs them run in order.

A hook is `(checkpoint) -> notice | None`, or returns an awaitable of one (`async`
hooks: signing, the git sync): it does its slow part off the event loop itself
(asyncio.to_thread, a subprocess) and gives a one-line notice for the operator, or
None. A hook that fails never stops the others or the quit it runs before: its
failure becomes a notice. Nothing a hook does can lose an event, which is on disk
before any checkpoint is reached."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from enum import StrEnum


class Checkpoint(StrEnum):
    QUIT = "quit"  # the operator quits the wizard
    PAUSE = "pause"  # the operator suspends it (ctrl+z) to come back later
    REPORT = "report"  # a report is about to be exported: what hooks record is in it
    COMPLETE = "complete"  # `launch.complete` just became true
    ON_DEMAND = "on-demand"  # `launch-tui sign SESSION`, or the operator asked


Hook = Callable[[Checkpoint], Awaitable[str | None] | str | None]
BlockingHook = Callable[[Checkpoint], str | None]


class Checkpoints:
    def __init__(self) -> None:
        self._hooks: list[tuple[str, Hook]] = []

    def register(self, name: str, hook: Hook) -> None:
        """`name` says in a notice whose hook failed (e.g. "signing", "git sync")."""
        self._hooks.append((name, hook))

    def register_blocking(self, name: str, hook: BlockingHook) -> None:
        """A plain function (a git push, a copy): run in a thread, off the event loop. It
        must not record events: the session is written from the event loop only."""

        async def in_a_thread(checkpoint: Checkpoint) -> str | None:
            return await asyncio.to_thread(hook, checkpoint)

        self.register(name, in_a_thread)

    def __bool__(self) -> bool:
        return bool(self._hooks)

    async def reach(self, checkpoint: Checkpoint) -> list[str]:
        """Run every hook for `checkpoint`, in the order registered; their notices."""
        notices = []
        for name, hook in self._hooks:
            try:
                result = hook(checkpoint)
                notice = await result if inspect.isawaitable(result) else result
            except Exception as exc:
                notice = f"{name} at {checkpoint.value}: {' '.join(str(exc).split()) or type(exc).__name__}"
            if notice:
                notices.append(notice)
        return notices
