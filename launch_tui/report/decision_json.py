"""The decision record as JSON (`launch-tui/report/v1`, documented in docs/report.md).
Keys come in the record's field order and are never renamed within v1."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from launch_tui.report.decision import DecisionRecord
from launch_tui.safe_text import json_safe
from launch_tui.secrets import scrub


def as_dict(record: DecisionRecord) -> dict[str, Any]:
    return scrub(dataclasses.asdict(record))


def render_json(record: DecisionRecord) -> str:
    # Values stay exactly as recorded for a parser; json_safe writes the ones a
    # terminal would act on (escape sequences, bidi overrides) as \u escapes.
    return json_safe(json.dumps(as_dict(record), indent=2, ensure_ascii=False)) + "\n"
