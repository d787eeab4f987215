import hashlib
import re
from pathlib import Path

import pytest

from launch_tui.checklist import Kind, load_checklist, parse_checklist, runbook_text
from launch_tui.errors import LaunchError

# The user's runbook, copied byte for byte into the package; its hash when it was copied.
RUNBOOK_SHA256 = "73297c71427ba17c2ae34eb1e199b5136105013d861bc3581c969d26d8cc1fd0"
SPEC = Path(__file__).resolve().parents[1] / "docs" / "interface.md"
ITEMS = Path(__file__).resolve().parents[1] / "launch_tui" / "checklist" / "items.toml"


def runbook_sections() -> list[tuple[str, list[str]]]:
    """(title, [checkbox line text]) per numbered section, straight from the runbook."""
    sections: list[tuple[str, list[str]]] = []
    for line in runbook_text().splitlines():
        heading = re.match(r"^## (\d+)\. (.+)$", line)
        if heading:
            sections.append((heading.group(2).strip(), []))
        box = re.match(r"^- \[ \] (.+)$", line)
        if box:
            sections[-1][1].append(box.group(1).strip())
    return sections


def test_every_runbook_line_is_one_item_in_order_with_its_wording():
    checklist = load_checklist()
    sections = runbook_sections()
    assert [title for title, _ in sections] == [section.title for section in checklist.sections]
    for (title, lines), section in zip(sections, checklist.sections, strict=False):
        assert [item.text for item in section.items] == lines, title
    assert len(checklist.items) == sum(len(lines) for _, lines in sections)


def test_sub_bullets_are_kept_as_details():
    details = load_checklist().item("infra.env-vars").details
    assert "`ALLOW_API_KEY_FALLBACK=false`" in details and len(details) == 7


def test_packaged_runbook_is_the_users_runbook():
    """Changed on purpose (the user's runbook changed)? Record the new hash here."""
    assert hashlib.sha256(runbook_text().encode("utf-8")).hexdigest() == RUNBOOK_SHA256


def test_ids_and_kinds_match_the_interface_spec():
    rows = re.findall(r"^\| `([a-z-]+\.[a-z-]+)` \| ([a-z]+)", SPEC.read_text(encoding="utf-8"), re.MULTILINE)
    checklist = load_checklist()
    assert [item.id for item in checklist.items] == [item_id for item_id, _ in rows]
    assert [item.kind.value for item in checklist.items] == [kind for _, kind in rows]


def test_content_hash_changes_with_the_content():
    raw = ITEMS.read_bytes()
    assert parse_checklist(raw).content_hash == load_checklist().content_hash
    assert parse_checklist(raw.replace(b"Render Postgres", b"Render PG")).content_hash != load_checklist().content_hash


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda raw: raw.replace(b'id = "infra.database"', b'id = "infra.predeploy-migration"'), "appears twice"),
        (lambda raw: raw.replace(b'kind = "manual"', b'kind = "sometimes"', 1), "kind"),
        (
            lambda raw: raw.replace(b'depends_on = ["onboarding.tenant"]', b'depends_on = ["onboarding.nope"]', 1),
            "unknown item",
        ),
        (
            lambda raw: raw.replace(b'title = "Infrastructure Ready"', b'titel = "Infrastructure Ready"'),
            "invalid at sections.0",
        ),
        (lambda raw: raw.replace(b"number = 2", b"number = 3"), "expected 2"),
        (lambda raw: raw + b"\n[[", "not valid TOML"),
    ],
)
def test_invalid_checklist_data_is_refused_with_one_line(edit, message):
    with pytest.raises(LaunchError) as caught:
        parse_checklist(edit(ITEMS.read_bytes()))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_kinds_follow_the_spec_rules():
    checklist = load_checklist()
    for item in checklist.items:
        assert (item.kind is Kind.RECORD) == bool(item.fields)
        assert item.section_id == item.id.split(".")[0]
