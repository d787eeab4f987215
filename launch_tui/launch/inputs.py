"""What an operator types, checked before it is recorded: one line saying what is
wrong and what to do. Text is kept exactly as typed (escape sequences included);
screens and reports escape it when they show it."""

from __future__ import annotations

from datetime import date
from typing import Any

from launch_tui.checklist import Item, RecordField
from launch_tui.errors import LaunchError
from launch_tui.session.models import MAX_TEXT

MAX_NAME = 200


class InputError(LaunchError):
    """The operator's input is not acceptable; nothing was recorded."""


def text(value: str, what: str, *, limit: int = MAX_TEXT) -> str:
    value = value.strip()
    if not value:
        raise InputError(f"{what} is empty; type something or press Escape to cancel")
    if len(value) > limit:
        raise InputError(f"{what} is {len(value):,} characters; keep it under {limit:,} (link to a document instead)")
    return value


def name(value: str, what: str) -> str:
    value = text(value, what, limit=MAX_NAME)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise InputError(f"{what} contains control characters; type a plain name")
    return value


def iso_date(
    value: str, what: str, *, today: date, not_before_today: bool = False, not_after_today: bool = False
) -> str:
    value = value.strip()
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date; write it as YYYY-MM-DD, like {today.isoformat()}") from None
    if len(value) != 10:
        raise InputError(f"{what} {value!r}: write it as YYYY-MM-DD")
    if not_before_today and parsed < today:
        raise InputError(f"{what} {value} is in the past; give today or a later date")
    if not_after_today and parsed > today:
        raise InputError(f"{what} {value} is in the future; give today or an earlier date")
    return parsed.isoformat()


def waiver(reason: str, owner: str, until: str, *, today: date) -> dict[str, str]:
    return {
        "reason": text(reason, "the reason"),
        "owner": name(owner, "the owner"),
        "until": iso_date(until, "the waiver's end date", today=today, not_before_today=True),
    }


def gaps(rows: list[dict[str, str]], *, today: date) -> list[dict[str, str]]:
    checked = []
    for number, row in enumerate(rows, start=1):
        checked.append(
            {
                "what": text(row.get("what", ""), f"gap {number}'s description", limit=2000),
                "owner": name(row.get("owner", ""), f"gap {number}'s owner"),
                "due": iso_date(row.get("due", ""), f"gap {number}'s due date", today=today, not_before_today=True),
            }
        )
    return checked


def record(item: Item, values: dict[str, Any], *, today: date) -> dict[str, Any]:
    """Check every field of a record item; returns the cleaned fields."""
    return {field.name: _field(field, values.get(field.name), today) for field in item.fields}


def _field(field: RecordField, value: Any, today: date) -> Any:
    label = field.label.split(" (")[0].lower()
    if field.type == "gaps":
        return gaps(list(value or []), today=today)
    value = "" if value is None else str(value)
    if field.type == "date":
        return iso_date(value, label, today=today, not_after_today=True)
    if field.type == "choice":
        if value not in field.choices:
            raise InputError(f"{label}: choose one of {', '.join(field.choices)}")
        return value
    if "owner" in field.name or field.name in ("authority",):
        return name(value, label)
    return text(value, label, limit=2000)
