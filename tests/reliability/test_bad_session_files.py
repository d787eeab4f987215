"""Bad session files, generated: truncated, random bytes, wrong types, huge strings,
unknown schema versions, duplicate or out-of-order events, and the same re-sealed by a
forger so that the hash chain holds and the fold, the report and the listing see them.

Every command that reads a session (verify, report, sessions, check SESSION, replay,
resume) answers with its exit code and, when it refuses, one line on stderr (exit 2);
never a traceback; the file byte-identical afterwards (resume may append only when it
accepted the file)."""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings, strategies as st

from launch_tui import cli
from launch_tui.commands import tui as tui_run
from launch_tui.session.chain import event_hash, header_hash
from launch_tui.session.models import EventKind

from ..conftest import make_target
from ..session.scripted import play

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOAK = settings(SETTINGS, max_examples=1500)
KINDS = [kind.value for kind in EventKind]


@pytest.fixture(scope="module")
def good_file(tmp_path_factory) -> bytes:
    """A session that uses every event kind (tests/session/scripted.py)."""
    path = play(tmp_path_factory.mktemp("good"), make_target())
    return path.read_bytes()


@pytest.fixture(autouse=True)
def no_app(monkeypatch, terminal):
    """resume and replay read the file before any screen shows; the app itself never
    starts here (closing the session it was given, as quitting would)."""
    reached = []

    def fake_run_app(app) -> int:
        reached.append(app)
        if not app.launch.read_only:
            app.launch.close()
        return 0

    monkeypatch.setattr(tui_run, "run_app", fake_run_app)
    return reached


# Turning a good file into a bad one ------------------------------------------------------


def documents(raw: bytes) -> tuple[dict, list[dict]]:
    data = tomllib.loads(raw.decode())
    events = data.pop("events")
    return data, events


def reseal(header: dict, events: list[dict]) -> bytes:
    """Write the documents back with a chain that holds: what a forger who read the code does."""
    previous = header_hash(header)
    sealed = []
    for event in events:
        body = {key: value for key, value in event.items() if key != "seal"}
        body["prev"] = previous
        previous = event_hash(body)
        sealed.append({**body, "seal": {"hash": previous}})
    text = tomli_w.dumps(header)
    for event in sealed:
        text += "\n" + tomli_w.dumps({"events": [event]})
    return text.encode()


scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.text(max_size=30),
    st.just("x" * 100_000),
    st.just("\x1b]0;pwned\x07\x1b[2J"),
    st.just(""),
    st.just("2026-13-45T99:99:99Z"),
    st.just("not a time"),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6,
)
DATA_KEYS = [
    "refs",
    "fields",
    "files",
    "section",
    "idempotency_key",
    "action",
    "partial",
    "reason",
    "owner",
    "until",
    "key_id",
    "path",
    "covers_hash",
    "dropped_seq",
    "checklist_hash",
]
EVENT_FIELDS = [
    "seq",
    "at",
    "actor",
    "kind",
    "item",
    "status",
    "summary",
    "note",
    "duration_ms",
    "critical",
    "evidence",
    "data",
]


@st.composite
def forged(draw, raw: bytes) -> bytes:
    """Re-sealed files with wrong types, huge strings, odd kinds and reordered events."""
    header, events = documents(raw)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(events) - 1))
        event = events[index]
        choice = draw(st.sampled_from(["field", "data", "evidence", "header", "kind", "duplicate", "swap", "drop"]))
        if choice == "field":
            event[draw(st.sampled_from(EVENT_FIELDS))] = draw(values)
        elif choice == "data":
            event.setdefault("data", {})[draw(st.sampled_from(DATA_KEYS))] = draw(values)
        elif choice == "evidence":
            evidence = {
                "method": "GET",
                "url": "https://api.example.com/x",
                "at": "2026-11-30T10:00:00Z",
                "duration_ms": 1,
            }
            evidence[
                draw(st.sampled_from(["method", "url", "at", "status_code", "request_id", "excerpt", "duration_ms"]))
            ] = draw(values)
            event["evidence"] = [evidence]
        elif choice == "header":
            section = draw(st.sampled_from(["session", "checklist", "target"]))
            header[section][draw(st.sampled_from([*list(header[section]), "extra"]))] = draw(values)
        elif choice == "kind":
            event["kind"] = draw(st.sampled_from(KINDS))
            if draw(st.booleans()):
                event.pop("item", None)
        elif choice == "duplicate":
            events.insert(index, dict(event))
        elif choice == "swap":
            other = draw(st.integers(0, len(events) - 1))
            events[index], events[other] = events[other], events[index]
        elif choice == "drop" and len(events) > 1:
            del events[index]
    resealed = draw(st.booleans())
    if resealed:
        return reseal(header, events)
    text = tomli_w.dumps(header) + "".join("\n" + tomli_w.dumps({"events": [e]}) for e in events)
    return text.encode()


@st.composite
def damaged(draw, raw: bytes) -> bytes:
    """Byte-level damage: truncation, random bytes, flipped bytes, a new schema version."""
    choice = draw(st.sampled_from(["truncate", "random", "flip", "schema", "splice"]))
    if choice == "truncate":
        return raw[: draw(st.integers(0, len(raw) - 1))]
    if choice == "random":
        return draw(st.binary(max_size=4096))
    if choice == "flip":
        out = bytearray(raw)
        for _ in range(draw(st.integers(1, 5))):
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
        return bytes(out)
    if choice == "schema":
        version = draw(st.one_of(st.integers(), st.text(max_size=10).map(repr), st.just("1.0"), st.just("[1]")))
        return raw.replace(b"schema_version = 1\n", f"schema_version = {version}\n".encode(), 1)
    start = draw(st.integers(0, len(raw)))
    return raw[:start] + draw(st.binary(max_size=200)) + raw[start:]


# Every command against one bad file ----------------------------------------------------


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)  # a traceback here fails the test
    return code, out.getvalue(), err.getvalue()


def assert_refusal_is_one_line(code: int, err: str, command: str) -> None:
    if code == 2:
        assert err.startswith("launch-tui: ") and err.count("\n") == 1, (command, err)
        assert "Traceback" not in err


def every_command(content: bytes) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bad-session-"))
    try:
        path = folder / "acme-freight-20261130-090000.toml"
        path.write_bytes(content)
        for argv, codes in (
            (["verify", str(path)], {0, 1, 2}),
            (["report", str(path)], {0, 2}),
            (["report", str(path), "--format", "json"], {0, 2}),
            (["sessions", "--sessions-dir", str(folder)], {0}),
            (["replay", str(path)], {0, 2}),
        ):
            code, _out, err = run_cli(argv)
            assert code in codes, (argv[0], code, err)
            assert_refusal_is_one_line(code, err, argv[0])
            assert path.read_bytes() == content, f"{argv[0]} changed the file"
        code, _out, err = run_cli(["resume", str(path), "--operator", "fuzz"])
        assert code in (0, 2), (code, err)
        assert_refusal_is_one_line(code, err, "resume")
        if code == 2:
            assert path.read_bytes() == content, "a refused resume changed the file"
        else:
            assert path.read_bytes().startswith(content.rstrip(b"\n"))  # accepted: only appended to
    finally:
        shutil.rmtree(folder)


@SETTINGS
@given(data=st.data())
def test_forged_files(good_file, data):
    every_command(data.draw(forged(good_file)))


@SETTINGS
@given(data=st.data())
def test_damaged_files(good_file, data):
    every_command(data.draw(damaged(good_file)))


@pytest.mark.soak
@SOAK
@given(data=st.data())
def test_forged_and_damaged_files_at_length(good_file, data):
    every_command(data.draw(st.one_of(forged(good_file), damaged(good_file))))


def test_resume_refuses_an_altered_file_before_dropping_its_cut_short_tail(good_file, tmp_path):
    """Found here: resume used to drop the tail (truncate, append) and only then verify."""
    content = good_file.replace(b"defaults accepted", b"defaults accepted!", 1) + b'\n[[events]]\nseq = 99\nkind = "no'
    path = tmp_path / "s.toml"
    path.write_bytes(content)
    code, _out, err = run_cli(["resume", str(path), "--drop-cut-short"])
    assert code == 2 and "was altered" in err
    assert path.read_bytes() == content


def test_a_resealed_file_with_wrong_types_is_refused_by_verify_too(good_file, tmp_path):
    header, events = documents(good_file)
    record = next(e for e in events if e["kind"] == "record.saved")
    record["data"]["fields"] = 7
    path = tmp_path / "s.toml"
    path.write_bytes(reseal(header, events))
    code, _out, err = run_cli(["verify", str(path)])
    assert code == 2 and "data.fields: not a table" in err and err.count("\n") == 1


@pytest.mark.parametrize("name", ["duplicate", "out of order"])
def test_duplicate_and_out_of_order_events_are_named_by_verify(good_file, tmp_path, name):
    header, events = documents(good_file)
    if name == "duplicate":
        events.insert(5, events[4])
        content = tomli_w.dumps(header).encode() + b"".join(
            b"\n" + tomli_w.dumps({"events": [e]}).encode() for e in events
        )
        expected = "is a copy of event #5"
    else:
        events[4], events[5] = events[5], events[4]
        content = tomli_w.dumps(header).encode() + b"".join(
            b"\n" + tomli_w.dumps({"events": [e]}).encode() for e in events
        )
        expected = "reordered"
    path = tmp_path / "s.toml"
    path.write_bytes(content)
    code, out, err = run_cli(["verify", str(path)])
    assert code == 1 and expected in out, out
    code, out, err = run_cli(["resume", str(path)])
    assert code == 2 and "altered" in err and err.count("\n") == 1
    assert path.read_bytes() == content


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    from launch_tui.session import rawfile

    monkeypatch.setattr(rawfile, "MAX_SESSION_BYTES", 1024)
    path = tmp_path / "s.toml"
    path.write_bytes(b"schema_version = 1\n" + b"#" * 4096)
    code, _out, err = run_cli(["verify", str(path)])
    assert code == 2 and "larger than" in err
