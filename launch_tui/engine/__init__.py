"""The engine: runs checks and actions against the platform, Render and GitHub.

Textual-free. The TUI and the headless `check` command are two faces of it.
"""

from launch_tui.engine.base import ActionOutcome
from launch_tui.engine.context import Facts, RunContext
from launch_tui.engine.registry import Plan, plan, plan_item
from launch_tui.engine.runner import run_items

__all__ = ["ActionOutcome", "Facts", "Plan", "RunContext", "plan", "plan_item", "run_items"]
