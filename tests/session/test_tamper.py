"""Every edit a person can make to a session file is caught by `verify` (exit 1),
which names the first event that does not hold; what the chain cannot catch alone
(events cut off the end, a file re-sealed whole) an anchor catches."""

from __future__ import annotations

import bisect
import re
import shutil
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from launch_tui.cli import main
from launch_tui.session import SessionUnreadable, read_session, verify_chain
from launch_tui.session.chain import header_hash
from launch_tui.session.fileformat import parse_session
from launch_tui.session.rawfile import EVENTS_LINE
from tests.conftest import make_target

from .scripted import play
from .tampering import TamperedFile, edit, parse, sealed


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    return play(tmp_path_factory.mktemp("scripted"), make_target())


@pytest.fixture
def session(original, tmp_path) -> TamperedFile:
    copy = tmp_path / original.name
    shutil.copy(original, copy)
    return TamperedFile(copy)


def verify(path, capsys, *extra) -> tuple[int, str]:
    code = main(["verify", str(path), *extra])
    return code, capsys.readouterr().out


def assert_altered_at(session: TamperedFile, capsys, position: int, *words: str) -> str:
    code, out = verify(session.save(), capsys)
    assert code == 1, out
    assert out.count("\n") == 1 and "ALTERED" in out, out
    verdict = verify_chain(read_session(session.path))
    assert verdict.first_bad == position, out
    for word in (f"event #{position}", *words):
        assert word in out, (word, out)
    return out


def test_the_untouched_and_the_reassembled_file_verify_intact(session, capsys):
    assert verify(session.path, capsys)[0] == 0
    assert verify(session.save(), capsys)[0] == 0  # the tampering tools themselves change nothing


def test_an_edited_status(session, capsys):
    index = session.at(b'item = "infra.web-app"', b'status = "fail"')
    session.edit_event(index, b'status = "fail"', b'status = "pass"')
    assert_altered_at(session, capsys, index, "infra.web-app", "was edited")


def test_an_edited_summary(session, capsys):
    index = session.at(b"last successful nightly run 52 h ago")
    session.edit_event(index, b"52 h ago", b"12 h ago")
    assert_altered_at(session, capsys, index, "guardrails.nightly", "was edited")


@pytest.mark.parametrize(
    ("old", "new"), [(b"status_code = 401", b"status_code = 200"), (b'"req_tok_2"', b'"req_tok_7"')]
)
def test_an_edited_evidence_field(session, capsys, old, new):
    index = session.at(b"req_tok_2")
    session.edit_event(index, old, new)
    assert_altered_at(session, capsys, index, "auth.token-revoked", "was edited")


def test_a_deleted_middle_event(session, capsys):
    index = session.at(b'item = "guardrails.nightly"', b"waived")
    del session.events[index - 1]
    assert_altered_at(session, capsys, index, f"between event #{index - 1} and it, 1 event(s) were deleted")


def test_the_deleted_first_event(session, capsys):
    del session.events[0]
    assert_altered_at(session, capsys, 1, "the first 1 event(s) were deleted")


def test_reordered_events(session, capsys):
    index = session.at(b"infra.web-app", b"waived")
    session.events[index - 2], session.events[index - 1] = session.events[index - 1], session.events[index - 2]
    assert_altered_at(session, capsys, index - 1, "reordered")


def test_a_duplicated_event(session, capsys):
    index = session.at(b"idem-job-1", b"action.result")
    session.events.insert(index, session.events[index - 1])
    assert_altered_at(session, capsys, index + 1, f"a copy of event #{index}")


def flipped_checklist_hash(header: bytes) -> bytes:
    digits = header.split(b'hash = "sha256:')[1][:64]
    return edit(header, digits, (b"1" if digits.startswith(b"0") else b"0") + digits[1:])


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda h: edit(h, b'api_url = "https://api.example.com"', b'api_url = "https://api.evil.example"'), "header"),
        (lambda h: edit(h, b'environment = "production"', b'environment = "staging"'), "header"),
        (
            lambda h: edit(h, b'operator = "alice"', b'operator = "mallory"'),
            "'mallory', event #1 was recorded by 'alice'",
        ),
        (flipped_checklist_hash, "the checklist hash reads"),
    ],
    ids=["target url", "environment", "operator", "checklist hash"],
)
def test_a_changed_header(session, capsys, change, named):
    session.header = change(session.header)
    assert_altered_at(session, capsys, 1, named)


def forged_copy(session: TamperedFile, index: int, **changes) -> bytes:
    """Event `index` copied, edited and re-sealed: the forger's obvious move."""
    document = parse(session.events[index - 1])
    document.update(status="pass", summary="web app points to the API", seq=index + 1, **changes)
    return sealed(document)


def test_an_inserted_forged_event_with_a_recomputed_seal_but_a_copied_link(session, capsys):
    index = session.at(b"infra.web-app", b'status = "fail"')
    session.events.insert(index, forged_copy(session, index))  # its prev names the event before the original
    assert_altered_at(session, capsys, index + 1, "was inserted", f"claims to follow event #{index - 1}")


def test_an_inserted_forged_event_with_a_recomputed_seal_but_an_invented_link(session, capsys):
    index = session.at(b"infra.web-app", b'status = "fail"')
    session.events.insert(index, forged_copy(session, index, prev="sha256:" + "ab" * 32))
    assert_altered_at(session, capsys, index + 1, f"does not follow event #{index}", "forged")


def test_an_inserted_forged_event_chained_correctly_is_named_by_the_event_it_displaced(session, capsys):
    index = session.at(b"infra.web-app", b'status = "fail"')
    session.events.insert(index, forged_copy(session, index, prev=parse(session.events[index - 1])["seal"]["hash"]))
    # the forgery holds; the event it pushed down no longer follows the event before it
    assert_altered_at(session, capsys, index + 1, "inserted", f"right after event #{index}")


def test_an_edited_event_re_sealed_is_caught_by_the_next_one(session, capsys):
    index = session.at(b"infra.web-app", b'status = "fail"')
    forged = parse(session.events[index - 1])
    forged.update(status="pass")
    session.events[index - 1] = sealed(forged)
    assert_altered_at(session, capsys, index + 1, f"does not follow event #{index}", "re-sealed")


def test_a_toml_date_where_a_string_was_is_altered_not_a_crash(session, capsys):
    index = session.at(b"decision.known-gaps")
    session.edit_event(index, b'due = "2026-12-24"', b"due = 2026-12-24")
    assert_altered_at(session, capsys, index, "date or time")


def test_escape_sequences_in_an_altered_event_do_not_reach_the_terminal(session, capsys):
    index = session.at(b"last successful nightly run 52 h ago")
    session.edit_event(index, b'item = "guardrails.nightly"', b'item = "guardrails.nightly\\u001b]0;owned\\u0007"')
    out = assert_altered_at(session, capsys, index, "\u241b]0;owned")
    assert "\x1b" not in out and "\x07" not in out


# -- the limits of the chain, and the anchor that covers them ------------------------


def last_hash(session: TamperedFile) -> str:
    return parse(session.events[-1])["seal"]["hash"]


def test_events_cut_off_the_end_pass_the_chain_but_not_the_anchor(session, capsys):
    anchor = last_hash(session)
    del session.events[-3:]
    session.save()
    assert verify(session.path, capsys)[0] == 0  # the documented limit of a hash chain
    code, out = verify(session.path, capsys, "--last-hash", anchor)
    assert code == 1 and "ALTERED" in out and "anchored hash" in out and f"event #{len(session.events)}" in out


def test_a_file_re_sealed_whole_after_a_header_edit_passes_the_chain_but_not_the_anchor(session, capsys):
    anchor = last_hash(session)
    session.header = edit(
        session.header, b'api_url = "https://api.example.com"', b'api_url = "https://api.evil.example"'
    )
    prev = header_hash(tomllib.loads(session.header.decode()))
    for index, event in enumerate(session.events):
        document = parse(event)
        document["prev"] = prev
        session.events[index] = sealed(document)
        prev = parse(session.events[index])["seal"]["hash"]
    session.save()
    assert verify(session.path, capsys)[0] == 0
    assert verify(session.path, capsys, "--last-hash", anchor)[0] == 1


def test_an_anchor_allows_events_added_after_it(session, capsys):
    anchor = parse(session.events[-3])["seal"]["hash"]
    code, out = verify(session.path, capsys, "--last-hash", anchor.upper().replace("SHA256", "sha256"))
    assert code == 0 and f"the anchor is event #{len(session.events) - 2}, 2 event(s) added since" in out


@pytest.mark.parametrize("bad", ["abc", "sha256:xyz", "md5:" + "0" * 64])
def test_a_malformed_anchor_is_a_usage_error(session, capsys, bad):
    assert main(["verify", str(session.path), "--last-hash", bad]) == 2
    assert "--last-hash" in capsys.readouterr().err


def test_a_cut_short_last_event_is_reported_as_such_and_exits_1(session, capsys):
    raw = session.path.read_bytes()
    session.path.write_bytes(raw[:-30])
    code, out = verify(session.path, capsys)
    assert code == 1 and "cut short" in out and "ALTERED" not in out


# -- any single-byte edit ------------------------------------------------------------

STRING_OR_SCALAR = re.compile(rb'"((?:[^"\\\n]|\\.)*)"|= (-?\d+|true|false)$', re.MULTILINE)


def value_spans(raw: bytes) -> list[tuple[int, int, int]]:
    """(start, end, owner) of every sealed value's bytes: owner 0 is the header, N event #N."""
    starts = [match.start() for match in EVENTS_LINE.finditer(raw)]
    spans = []
    for match in STRING_OR_SCALAR.finditer(raw):
        group = 1 if match.group(1) is not None else 2
        start, end = match.span(group)
        if end > start:
            spans.append((start, end, bisect.bisect_right(starts, start)))
    return spans


def outcome(raw: bytes, path) -> tuple[int, object]:
    """verify's exit code for these bytes, and the verdict (or the SessionUnreadable)."""
    try:
        verdict = verify_chain(parse_session(raw, path))
    except SessionUnreadable as exc:
        return 2, exc
    return (0 if verdict.intact and not verdict.tail else 1), verdict


@pytest.fixture(scope="module")
def original_bytes(original) -> bytes:
    return original.read_bytes()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_byte_changed_inside_any_sealed_value_is_never_intact(original_bytes, original, data):
    spans = value_spans(original_bytes)
    start, end, owner = data.draw(st.sampled_from(spans), label="value")
    offset = data.draw(st.integers(start, end - 1), label="offset")
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != original_bytes[offset]), label="byte")
    edited = original_bytes[:offset] + bytes([byte]) + original_bytes[offset + 1 :]
    code, verdict = outcome(edited, original)
    assert code in (1, 2), (owner, offset, byte)
    if code == 1 and not verdict.intact:  # named: the edited event, or the first one for the header
        assert verdict.first_bad == max(owner, 1), (owner, verdict.line)
    elif code == 1:  # the edit broke the last event's seal line, so it reads as cut short
        assert verdict.tail.seq == owner == len(parse_session(original_bytes, original).events), verdict.line


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_byte_changed_anywhere_verifies_intact_only_if_the_content_is_the_same(original_bytes, original, data):
    offset = data.draw(st.integers(0, len(original_bytes) - 1), label="offset")
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != original_bytes[offset]), label="byte")
    edited = original_bytes[:offset] + bytes([byte]) + original_bytes[offset + 1 :]
    code, _ = outcome(edited, original)
    if code == 0:  # e.g. a space turned into a tab between a key and its value
        before, after = parse_session(original_bytes, original), parse_session(edited, original)
        assert (after.header_raw, after.events_raw) == (before.header_raw, before.events_raw), (offset, byte)
