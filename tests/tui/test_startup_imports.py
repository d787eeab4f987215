"""The start-up seam: what the home screen's first frame loads. Its path (the command
line, the TUI commands' module, the app and the home screen) imports neither httpx nor
pydantic; they load once a launch is opened (docs/benchmarks.md, start-up)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("httpx", "pydantic")
FIRST_SCREEN_PATH = ("launch_tui.cli", "launch_tui.commands.tui", "launch_tui.tui.app", "launch_tui.tui.screens.home")


def loaded_by(module: str, then: str = "pass") -> list[str]:
    """The heavy packages importing `module` (and running `then`) loads, in a fresh
    interpreter (this one has imported everything already)."""
    probe = (
        f"import json, sys, {module}; {then}; print(json.dumps(sorted({{name.split('.')[0] for name in sys.modules}})))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return [name for name in json.loads(result.stdout) if name in HEAVY]


@pytest.mark.parametrize("module", FIRST_SCREEN_PATH)
def test_the_first_screens_path_loads_neither_httpx_nor_pydantic(module):
    assert loaded_by(module) == []


def test_building_the_command_line_loads_neither():
    """Every command builds the whole parser first (`launch-tui` alone, the home screen,
    only its top level); its --section choices once came through the checklist package,
    and so pydantic."""
    assert loaded_by("launch_tui.cli", "launch_tui.cli.build_parser()") == []


def test_the_probe_sees_a_heavy_import():
    """The check above could pass by looking at nothing: a module that does import them is seen."""
    assert loaded_by("launch_tui.launch.live") == ["httpx", "pydantic"]


def test_the_home_screen_loads_its_table_only_with_the_list():
    """The table is built once the sessions are read, after the first frame (its import
    alone is ~5 ms). Button's module comes with Textual's own; what Button costs is its CSS,
    parsed when one is mounted (tests/tui/test_home.py holds that none is before the list)."""
    probe = (
        "import json, sys, launch_tui.tui.screens.home; "
        "print(json.dumps([name for name in sys.modules if name.startswith('textual.widgets._')]))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    widgets = json.loads(result.stdout)
    assert "textual.widgets._static" in widgets  # the probe sees the widgets the first frame does use
    assert "textual.widgets._data_table" not in widgets
