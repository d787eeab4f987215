"""The JSON Schemas of the JSON outputs, generated from pydantic models so that the
published files (docs/schemas/) cannot drift from the code: a test regenerates them
and validates every output against them. `python -m tools.json_schemas` rewrites the files.

`check --format json` is described by models written for it here; `report --format json`
by the decision record's own dataclasses, which `render_json` serialises field for field."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from launch_tui.checklist.model import Kind
from launch_tui.report import check_output, decision
from launch_tui.results import Status

BASE = "https://launch-tui.invalid/schemas/"  # an id, not a download: nothing is fetched from it


class _Strict(BaseModel):
    # Open objects in the published schema: within v1, new keys may be added (docs/report.md,
    # docs/interface.md), so a reader's validation must not break on them. The tests check
    # our own output against `closed()` instead, so no key goes undocumented.
    model_config = ConfigDict(extra="ignore")


class CheckEvidence(_Strict):
    method: str
    url: str
    status_code: int | None
    request_id: str | None
    duration_ms: int
    at: str = Field(description="ISO 8601, UTC")
    excerpt: str | None = Field(None, description="a short, redacted part of the response body, when useful")


class CheckResultEntry(_Strict):
    id: str = Field(description="the checklist item id, see docs/interface.md")
    section: str
    title: str
    kind: Literal[tuple(kind.value for kind in Kind)]  # type: ignore[valid-type]
    status: Literal[tuple(status.value for status in Status)]  # type: ignore[valid-type]
    summary: str
    duration_ms: int
    evidence: list[CheckEvidence]
    critical: Literal[True] | None = Field(None, description="present (true) only for a critical failure")


class CheckTarget(_Strict):
    environment: Literal["staging", "production"]
    api_url: str


class CheckCounts(_Strict):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    pass_: int = Field(alias="pass")
    warn: int
    fail: int
    error: int
    skip: int
    manual: int


class CheckReport(_Strict):
    """`launch-tui check --format json`: every item of the chosen sections, checklist order."""

    schema_: Literal["launch-tui/check/v1"] = Field(alias="schema")
    target: CheckTarget
    started_at: str
    finished_at: str
    results: list[CheckResultEntry]
    counts: CheckCounts


def closed(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with every object closed to keys it does not name: what the tests validate
    our own output against, so that a field added without a schema change fails them."""
    copy: dict[str, Any] = json.loads(json.dumps(schema))
    _close(copy)
    return copy


def _close(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close(value)
    elif isinstance(node, list):
        for value in node:
            _close(value)


def _published(schema: dict[str, Any], name: str, title: str) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE}{name}",
        "title": title,
        **{key: value for key, value in schema.items() if key != "title"},
    }


def check_schema() -> dict[str, Any]:
    schema = CheckReport.model_json_schema(by_alias=True)
    assert schema["properties"]["schema"]["const"] == check_output.SCHEMA
    return _published(schema, "check-v1.schema.json", "launch-tui check --format json (launch-tui/check/v1)")


def report_schema() -> dict[str, Any]:
    schema = TypeAdapter(decision.DecisionRecord).json_schema(mode="serialization")
    schema["properties"]["schema"] = {"const": decision.SCHEMA, "type": "string"}
    return _published(schema, "report-v1.schema.json", "launch-tui report --format json (launch-tui/report/v1)")


SCHEMAS = {"check-v1.schema.json": check_schema, "report-v1.schema.json": report_schema}
