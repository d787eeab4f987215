"""Running a batch of read-only checks: concurrently, in dependency order, cancellable.

Each check is its own task; one that depends on another (`depends_on` among the
requested items) waits for it, and is skipped if it failed. A crash in one check is
that check's `error` result and nothing more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from launch_tui.checklist import Item
from launch_tui.engine.base import CHECKS, execute, notify
from launch_tui.engine.context import RunContext, batch_cache
from launch_tui.engine.registry import plan_item
from launch_tui.errors import LaunchError
from launch_tui.results import CheckResult, Status

Callback = Callable[[Any], Any]
BLOCKING = frozenset({Status.FAIL, Status.ERROR})


async def run_items(
    ctx: RunContext, item_ids: Iterable[str], on_start: Callback | None = None, on_result: Callback | None = None
) -> list[CheckResult]:
    """Run the checks of `item_ids` and return their results in checklist order.

    Items that are not automated now (manual, action, record, unconfigured, missing facts)
    are not run: their result says why (`manual` or `skip`). `on_start(item_id)` is called
    as a check starts, `on_result(result)` as each item is decided; either may be async.
    Cancelling the calling task cancels every check cleanly.
    """
    order = {item.id: index for index, item in enumerate(ctx.checklist.items)}
    wanted = set(item_ids)
    unknown = sorted(wanted - order.keys())
    if unknown:
        raise LaunchError(f"unknown checklist item {unknown[0]!r}")
    items = [ctx.checklist.by_id[item_id] for item_id in sorted(wanted, key=order.__getitem__)]
    plans = {item.id: plan_item(item, ctx.target, ctx.secrets, ctx.facts) for item in items}
    done: dict[str, asyncio.Future[CheckResult]] = {
        item.id: asyncio.get_running_loop().create_future() for item in items
    }

    ctx.batch_items = frozenset(item.id for item in items)  # what a shared fetch may start early for
    not_run: set[str] = set()  # skipped because something they need failed: blocks their dependents too

    async def one(item: Item) -> None:
        # Wait only for automated dependencies in this batch; an action's outcome is in the facts.
        waits = [dep for dep in item.depends_on if dep in done and plans[dep].automated]
        blocked = []
        for dep in waits:
            dep_result = await done[dep]
            if dep_result.status in BLOCKING or dep in not_run:
                blocked.append(f"{dep} ({dep_result.status.value})")
        plan = plans[item.id]
        if blocked:
            not_run.add(item.id)
            result = CheckResult(
                id=item.id, status=Status.SKIP, summary=f"not run: it needs {', '.join(blocked)} to pass first"
            )
        elif not plan.automated:
            result = plan.result()
        else:
            spec = CHECKS[item.id]
            await notify(on_start, item.id)
            result, _ = await execute(item.id, lambda: spec.run(ctx), spec.deadline)
        ctx.results[item.id] = result
        done[item.id].set_result(result)
        await notify(on_result, result)

    async with batch_cache(), asyncio.TaskGroup() as group:
        for item in items:
            group.create_task(one(item), name=f"check {item.id}")
    return [done[item.id].result() for item in items]
