"""The published JSON Schemas (docs/schemas/) are what the code generates, and the JSON
outputs validate against them: the golden report, the example session's, an altered one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from launch_tui.report.decision import build_record
from launch_tui.report.decision_json import render_json
from launch_tui.report.schemas import SCHEMAS, closed
from launch_tui.session import open_read_only

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "docs" / "schemas"


def schema(name: str) -> dict:
    return json.loads((FOLDER / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_published_schema_is_current(name):
    assert schema(name) == SCHEMAS[name](), f"docs/schemas/{name} is stale: run `make schemas`"
    jsonschema.Draft202012Validator.check_schema(schema(name))


def test_the_tool_says_when_a_schema_is_stale():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "json_schemas.py"), "--check"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def validate_report(text: str) -> dict:
    """Against the published schema, and closed: no key in our output goes undocumented."""
    document = json.loads(text)
    jsonschema.Draft202012Validator(schema("report-v1.schema.json")).validate(document)
    jsonschema.Draft202012Validator(closed(schema("report-v1.schema.json"))).validate(document)
    return document


def test_the_golden_and_the_example_reports_are_valid():
    validate_report((ROOT / "tests" / "report" / "golden" / "scripted.json").read_text(encoding="utf-8"))
    example = ROOT / "sessions" / "example-acme-freight.toml"
    assert validate_report(render_json(build_record(open_read_only(example))))["launch_complete"] is True


def test_an_altered_report_is_valid_and_a_changed_shape_is_not(tmp_path, target):
    from launch_tui.session import LiveSession

    live = LiveSession.create(target, "alice", tmp_path)
    live.close()
    path = live.path
    path.write_bytes(path.read_bytes().replace(b"alice", b"mallory"))
    document = validate_report(render_json(build_record(open_read_only(path))))
    assert document["integrity"]["status"] == "altered"
    document["sections"][0]["items"][0]["surprise"] = 1  # a reader's validation allows new keys (v1 may add some)
    jsonschema.Draft202012Validator(schema("report-v1.schema.json")).validate(document)
    with pytest.raises(jsonschema.ValidationError):  # ours does not: every key is documented
        jsonschema.Draft202012Validator(closed(schema("report-v1.schema.json"))).validate(document)
    del document["sections"][0]["items"][0]["surprise"]
    document["integrity"]["status"] = 7
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema("report-v1.schema.json")).validate(document)
