"""The decision record as Markdown: renders well on GitHub, reads well as plain text.
Every recorded value goes through markdown_text; only the runbook's own wording
(trusted, shipped with launch-tui) is written as Markdown."""

from __future__ import annotations

from launch_tui.report.decision import DecisionRecord, ItemReport, SectionReport
from launch_tui.report.markdown_text import code, or_dash, table, text
from launch_tui.safe_text import visible

BADGES = {
    "pass": "✅ PASS",
    "warn": "⚠️ WARN",
    "fail": "❌ FAIL",
    "error": "🛑 ERROR",
    "skip": "⏭️ SKIP",
    "manual": "👤 MANUAL",
    "pending": "⏳ PENDING",
    "confirmed": "☑️ CONFIRMED",
    "recorded": "📝 RECORDED",
    "waived": "🟡 WAIVED",
}


def badge(status: str) -> str:
    icon, _, word = BADGES.get(status, f"• {status.upper()}").partition(" ")
    return f"{icon} **{word}**"


def render_markdown(record: DecisionRecord) -> str:
    parts = [
        _title(record),
        _decision(record),
        _integrity(record),
        _pending_actions(record),
        _records(record),
        _known_gaps(record),
        _signoffs(record),
        _overview(record),
        *(_section(section) for section in record.sections),
    ]
    return "\n\n".join("\n".join(part) for part in parts if part) + "\n"


def _title(record: DecisionRecord) -> list[str]:
    target, session = record.target, record.session
    altered = record.integrity.status == "altered"
    if altered:  # leads with it, whatever the events say
        title = f"# ALTERED: launch decision record: {text(target.customer)} (cannot be trusted)"
    elif target.sandbox:
        title = f"# DEMO launch decision record: {text(target.customer)} (sandbox, not a real launch)"
    else:
        title = f"# Launch decision record: {text(target.customer)}"
    lines = [title, ""]
    if altered:
        lines += [
            "> [!CAUTION]",
            f"> **ALTERED**: this session file was edited after it was written. {text(record.integrity.problem)}",
            "",
        ]
    if target.sandbox:
        environment = "🧪 **DEMO**: launch-tui's sandbox (production rules; nothing real was launched)"
    elif target.production:
        environment = "🔴 **PRODUCTION**"
    else:
        environment = f"🧪 {text(target.environment)} (not production)"
    rows = [
        ["**Customer**", f"{text(target.customer)} ({code(target.tenant_slug, in_table=True)})"],
        ["**Environment**", environment],
        ["**Target API**", code(target.api_url, in_table=True)],
    ]
    if target.web_url:
        rows.append(["**Web app**", code(target.web_url, in_table=True)])
    rows += [
        ["**Team mode**", text(target.team_mode)],
        ["**Session**", code(session.id, in_table=True)],
        ["**Operators**", ", ".join(text(name) for name in session.operators)],
        ["**Created**", text(session.created_at)],
        ["**Last updated**", f"{text(session.updated_at)} (event #{session.events})"],
        ["**Runbook**", f"{text(record.checklist.title)} ({code(record.checklist.session_hash, in_table=True)})"],
        ["**Report generated**", text(record.generated_at)],
    ]
    lines += table(["", ""], rows)
    if record.checklist.changed:
        lines += [
            "",
            f"⚠️ The runbook changed since this session began; item texts below are today's ({code(record.checklist.current_hash)}).",
        ]
    if record.orphan_events:
        lines += ["", f"⚠️ {record.orphan_events} event(s) name items this runbook no longer has; they are not shown."]
    return lines


def _decision(record: DecisionRecord) -> list[str]:
    lines = ["## Decision", ""]
    if record.integrity.status == "altered":
        return [
            *lines,
            "❌ **Cannot be trusted**: the session file was altered after it was written, so whatever its events "
            "say decides nothing. Re-run the launch from an intact session (or restore the original file) and "
            "export the record again.",
        ]
    demo = "DEMO " if record.target.sandbox else ""
    if record.launch_complete:
        if record.target.sandbox:
            return [
                *lines,
                f"✅ **DEMO launch complete: YES** (a demo): all {record.total} items satisfied, and token → enqueue → "
                "poll → results passed against launch-tui's sandbox. **This is not a production launch**: nothing "
                "real was launched.",
            ]
        return [
            *lines,
            f"✅ **Launch complete: YES** (`launch.complete`): all {record.total} items satisfied, and "
            "token → enqueue → poll → results passed against production.",
        ]
    lines += [
        f"❌ **{demo}Launch complete: NO** (`launch.complete` is false): {record.satisfied} of {record.total} items satisfied.",
        "",
        "Still missing:",
        "",
    ]
    return lines + [f"- {text(line)}" for line in record.missing_for_launch]


def _integrity(record: DecisionRecord) -> list[str]:
    integrity, session = record.integrity, record.session
    if integrity.status == "altered":
        verdict = (
            f"❌ **ALTERED** at event #{integrity.first_bad_event}: {text(integrity.problem)}"
            if integrity.first_bad_event
            else f"❌ **ALTERED**: {text(integrity.problem)}"
        )
        verdict += " Everything below shows the file as it is now; do not rely on it."
    elif integrity.status == "cut-short":
        verdict = (
            f"⚠️ **CUT SHORT**: event #{integrity.cut_short_event} was cut short by a crash while saving "
            f"({integrity.cut_short_bytes} bytes, not shown); the {integrity.events} events before it are intact."
        )
    else:
        verdict = f"✅ **INTACT**: {integrity.events} events, hash chain verified."
    lines = ["## Integrity", "", verdict]
    if integrity.last_hash:
        lines += [
            "",
            f"Last event: #{integrity.events} at {or_dash(integrity.last_at)}, hash {code(integrity.last_hash)}.",
            "To check later that the file was neither edited nor cut short since this report:",
            "",
            f"    launch-tui verify {visible(session.id)} --last-hash {integrity.last_hash}",
        ]
    return [*lines, "", *_signatures(record)]


def _signatures(record: DecisionRecord) -> list[str]:
    integrity, session = record.integrity, record.session
    if integrity.signing == "unsigned":
        return [
            "🔓 **UNSIGNED**: no signature in this session. The hash chain shows no edit that was not re-sealed; "
            "only a signature (or the last hash above, kept elsewhere) shows that nobody re-sealed the file. "
            "Operators sign with an SSH key: `LAUNCH_SIGNING_KEY` (see docs/report.md)."
        ]
    count = len(integrity.signatures)
    if integrity.signing == "signed":
        head = (
            f"🔏 **SIGNED**: events #1–#{integrity.signed_through} are covered by {count} signature(s) "
            "that match the file."
        )
    else:
        bad = sum(1 for line in integrity.signatures if not line.valid)
        head = (
            f"❌ **BAD SIGNATURE**: {bad} of {count} signature(s) do not match the file; "
            "do not rely on what they cover."
        )
    rows = [
        [
            text(line.principal),
            _key(line.key_type, line.fingerprint),
            text(line.at),
            _covered(line.first_event, line.covers_event),
            or_dash(line.checkpoint),
            f"✅ matches event #{line.covers_event}" if line.valid else f"❌ INVALID: {text(line.problem)}",
        ]
        for line in integrity.signatures
    ]
    lines = [head, "", *table(["Signer", "Key", "Signed at", "Events covered", "Checkpoint", "Signature"], rows), ""]
    if integrity.unsigned_events:
        after = f"after event #{integrity.signed_through}" if integrity.signed_through else "in this session"
        unsigned = integrity.unsigned_events
        lines += [f"⚠️ {unsigned} event(s) {after} are **UNSIGNED**: recorded after the last good signature.", ""]
    return [
        *lines,
        "A matching signature shows which key signed; whether that key may sign for that name is for the "
        "reviewer's allowed_signers file to say:",
        "",
        f"    launch-tui verify {visible(session.id)} --allowed-signers allowed_signers",
    ]


def _key(key_type: str, fingerprint: str) -> str:
    shown = text(key_type) if key_type else "—"
    return f"{shown} {code(fingerprint, in_table=True)}" if fingerprint else shown


def _covered(first: int, last: int) -> str:
    if first > last:
        return f"up to #{last} (signed before)"
    return f"#{last}" if first == last else f"#{first}–#{last}"


def _pending_actions(record: DecisionRecord) -> list[str]:
    if not record.pending_actions:
        return []
    rows = [
        [
            code(action.item, in_table=True),
            text(action.action),
            f"event #{action.intent_event}, {or_dash(action.intent_at)}",
            code(action.idempotency_key, in_table=True),
        ]
        for action in record.pending_actions
    ]
    return [
        "## Unfinished actions",
        "",
        "Each was about to change the platform when the session stopped: its outcome is unknown. "
        "Check the platform before running it again.",
        "",
        *table(["Item", "Action", "Intent recorded", "Idempotency key"], rows),
    ]


def _records(record: DecisionRecord) -> list[str]:
    rows = []
    for item in record.records:
        if item.id == "decision.known-gaps":
            continue
        if item.record is None:
            rows.append([code(item.id, in_table=True), "—", "*not recorded*", "—", "—"])
            continue
        for index, field in enumerate(item.record):
            first = index == 0
            rows.append(
                [
                    code(item.id, in_table=True) if first else "",
                    text(field.label),
                    or_dash(field.value),
                    or_dash(item.by) if first else "",
                    or_dash(item.at) if first else "",
                ]
            )
    return ["## Decision records", "", *table(["Record", "Field", "Value", "Recorded by", "At"], rows)]


def _known_gaps(record: DecisionRecord) -> list[str]:
    lines = ["## Known gaps", ""]
    if record.known_gaps is None:
        return [*lines, "*Not recorded yet* (`decision.known-gaps`)."]
    gaps_item = record.item("decision.known-gaps")
    lines += [f"Recorded by {or_dash(gaps_item.by)} at {or_dash(gaps_item.at)}.", ""]
    if not record.known_gaps:
        return [*lines, "None listed."]
    return lines + table(
        ["What", "Owner", "Due"], [[text(gap.what), or_dash(gap.owner), or_dash(gap.due)] for gap in record.known_gaps]
    )


def _signoffs(record: DecisionRecord) -> list[str]:
    lines = ["## Sign-offs", "", "Every item a person confirmed, recorded or waived, rather than a check passing:", ""]
    if not record.signoffs:
        return [*lines, "None yet."]
    rows = [[code(s.item, in_table=True), badge(s.decision), or_dash(s.by), or_dash(s.at)] for s in record.signoffs]
    return lines + table(["Item", "Decision", "By", "At"], rows)


def _overview(record: DecisionRecord) -> list[str]:
    rows = [[section.heading, f"{section.satisfied}/{section.total}"] for section in record.sections]
    return ["## Sections", "", *table(["Section", "Satisfied"], rows)]


def _section(section: SectionReport) -> list[str]:
    lines = [f"## {section.heading}", ""]
    for note in section.notes:
        lines += [f"> **Runbook note:** {note}", ""]
    for item in section.items:
        lines += [*_item(item), ""]
    return lines[:-1]


def _item(item: ItemReport) -> list[str]:
    shown = item.shown_status
    lines = [f"### `{item.id}`: {BADGES.get(shown, shown)}", "", f"> {item.text}"]
    lines += [f"> - {detail}" for detail in item.details]
    status = f"- **Status:** {badge(shown)}"
    if item.by or item.at:
        status += f", by {or_dash(item.by)} at {or_dash(item.at)}"
    if item.result and item.result != item.status:  # a person's decision over a check's verdict
        status += f"; the last check said {badge(item.result)}"
    if item.duration_ms is not None and item.result == item.status:
        status += f" ({item.duration_ms} ms)"
    if item.critical and item.result == item.status:
        status += ", **critical**"
    if item.runs > 1 and item.at and item.at != item.first_result_at and item.result == item.status:
        status += (
            f"; **re-run** (first run at {or_dash(item.first_result_at)}, {item.runs} runs: the time is the re-run's)"
        )
    if item.stale:
        status += "; **stale**: older than this check's useful age when this report was made"
    if item.outdated:
        status += f"; **outdated**: {text(item.outdated)}"
    lines += ["", status]
    if item.summary:
        lines.append(f"- **Summary:** {text(item.summary)}")
    if item.evidence:
        lines.append("- **Evidence:**")
        for e in item.evidence:
            parts = [f"{code(f'{e.method} {e.url}')} → {or_dash(e.status_code)}"]
            if e.request_id:
                parts.append(f"request id {code(e.request_id)}")
            parts += [f"{e.duration_ms} ms", f"at {text(e.at)}"]
            lines.append("  - " + ", ".join(parts))
    if item.refs:
        lines.append("- **References:** " + ", ".join(f"{text(key)} {code(value)}" for key, value in item.refs.items()))
    if item.waiver:
        w = item.waiver
        lines.append(
            f"- **Waiver:** {text(w.reason)} (owner {or_dash(w.owner)}, until {or_dash(w.until)}; by {or_dash(w.by)} at {or_dash(w.at)})"
        )
    if item.record:
        values = "; ".join(f"{text(field.label)}: {_field_value(field.value)}" for field in item.record)
        lines.append(f"- **Recorded:** {values}")
    for note in item.notes:
        lines.append(f"- **Note** by {or_dash(note.by)} at {or_dash(note.at)}: {text(note.text)}")
    return lines


def _field_value(value: object) -> str:
    if isinstance(value, list):  # known gaps: shown in their own table above
        return f"{len(value)} listed (see Known gaps)"
    return or_dash(value)
