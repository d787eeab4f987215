"""Uploaded data: the first-upload CSV headers, row validation, and the results and
findings a finished job yields, derived from its own rows so a test can predict them."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from launch_tui.sandbox.replies import ApiError

# Column -> kind; the key order is the header order the spec gives.
COLUMNS: dict[str, dict[str, str]] = {
    "TRADE": {
        "date": "date",
        "hs_code": "text",
        "description": "text",
        "origin_country": "text",
        "destination_country": "text",
        "quantity": "number",
        "unit": "text",
        "value_usd": "number",
    },
    "SHIP": {
        "shipment_id": "text",
        "carrier": "text",
        "origin_port": "text",
        "destination_port": "text",
        "departure_date": "date",
        "arrival_date": "date",
        "container_count": "integer",
    },
    "ORDERS": {
        "order_id": "text",
        "order_date": "date",
        "customer_ref": "text",
        "sku": "text",
        "quantity": "integer",
        "unit_price": "number",
        "currency": "text",
    },
    "CATALOG": {"sku": "text", "name": "text", "hs_code": "text", "unit": "text"},
}

# The four upload routes and the job type each creates.
UPLOAD_PATHS = {
    "/api/upload": "TRADE",
    "/api/catalog/upload": "CATALOG",
    "/api/ship/upload": "SHIP",
    "/api/orders/upload": "ORDERS",
}

MAX_ROWS = 10_000
# A customer fixing a file wants the first few problems, not ten thousand.
MAX_DETAILS = 20
LONG_TRANSIT_DAYS = 30


def header_line(job_type: str) -> str:
    return ",".join(COLUMNS[job_type])


def _value_problem(kind: str, value: str) -> str | None:
    if not value.strip():
        return "is empty"
    try:
        if kind == "number":
            float(value)
        elif kind == "integer":
            int(value)
        elif kind == "date":
            date.fromisoformat(value)
    except ValueError:
        expected = {"number": "a number", "integer": "a whole number", "date": "a date like 2026-11-30"}[kind]
        return f"{value!r} is not {expected}"
    return None


def check_rows(job_type: str, rows: list[dict[str, str]], labels: list[str], code: str) -> None:
    """400 `code` listing bad values; `labels` name the rows for people (line 2, records[0])."""
    problems: list[str] = []
    for label, row in zip(labels, rows, strict=False):
        for column, kind in COLUMNS[job_type].items():
            problem = _value_problem(kind, row.get(column, ""))
            if problem:
                problems.append(f"{label}: {column} {problem}")
    if problems:
        raise ApiError(400, code, f"{len(problems)} value(s) are wrong", details=problems[:MAX_DETAILS])


def parse_csv(job_type: str, raw: bytes) -> list[dict[str, str]]:
    """The data rows of an uploaded file, after checking its header row and values."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(
            400, "invalid_file", "the file is not UTF-8 text", details=["save the file as UTF-8 CSV"]
        ) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise ApiError(
            400, "invalid_file", "the file is empty", details=[f"the first line must be: {header_line(job_type)}"]
        )
    columns = [cell.strip().lower() for cell in header]
    expected = list(COLUMNS[job_type])
    details = [f"missing column: {name}" for name in expected if name not in columns]
    details += [f"unexpected column: {name or '(empty)'}" for name in columns if name not in expected]
    details += [f"column repeated: {name}" for name in sorted({c for c in columns if columns.count(c) > 1})]
    if details:
        details.append(f"the first line must be: {header_line(job_type)}")
        raise ApiError(400, "invalid_file", f"the header row is not a {job_type} header", details=details[:MAX_DETAILS])
    rows, labels = [], []
    for line in reader:
        if not any(cell.strip() for cell in line):
            continue
        if len(line) != len(columns):
            raise ApiError(
                400,
                "invalid_file",
                "a row has the wrong number of cells",
                details=[f"line {reader.line_num}: {len(line)} cells, the header has {len(columns)}"],
            )
        rows.append({name: cell.strip() for name, cell in zip(columns, line, strict=False)})
        labels.append(f"line {reader.line_num}")
        if len(rows) > MAX_ROWS:
            raise ApiError(400, "invalid_file", "the file is too long", details=[f"at most {MAX_ROWS} rows per upload"])
    if not rows:
        raise ApiError(400, "invalid_file", "the file has a header but no data rows", details=["add at least one row"])
    check_rows(job_type, rows, labels, "invalid_file")
    return rows


def parse_records(records: Any) -> list[dict[str, str]]:
    """`POST /api/sima/batch` records: TRADE rows as JSON objects."""
    if not isinstance(records, list) or not records:
        raise ApiError(400, "invalid_body", "`records` must be a non-empty list of objects")
    if len(records) > MAX_ROWS:
        raise ApiError(400, "invalid_body", f"at most {MAX_ROWS} records per batch")
    rows = []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise ApiError(400, "invalid_body", f"records[{index}] is not an object")
        rows.append({column: "" if record.get(column) is None else str(record[column]) for column in COLUMNS["TRADE"]})
    check_rows("TRADE", rows, [f"records[{index}]" for index in range(len(rows))], "invalid_body")
    return rows


def duty_rate(hs_code: str) -> float:
    """A made-up but stable tariff: the HS chapter picks a rate from 0% to 9%."""
    digits = "".join(ch for ch in hs_code if ch.isdigit())
    return (int(digits[:2] or "0") % 10) / 100


def trade_results(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    results = []
    for number, row in enumerate(rows, start=1):
        value = float(row["value_usd"])
        rate = duty_rate(row["hs_code"])
        results.append(
            {
                "row": number,
                "hsCode": row["hs_code"],
                "description": row["description"],
                "originCountry": row["origin_country"],
                "destinationCountry": row["destination_country"],
                "valueUsd": value,
                "dutyRate": rate,
                "estimatedDutyUsd": round(value * rate, 2),
            }
        )
    return results


def ship_findings(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    findings = []
    for number, row in enumerate(rows, start=1):
        days = (date.fromisoformat(row["arrival_date"]) - date.fromisoformat(row["departure_date"])).days
        if days < 0:
            finding, severity = "arrival_before_departure", "high"
        elif days > LONG_TRANSIT_DAYS:
            finding, severity = "long_transit", "medium"
        else:
            finding, severity = "on_schedule", "info"
        findings.append(
            {
                "row": number,
                "shipmentId": row["shipment_id"],
                "carrier": row["carrier"],
                "transitDays": days,
                "containers": int(row["container_count"]),
                "finding": finding,
                "severity": severity,
            }
        )
    return findings
