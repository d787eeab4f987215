"""The decision record of the scripted session, compared with files a person has read.

After an intended change to the report, regenerate them and read the diff:
    LAUNCH_TUI_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/report/test_golden.py
Hashes are replaced by numbered placeholders, so that a change to the runbook data
or the file format alone does not churn the golden files."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from launch_tui.report.decision_json import render_json
from launch_tui.report.decision_markdown import render_markdown

from .conftest import record_of

GOLDEN = Path(__file__).parent / "golden"
HASH = re.compile(r"sha256:[0-9a-f]{64}")


def placeholders(text: str) -> str:
    numbers: dict[str, int] = {}
    return HASH.sub(lambda match: f"sha256:<hash-{numbers.setdefault(match.group(), len(numbers) + 1)}>", text)


@pytest.mark.parametrize(("name", "render"), [("scripted.md", render_markdown), ("scripted.json", render_json)])
def test_the_report_matches_its_golden_file(scripted, name, render):
    actual = placeholders(render(record_of(scripted)))
    golden = GOLDEN / name
    if os.environ.get("LAUNCH_TUI_UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing; set LAUNCH_TUI_UPDATE_GOLDEN=1 to write it"
    assert actual == golden.read_text(encoding="utf-8"), f"{name} changed; see this file's docstring to update"
