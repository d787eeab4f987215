"""Bad operator input and hostile text: invalid URLs, plain-http production URLs, dates
in the past, empty names, 10,000-character notes, control characters and terminal
escape sequences typed in or sent back by a server (shown escaped, never interpreted);
and the TUI answering keys while a check hangs on a bad network."""

from __future__ import annotations

import json
from datetime import date

import pytest
from textual.widgets import Input, Static

from launch_tui.cli import main
from launch_tui.errors import UsageError
from launch_tui.launch import inputs
from launch_tui.launch.inputs import InputError
from launch_tui.launch.live import LiveLaunch
from launch_tui.results import ItemStatus
from launch_tui.secrets import Secrets
from launch_tui.session import LiveSession
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.dialogs.common import TextDialog, WaiveDialog
from launch_tui.tui.dialogs.help import HelpDialog
from launch_tui.tui.screens.section import SectionScreen

from ..conftest import make_target
from ..tui.conftest import TEST_SECRETS
from ..tui.driver import select_item, settle, wait_for_dialog
from . import faults
from .faults import FaultServer

TODAY = date(2026, 11, 30)
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b[31mALL GREEN\x1b[0m\u202egnp.exe\x9b6n"


# The target: URLs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, words",
    [
        ("api.example.com", "not an http(s) URL"),
        ("ftp://api.example.com", "not an http(s) URL"),
        ("https://", "not an http(s) URL"),
        ("https://api.example.com/?debug=1", "query or fragment"),
        ("https://api.exa mple.com", "spaces or control characters"),
        ("https://api.example.com/\x1b[2J", "spaces or control characters"),
        ("http://api.example.com", "use https://"),  # plain http to production: refused
        ("http://10.0.0.5:8080", "use https://"),  # a private address is not loopback
    ],
)
def test_bad_urls_are_one_line_usage_errors(url, words):
    with pytest.raises(UsageError) as caught:
        make_target(api_url=url)
    message = str(caught.value)
    assert words in message and "\n" not in message and "\x1b" not in message.replace("\\x1b", "")


def test_a_bad_target_file_stops_new_before_any_screen(tmp_path, capsys, terminal):
    target = tmp_path / "target.toml"
    target.write_text(
        'environment = "production"\napi_url = "http://api.example.com"\nteam_mode = "solo"\n'
        '[customer]\nname = "Acme"\ntenant_slug = "acme"\n'
    )
    assert main(["new", "--target", str(target), "--sessions-dir", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "use https://" in err and "Traceback" not in err
    assert not (tmp_path / "s").exists()  # nothing created


# What the operator types ------------------------------------------------------------------------


def test_input_rules_in_one_line():
    cases = [
        (lambda: inputs.gaps([{"what": "SSO", "owner": "Dana", "due": "2026-11-29"}], today=TODAY), "in the past"),
        (lambda: inputs.gaps([{"what": "SSO", "owner": "  ", "due": "2026-12-01"}], today=TODAY), "empty"),
        (lambda: inputs.waiver("why", "", "2026-12-01", today=TODAY), "empty"),
        (lambda: inputs.waiver("why", "Dana\x1b[2J", "2026-12-01", today=TODAY), "control characters"),
        (lambda: inputs.waiver("why", "Dana", "2026-12-32", today=TODAY), "not a date"),
        (lambda: inputs.text("x" * 20_001, "the note"), "keep it under 20,000"),
        (lambda: inputs.name("x" * 201, "the owner"), "keep it under 200"),
    ]
    for call, words in cases:
        with pytest.raises(InputError) as caught:
            call()
        assert words in str(caught.value) and "\n" not in str(caught.value)


@pytest.fixture
def live(tmp_path):
    session = LiveSession.create(make_target(), "alice", tmp_path / "sessions")
    yield session
    session.close()


def detail_text(app) -> str:
    return str(app.screen.query_one("#detail-body", Static).render())


async def test_long_notes_and_typed_escape_sequences_are_kept_and_shown_escaped(live):
    app = LaunchApp(LiveLaunch(live, Secrets(TEST_SECRETS)))
    long_note = ("a ten-thousand-character note " * 400)[:10_000]
    async with app.run_test(size=(100, 30)) as pilot:
        await select_item(pilot, "infra.health")
        for note in (long_note, f"from the customer: {ESCAPES}"):
            await pilot.press("n")
            dialog = await wait_for_dialog(pilot, TextDialog)
            dialog.query_one("#text", Input).value = note
            await pilot.press("enter")
            await pilot.pause()
        notes = app.launch.state.item("infra.health").notes
        assert next(len(n.text) for n in notes) == 10_000 and notes[1].text.endswith(ESCAPES)  # kept as typed
        shown = detail_text(app)
        assert "a ten-thousand-character note" in shown
        assert not any(char in shown for char in "\x1b\x07\x9b\u202e")
        assert "␛[2J" in shown and "⟨U+202E⟩" in shown
        # A name with control characters is refused in the dialog, in one line.
        await pilot.press("w")
        dialog = await wait_for_dialog(pilot, WaiveDialog)
        dialog.query_one("#reason", Input).value = "staging only"
        dialog.query_one("#owner", Input).value = "Dana\x1b[2J"
        dialog.query_one("#until", Input).value = "2099-01-01"
        dialog.action_submit()
        await pilot.pause()
        error = str(dialog.query_one("#dialog-error", Static).render())
        assert "control characters" in error and "\x1b" not in error
    report = main(["report", str(live.path)])
    assert report == 0


class HostileHealth:
    """A /health whose fields and body carry terminal escape sequences."""

    def __call__(self, conn, request, stop) -> None:
        body = json.dumps(
            {
                "status": f"ok{ESCAPES}",
                "version": ESCAPES,
                "checks": {"database": {"status": f"slow{ESCAPES}"}, "migrations": {"pending": 0}},
            }
        )
        conn.sendall(faults.response("200 OK", body.encode(), **{"x_request_id": "req\x1b]0;x\x07"}))


async def test_escape_sequences_a_server_sends_back_are_shown_escaped(tmp_path):
    with FaultServer(HostileHealth()) as server:
        live = LiveSession.create(make_target(api_url=server.url), "alice", tmp_path / "sessions")
        app = LaunchApp(LiveLaunch(live, Secrets(TEST_SECRETS)))
        async with app.run_test(size=(100, 30)) as pilot:
            await select_item(pilot, "infra.health")
            await pilot.press("r")
            await settle(pilot)
            state = app.launch.state.item("infra.health")
            assert state.status in (ItemStatus.WARN, ItemStatus.ERROR, ItemStatus.FAIL), state.summary
            shown = detail_text(app)
            assert state.evidence and "Evidence" in shown
            assert not any(char in shown for char in "\x1b\x07\x9b\u202e"), shown
    recorded = live.path.read_text(encoding="utf-8")
    assert "\x1b" not in recorded and "\x07" not in recorded  # evidence is stored cleaned


async def test_the_tui_answers_keys_while_a_check_hangs(tmp_path):
    """A check stuck on a trickling server: the cursor moves, help opens and closes,
    and the run can be cancelled, all while the worker waits on the network."""
    with FaultServer(faults.trickle) as server:
        live = LiveSession.create(make_target(api_url=server.url), "alice", tmp_path / "sessions")
        app = LaunchApp(LiveLaunch(live, Secrets(TEST_SECRETS)))
        async with app.run_test(size=(100, 30)) as pilot:
            await select_item(pilot, "infra.health")
            await pilot.press("r")
            for _ in range(100):
                await pilot.pause(0.02)
                if server.requests:
                    break
            assert "infra.health" in app.running and server.requests == 1
            table = app.screen.query_one("ItemTable")
            row = table.cursor_row
            await pilot.press("up")
            await pilot.pause()
            assert table.cursor_row == row - 1
            await pilot.press("question_mark")
            await wait_for_dialog(pilot, HelpDialog)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, SectionScreen)
            assert "infra.health" in app.running  # still waiting on the network all along
            await pilot.press("x")
            await settle(pilot)
            assert "infra.health" not in app.running
        live.close()
