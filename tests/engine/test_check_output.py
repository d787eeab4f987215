"""`launch-tui check` output: the JSON shape of the spec, JUnit, text, exit codes, the
command itself, no secret anywhere, and no Textual import."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import quote, quote_plus

import pytest

from launch_tui.checklist import load_checklist
from launch_tui.commands.check import check_command
from launch_tui.engine.headless import run_check
from launch_tui.errors import UsageError
from launch_tui.report.check_output import CheckRun, exit_code, render_check
from launch_tui.results import CheckResult, Evidence, Status

from .helpers import onboard, secrets_of, target_of

CHECKLIST = load_checklist()


def synthetic(target, *statuses: Status) -> CheckRun:
    items = CHECKLIST.items[: len(statuses)]
    results = [
        CheckResult(
            id=item.id,
            status=status,
            summary=f"{status.value} summary",
            evidence=[
                Evidence(
                    method="GET",
                    url="https://x/health",
                    status_code=200,
                    request_id="req_1",
                    duration_ms=3,
                    at="2026-11-30T10:00:00Z",
                )
            ],
        )
        for item, status in zip(items, statuses, strict=False)
    ]
    return CheckRun(target, "2026-11-30T10:00:00Z", "2026-11-30T10:00:01Z", list(zip(items, results, strict=False)))


@pytest.mark.parametrize(
    "statuses, code",
    [
        ((Status.PASS, Status.SKIP, Status.MANUAL), 0),
        ((Status.PASS, Status.WARN), 4),
        ((Status.PASS, Status.WARN, Status.ERROR), 1),
        ((Status.ERROR, Status.FAIL, Status.WARN), 3),
        ((), 0),
    ],
)
def test_exit_codes(shared_sandbox, statuses, code):
    assert exit_code(synthetic(target_of(shared_sandbox), *statuses)) == code


def test_junit_tells_failure_from_error_and_skips_manual(shared_sandbox):
    run = synthetic(target_of(shared_sandbox), Status.PASS, Status.FAIL, Status.ERROR, Status.MANUAL, Status.WARN)
    root = ET.fromstring(render_check(run, "junit"))
    cases = {case.get("name"): case for case in root.iter("testcase")}
    ids = [item.id for item, _ in run.items]
    assert len(cases) == 5 and root.get("failures") == "1" and root.get("errors") == "1"
    assert cases[ids[1]].find("failure").get("message") == "fail summary"
    assert cases[ids[2]].find("error") is not None and cases[ids[2]].find("failure") is None
    assert cases[ids[3]].find("skipped") is not None
    assert cases[ids[0]].find("failure") is None and cases[ids[4]].find("failure") is None


def test_text_is_one_line_per_item_and_coloured_only_when_asked(shared_sandbox):
    run = synthetic(target_of(shared_sandbox), Status.PASS, Status.FAIL)
    plain = render_check(run, "text")
    assert len(plain.splitlines()) == 2 + 2 and "\x1b" not in plain
    assert plain.splitlines()[2].startswith("FAIL ")
    assert "\x1b[1;31mFAIL" in render_check(run, "text", color=True)


async def test_json_has_the_spec_shape_and_every_item_of_the_chosen_sections(shared_sandbox):
    run = await run_check(target_of(shared_sandbox), secrets_of(shared_sandbox), ["infra", "guardrails"])
    data = json.loads(render_check(run, "json"))
    assert data["schema"] == "launch-tui/check/v1"
    assert data["target"] == {"environment": "production", "api_url": shared_sandbox.base_url}
    assert data["started_at"].endswith("Z") and data["finished_at"].endswith("Z")
    expected = [i.id for i in CHECKLIST.items if i.section_id in ("infra", "guardrails")]
    assert [r["id"] for r in data["results"]] == expected
    health = next(r for r in data["results"] if r["id"] == "infra.health")
    assert {"id", "section", "title", "status", "summary", "duration_ms", "evidence"} <= health.keys()
    assert health["section"] == "infra" and health["status"] == "pass"
    assert health["summary"] == "HTTP 200, status ok, 0 pending migrations"
    [evidence] = health["evidence"]
    assert {"method", "url", "status_code", "request_id", "duration_ms", "at"} <= evidence.keys()
    assert evidence["url"] == f"{shared_sandbox.base_url}/health" and evidence["request_id"].startswith("req_")
    assert data["counts"] == {"pass": 10, "warn": 0, "fail": 0, "error": 0, "skip": 0, "manual": 2}
    assert next(r for r in data["results"] if r["id"] == "guardrails.alert-routing")["status"] == "manual"


def forms(value: str) -> set[str]:
    raw = value.encode()
    return {
        value,
        quote(value, safe=""),
        quote_plus(value),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    }


async def test_no_secret_in_any_output_format(make_sandbox):
    """Distinctive credentials, the customer's key and token, every secret Render value:
    none of them, nor their base64 or URL-encoded forms, in text, JSON or JUnit."""
    # env-group: the secrets come from linked Render env groups, read like the service's own.
    server = make_sandbox("revoked-key-accepted", "invalid-key-accepted", "env-group", job_seconds=0.2)
    facts = await onboard(server)
    run = await run_check(target_of(server), secrets_of(server), None, facts)
    secrets = [*server.credentials.values(), *server.render_secret_values, facts.customer_key, facts.access_token]
    env_values = [
        v
        for v in server.render_env_values
        if len(v) >= 6 and v not in ("production", server.base_url, server.web_url, server.web_url.rstrip("/"))
    ]
    assert all(secrets) and len(secrets) >= 12
    outputs = [render_check(run, fmt) for fmt in ("text", "json", "junit")]
    for output in outputs:
        for secret in secrets + env_values:
            for form in forms(secret):
                assert form not in output, f"a secret leaked ({form[:6]}...)"
    # The revoked key was accepted: it is reported critical, without naming the key itself.
    revoked = next(r for r in run.results if r.id == "auth.token-revoked")
    assert revoked.critical and revoked.status is Status.FAIL


def test_check_command_writes_the_report_and_returns_the_exit_code(shared_sandbox, tmp_path, monkeypatch):
    target_file = shared_sandbox.write_target(tmp_path / "target.toml")
    for name, value in shared_sandbox.credentials.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "report.xml"
    code = check_command(target_file, ["auth"], "junit", out)
    assert code == 0 and ET.parse(out).getroot().get("tests") == "4"


def test_check_command_refuses_bad_input_before_any_request(shared_sandbox, tmp_path):
    target_file = shared_sandbox.write_target(tmp_path / "target.toml")
    with pytest.raises(UsageError, match="unknown section 'nope'"):
        check_command(target_file, ["nope"], "text", None)
    with pytest.raises(UsageError, match="unknown format"):
        check_command(target_file, None, "yaml", None)
    with pytest.raises(UsageError, match="folder does not exist"):
        check_command(target_file, None, "json", tmp_path / "missing" / "out.json")
    with pytest.raises(UsageError, match="no such target file"):
        check_command(tmp_path / "nothing.toml", None, "json", None)


def test_headless_check_does_not_import_textual():
    # (rich is imported, by httpx's own command-line module; it is not Textual.)
    code = (
        "import sys, launch_tui.commands.check, launch_tui.report.check_output, launch_tui.engine.onboarding;"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith('launch_tui.tui')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
