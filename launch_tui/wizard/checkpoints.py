"""The moments a session is worth saving somewhere else: syncing it to a git remote
(launch_tui.sync) and signing it are hooked here. Textual-free.

A hook is called with the checkpoint reached. It must return quickly; one that has
slow work (git, a signature) returns an awaitable, which the caller waits for when
it can (quitting waits, with a time limit) and otherwise runs as a task. A failing
hook never stops the others nor the wizard: its error goes to `on_error`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from enum import StrEnum


class Checkpoint(StrEnum):
    QUIT = "quit"  # the wizard is closing
    PAUSE = "pause"  # the operator steps away, to resume later (perhaps elsewhere)
    REPORT = "report"  # the launch decision record was exported
    COMPLETE = "complete"  # the launch just became complete
    ON_DEMAND = "on-demand"  # the operator asked (e.g. "Sync now"), or a periodic sync


Hook = Callable[[Checkpoint], Awaitable[None] | None]
ErrorSink = Callable[[Checkpoint, BaseException], None]


class Checkpoints:
    def __init__(self) -> None:
        self._hooks: list[Hook] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self.on_error: ErrorSink = lambda _checkpoint, _exc: None

    def register(self, hook: Hook) -> None:
        self._hooks.append(hook)

    async def reach(self, checkpoint: Checkpoint) -> None:
        """Run every hook and wait for the ones that continue asynchronously."""
        for hook in list(self._hooks):
            try:
                pending = hook(checkpoint)
                if pending is not None:
                    await pending
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # one hook's failure is reported, not fatal
                self.on_error(checkpoint, exc)

    def fire(self, checkpoint: Checkpoint) -> None:
        """From code that cannot wait: in a running event loop the hooks run as a task
        (kept referenced until done), otherwise right here."""
        if not self._hooks:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(self.reach(checkpoint))
            return
        task = loop.create_task(self.reach(checkpoint))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
