"""The output of `launch-tui check`: text (one line per item), JSON
(`launch-tui/check/v1`, see docs/interface.md and docs/schemas/) and JUnit XML, and the exit code.

Pure functions of a finished `CheckRun`: no network, no Textual. Every string that
reaches the output went through the engine's cleaning (redacted, escaped); `render_check`
redacts the whole text once more as a last line of defence.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Literal

from launch_tui.checklist import Item
from launch_tui.results import CheckResult, Evidence, Status
from launch_tui.safe_text import json_safe, visible, xml_safe
from launch_tui.secrets import redact
from launch_tui.target import Target

SCHEMA = "launch-tui/check/v1"
Format = Literal["text", "json", "junit"]
FORMATS = ("text", "json", "junit")
COUNTED = (Status.PASS, Status.WARN, Status.FAIL, Status.ERROR, Status.SKIP, Status.MANUAL)

EXIT_OK, EXIT_ERROR, EXIT_FAIL, EXIT_WARN = 0, 1, 3, 4


@dataclass
class CheckRun:
    target: Target
    started_at: str
    finished_at: str
    items: list[tuple[Item, CheckResult]]  # every item of the chosen sections, checklist order

    @property
    def results(self) -> list[CheckResult]:
        return [result for _, result in self.items]

    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in COUNTED}
        for result in self.results:
            counts[result.status.value] = counts.get(result.status.value, 0) + 1
        return counts


def exit_code(run: CheckRun) -> int:
    """0 all automated checks passed (skip/manual allowed); 3 any fail; 1 any error and no
    fail; 4 only warnings beyond passes. (2, usage errors, is the CLI's.)"""
    statuses = {result.status for result in run.results}
    if Status.FAIL in statuses:
        return EXIT_FAIL
    if Status.ERROR in statuses:
        return EXIT_ERROR
    if Status.WARN in statuses:
        return EXIT_WARN
    return EXIT_OK


def title_of(item: Item) -> str:
    return item.text.rstrip(":").strip()


def evidence_dict(evidence: Evidence) -> dict:
    data = {
        "method": evidence.method,
        "url": evidence.url,
        "status_code": evidence.status_code,
        "request_id": evidence.request_id,
        "duration_ms": evidence.duration_ms,
        "at": evidence.at,
    }
    if evidence.excerpt:
        data["excerpt"] = evidence.excerpt
    return data


def to_json_dict(run: CheckRun) -> dict:
    results = []
    for item, result in run.items:
        entry = {
            "id": item.id,
            "section": item.section_id,
            "title": title_of(item),
            "kind": item.kind.value,
            "status": result.status.value,
            "summary": result.summary,
            "duration_ms": result.duration_ms,
            "evidence": [evidence_dict(e) for e in result.evidence],
        }
        if result.critical:
            entry["critical"] = True
        results.append(entry)
    return {
        "schema": SCHEMA,
        "target": {"environment": run.target.environment, "api_url": run.target.api_url},
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "results": results,
        "counts": run.counts(),
    }


_COLOURS = {
    Status.PASS: "32",
    Status.WARN: "33",
    Status.FAIL: "1;31",
    Status.ERROR: "35",
    Status.SKIP: "2",
    Status.MANUAL: "36",
}


def to_text(run: CheckRun, color: bool = False) -> str:
    width = max((len(item.id) for item, _ in run.items), default=0)
    lines = [visible(f"launch-tui check: {run.target.customer.name}, {run.target.environment}, {run.target.api_url}")]
    for item, result in run.items:
        label = result.status.value.upper().ljust(6)
        if color:
            label = f"\x1b[{_COLOURS[result.status]}m{label}\x1b[0m"
        lines.append(f"{label}  {item.id.ljust(width)}  {visible(result.summary)}")
    counts = run.counts()
    lines.append(", ".join(f"{n} {name}" for name, n in counts.items()) + f"; exit code {exit_code(run)}")
    return "\n".join(lines) + "\n"


def _junit_detail(result: CheckResult) -> str:
    return "\n".join(
        f"{e.method} {e.url} -> {e.status_code if e.status_code is not None else 'no response'}"
        f" ({e.duration_ms} ms, request id {e.request_id or '-'})"
        for e in result.evidence
    )


def _junit_case(suite: ET.Element, item: Item, result: CheckResult) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"launch-tui.{item.section_id}",
        name=item.id,
        time=f"{result.duration_ms / 1000:.3f}",
    )
    summary, detail = xml_safe(result.summary), xml_safe(_junit_detail(result))
    if result.status is Status.FAIL:
        kind = "critical" if result.critical else "fail"
        ET.SubElement(case, "failure", message=summary, type=kind).text = detail
    elif result.status is Status.ERROR:
        ET.SubElement(case, "error", message=summary, type="error").text = detail
    elif result.status in (Status.SKIP, Status.MANUAL):
        ET.SubElement(case, "skipped", message=f"{result.status.value}: {summary}", type=result.status.value)
    # Every verdict, a warning above all, also reads as text: CI reporters show system-out.
    ET.SubElement(case, "system-out").text = f"{result.status.value.upper()}: {summary}\n{detail}".strip()


def to_junit(run: CheckRun) -> str:
    """JUnit XML valid against Jenkins' junit-10.xsd (the schema pytest also targets,
    vendored in tests/schemas/): `skipped` only on suites, properties only on suites,
    every text made XML-safe by the same cleaning as the other outputs."""
    counts = run.counts()
    total_time = sum(result.duration_ms for result in run.results) / 1000
    root = ET.Element(
        "testsuites",
        name="launch-tui check",
        tests=str(len(run.items)),
        failures=str(counts["fail"]),
        errors=str(counts["error"]),
        time=f"{total_time:.3f}",
    )
    suites: dict[str, ET.Element] = {}
    for item, result in run.items:
        suite = suites.get(item.section_id)
        if suite is None:
            suite = suites[item.section_id] = ET.SubElement(
                root, "testsuite", name=item.section_id, timestamp=run.started_at
            )
            properties = ET.SubElement(suite, "properties")
            for name, value in (("environment", run.target.environment), ("api_url", run.target.api_url)):
                ET.SubElement(properties, "property", name=name, value=xml_safe(value))
        _junit_case(suite, item, result)
    for section, suite in suites.items():
        results = [result for item, result in run.items if item.section_id == section]
        statuses = [result.status for result in results]
        suite.set("tests", str(len(results)))
        suite.set("failures", str(statuses.count(Status.FAIL)))
        suite.set("errors", str(statuses.count(Status.ERROR)))
        suite.set("skipped", str(statuses.count(Status.SKIP) + statuses.count(Status.MANUAL)))
        suite.set("time", f"{sum(result.duration_ms for result in results) / 1000:.3f}")
        warned = [item.id for item, result in run.items if item.section_id == section and result.status is Status.WARN]
        found = suite.find("properties")
        assert found is not None  # made with the suite above
        ET.SubElement(found, "property", name="warnings", value=str(len(warned)))
        if warned:
            ET.SubElement(found, "property", name="warned", value=", ".join(warned))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_check(run: CheckRun, fmt: Format = "text", color: bool = False) -> str:
    if fmt == "json":
        text = json_safe(json.dumps(to_json_dict(run), indent=2, ensure_ascii=False)) + "\n"
    elif fmt == "junit":
        text = to_junit(run)
    elif fmt == "text":
        text = to_text(run, color)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return redact(text)
