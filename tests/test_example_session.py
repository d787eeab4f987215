"""The example session in sessions/ came from a real run against the sandbox
(tools/make_example_session.py); replay, report and verify all accept it."""

from pathlib import Path

from launch_tui.cli import main
from launch_tui.report.decision import build_record
from launch_tui.session import open_read_only
from launch_tui.session.replay import Replay

EXAMPLE = Path(__file__).resolve().parent.parent / "sessions" / "example-acme-freight.toml"


def test_verify_accepts_it(capsys):
    assert main(["verify", str(EXAMPLE)]) == 0
    assert "intact" in capsys.readouterr().out


def test_it_is_a_complete_launch_and_replays_event_by_event():
    opened = open_read_only(EXAMPLE)
    assert opened.state.launch_complete
    replay = Replay(opened)
    assert not replay.state_at(len(replay.events) - 20).launch_complete
    assert replay.state_at(len(replay.events)).launch_complete


def test_the_report_says_complete_and_intact(capsys):
    assert main(["report", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "DEMO launch complete: YES" in out and "INTACT" in out
    assert "This is not a production launch" in out  # a sandbox run says so (issue 14)
    record = build_record(open_read_only(EXAMPLE))
    assert record.launch_complete and record.target.sandbox


def test_no_sandbox_credential_is_in_it():
    text = EXAMPLE.read_text(encoding="utf-8")
    for marker in (
        "sbx_admin_",
        "rnd_sbx",
        "ghp_sbx",
        "sbx-jwt-",
        "sk_test_sbx",
        "sbx-session-",
        '"secret"',
        "accessToken",
    ):
        assert marker not in text
