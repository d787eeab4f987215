"""Starting checks and actions from the TUI: workers on the App (so they outlive a
screen switch), confirmation dialogs first for anything that changes the platform."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from launch_tui.tui.app import LaunchApp


def start_item(app: "LaunchApp", item_id: str) -> None:
    app.notify(f"{item_id}: checks are not wired yet", severity="warning")


def start_section(app: "LaunchApp", section_id: str) -> None:
    app.notify(f"{section_id}: checks are not wired yet", severity="warning")


def export_report(app: "LaunchApp") -> None:
    app.notify("report export is not wired yet", severity="warning")
