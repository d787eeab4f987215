"""The runbook as data: sections, items, kinds, runbook text, dependencies."""

from launch_tui.checklist.model import (
    Checklist,
    Integration,
    Item,
    Kind,
    RecordField,
    Section,
    load_checklist,
    parse_checklist,
    runbook_text,
)

__all__ = [
    "Checklist",
    "Integration",
    "Item",
    "Kind",
    "RecordField",
    "Section",
    "load_checklist",
    "parse_checklist",
    "runbook_text",
]
