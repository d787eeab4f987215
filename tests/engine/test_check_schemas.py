"""`check`'s machine outputs are valid against the schemas their readers use: JUnit
against Jenkins' junit-10.xsd (vendored in tests/schemas/), JSON against our published
docs/schemas/check-v1.schema.json. Real runs against the sandbox, and hostile text."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from launch_tui.checklist import load_checklist
from launch_tui.engine.headless import run_check
from launch_tui.report.check_output import CheckRun, render_check
from launch_tui.report.schemas import closed
from launch_tui.results import CheckResult, Evidence, Status

from .helpers import secrets_of, target_of

ROOT = Path(__file__).resolve().parents[2]
JUNIT = xmlschema.XMLSchema10(ROOT / "tests" / "schemas" / "junit-10.xsd")
# Closed: our own output must name no key the published (open) schema does not.
CHECK_SCHEMA = closed(json.loads((ROOT / "docs" / "schemas" / "check-v1.schema.json").read_text(encoding="utf-8")))
HOSTILE = "\x1b[31mALL GREEN\x1b[0m ]]> <b>&amp; \ufffe\x00\x07 \u202etxt"


def validate_json(text: str) -> dict:
    document = json.loads(text)
    jsonschema.Draft202012Validator(CHECK_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    return document


@pytest.fixture(scope="module")
def broken_run(make_module_sandbox) -> CheckRun:
    """Every status a real run gives: fail and warn from scenarios, manual and skip from
    missing credentials and facts."""
    import asyncio

    server = make_module_sandbox("degraded", "rls-red", job_seconds=0.2)
    return asyncio.run(run_check(target_of(server), secrets_of(server, RENDER_API_KEY=None)))


def test_a_real_run_is_valid_junit_and_valid_json(broken_run):
    statuses = {result.status for result in broken_run.results}
    assert {Status.PASS, Status.WARN, Status.FAIL, Status.MANUAL, Status.SKIP} <= statuses
    JUNIT.validate(render_check(broken_run, "junit"))
    document = validate_json(render_check(broken_run, "json"))
    assert [entry["id"] for entry in document["results"]] == [item.id for item in load_checklist().items]


def test_warnings_are_visible_in_junit(broken_run):
    root = ET.fromstring(render_check(broken_run, "junit"))
    infra = next(suite for suite in root.iter("testsuite") if suite.get("name") == "infra")
    properties = {prop.get("name"): prop.get("value") for prop in infra.iter("property")}
    assert properties["warnings"] == "1" and properties["warned"] == "infra.health"
    health = next(case for case in infra.iter("testcase") if case.get("name") == "infra.health")
    assert health.find("system-out").text.startswith("WARN: ")
    assert root.get("skipped") is None  # junit-10.xsd allows it on suites only


def synthetic(summary: str) -> CheckRun:
    from tests.conftest import make_target

    items = load_checklist().items[:6]
    statuses = [Status.PASS, Status.WARN, Status.FAIL, Status.ERROR, Status.SKIP, Status.MANUAL]
    evidence = [
        Evidence(
            method="GET",
            url=f"https://x.example/{summary}",
            status_code=None,
            request_id=summary,
            duration_ms=1,
            at="2026-11-30T10:00:00Z",
            excerpt=summary,
        )
    ]
    results = [
        CheckResult(id=item.id, status=status, summary=summary, evidence=evidence, critical=status is Status.FAIL)
        for item, status in zip(items, statuses, strict=True)
    ]
    return CheckRun(
        make_target(), "2026-11-30T10:00:00Z", "2026-11-30T10:00:01Z", list(zip(items, results, strict=True))
    )


@pytest.mark.parametrize("summary", [HOSTILE, "", "\uffff noncharacters \ufffe", "x" * 2000])
def test_hostile_text_still_makes_valid_documents_that_send_no_escape(summary):
    run = synthetic(summary)
    junit = render_check(run, "junit")
    JUNIT.validate(junit)
    document = validate_json(render_check(run, "json"))
    text = render_check(run, "text")
    for output in (junit, json.dumps(document), text):
        assert "\x1b" not in output and "\x07" not in output and "\x00" not in output
    if summary == HOSTILE:
        failure = ET.fromstring(junit).find(".//failure")
        assert failure.get("message").startswith("␛[31mALL GREEN␛[0m ]]> <b>&amp;")
        assert document["results"][0]["summary"] == HOSTILE  # JSON keeps the value, escaped as \u
