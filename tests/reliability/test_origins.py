"""Secrets go only where this machine's operator trusts them (issue 11).

A session file travels; its header's URLs are not the operator's word. Each test points
a session (sealed again the way a forger who read the code would) or a redirect at a
small recording server on loopback, and asserts where every secret went: nowhere new."""

from __future__ import annotations

import contextlib
import io
import os
import tomllib
from pathlib import Path

import httpx
import pytest
import tomli_w

from launch_tui import cli, trust
from launch_tui.clients.transport import CrossOriginRedirect, Policy, Transport, make_client
from launch_tui.errors import UsageError
from launch_tui.launch.live import LiveLaunch
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, NewEvent
from launch_tui.session.chain import event_hash, header_hash
from launch_tui.tui.app import LaunchApp
from launch_tui.tui.dialogs.trust import TrustDialog

from ..conftest import make_target
from .faults import FaultServer, reply, response

SECRETS = {
    "LAUNCH_ADMIN_TOKEN": "adm_origin_test_7f3e9a1c",
    "LAUNCH_INTEGRATION_KEY": "lk_origin_valid_4b8d2e6f",
    "LAUNCH_REVOKED_KEY": "lk_origin_revoked_9c1a5e3b",
    "RENDER_API_KEY": "rnd_origin_test_2d4f6a8c",
    "GITHUB_TOKEN": "ghp_origin_test_1a3c5e7b",
}
OK = reply("200 OK", b"{}")


@pytest.fixture(autouse=True)
def _on_a_terminal(terminal):
    """These drive the CLI in-process: the TUI commands must get past "needs a terminal"
    (tests/test_cli_conventions.py shows that refusal) to reach what is tested here."""


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def secrets_in(server: FaultServer) -> list[str]:
    seen = b"".join(server.seen)
    return [name for name, value in SECRETS.items() if value.encode() in seen]


def retarget(path: Path, api_url: str, *, reseal: bool = True) -> None:
    """Point the header at `api_url`; with `reseal`, recompute every seal as the store would."""
    document = tomllib.loads(path.read_text())
    header = {key: value for key, value in document.items() if key != "events"}
    header["target"]["api_url"] = api_url
    events = document["events"]
    previous = header_hash(header)
    text = tomli_w.dumps(header)
    for event in events:
        body = {key: value for key, value in event.items() if key != "seal"}
        if reseal:
            body["prev"] = previous
            previous = event_hash(body)
            event = {**body, "seal": {"hash": previous}}
        text += "\n" + tomli_w.dumps({"events": [event]})
    path.write_text(text)


def acme_target(folder: Path, api_url: str) -> Path:
    """The operator's own target file for Acme (staging, solo) at `api_url`."""
    path = folder / "acme.toml"
    target = {"environment": "staging", "api_url": api_url, "team_mode": "solo"}
    path.write_text(tomli_w.dumps({**target, "customer": {"name": "Acme", "tenant_slug": "acme"}}))
    return path


def travelled_session(folder: Path, *, intent: bool = False) -> Path:
    """A session made on another machine (its origins are not trusted here), with a
    crash-interrupted tenant creation when `intent`."""
    live = LiveSession.create(make_target(), "alice", folder, trust_source=None)
    if intent:
        live.record(
            NewEvent(
                kind=EventKind.ACTION_INTENT,
                item="onboarding.tenant",
                data={"action": "create_tenant", "idempotency_key": "lt-travelled"},
            )
        )
    live.close()
    return live.path


# The store --------------------------------------------------------------------------


def test_the_store_is_private_readable_and_per_credential(_own_trust_file):
    target = make_target(render={"api_service_id": "srv-abc"}, github={"repo": "acme/platform"})
    assert [str(entry.origin) for entry in trust.untrusted_origins(target)] == ["https://api.example.com"]
    assert trust.trust(target, "target file acme.toml")
    assert trust.untrusted_origins(target) == []
    assert os.stat(_own_trust_file).st_mode & 0o777 == 0o600
    text = _own_trust_file.read_text()
    assert 'origin = "https://api.example.com"' in text and "LAUNCH_ADMIN_TOKEN" in text and text.startswith("#")
    # The platform's origin is trusted for the platform's credentials only, not for Render's key.
    moved = make_target(render={"api_service_id": "srv-abc", "api_url": "https://api.example.com/v1"})
    [entry] = trust.untrusted_origins(moved)
    assert entry.credentials == ("RENDER_API_KEY",) and str(entry.origin) == "https://api.example.com"
    # Same origin however written; another port is another origin.
    assert trust.untrusted_origins(make_target(api_url="https://API.example.com:443/base")) == []
    assert trust.untrusted_origins(make_target(api_url="https://api.example.com:8443"))


def test_a_broken_or_linked_store_is_one_line(tmp_path, monkeypatch):
    store = tmp_path / "trusted-origins.toml"
    monkeypatch.setenv("LAUNCH_TRUST_FILE", str(store))
    store.write_text("[[trusted]]\norigin = 7\n")
    with pytest.raises(UsageError, match="each \\[\\[trusted\\]\\] needs origin"):
        trust.untrusted_origins(make_target())
    store.unlink()
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text("")
    store.symlink_to(elsewhere)
    with pytest.raises(UsageError, match="symbolic link"):
        trust.trust(make_target(), "test")
    assert elsewhere.read_text() == ""


def _trust_origins(store: str, first_port: int, count: int) -> None:
    """A child process that trusts `count` origins of its own, one answer at a time."""
    for port in range(first_port, first_port + count):
        trust.trust(make_target(api_url=f"https://api.example.com:{port}"), f"child {first_port}", Path(store))


def test_two_processes_trusting_at_once_both_land(tmp_path):
    """Each yes is a read-modify-write of one file: without the lock, a process that read
    before the other wrote would write its old copy back and drop the other's entry."""
    import multiprocessing

    store = tmp_path / "trusted-origins.toml"
    spawn = multiprocessing.get_context("spawn")
    children = [spawn.Process(target=_trust_origins, args=(str(store), first, 25)) for first in (10000, 20000)]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
        assert child.exitcode == 0
    ports = {origin.port for origin in trust.load(store)}
    assert ports == set(range(10000, 10025)) | set(range(20000, 20025))
    assert os.stat(store.with_name(store.name + ".lock")).st_mode & 0o777 == 0o600


# Headless: check SESSION --------------------------------------------------------------


def test_check_refuses_a_resealed_retargeted_session_and_sends_nothing(tmp_path, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    with FaultServer(OK) as hostile:
        path = travelled_session(tmp_path / "sessions")
        trust.trust(make_target(), "the operator's own target")  # the original origin is trusted here
        retarget(path, hostile.url)
        before = path.read_bytes()
        code, out, err = run_cli(["check", str(path)])
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
        assert f"would go to {hostile.url}" in err and "LAUNCH_ADMIN_TOKEN" in err
        assert "--trust-session-origins" in err and "nothing was sent" in err
        assert hostile.requests == 0 and path.read_bytes() == before
        # Told explicitly: trusted (and said so), then checked against it.
        code, out, err = run_cli(["check", str(path), "--section", "infra", "--trust-session-origins"])
        assert code != 2 and "trusted on this machine" in err and hostile.requests > 0
        assert trust.untrusted_origins(make_target(api_url=hostile.url)) == []


def test_check_refuses_an_altered_session_before_any_request(tmp_path, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    with FaultServer(OK) as hostile:
        path = travelled_session(tmp_path / "sessions")
        trust.trust(make_target(api_url=hostile.url), "even a trusted origin")
        retarget(path, hostile.url, reseal=False)
        code, _out, err = run_cli(["check", str(path), "--trust-session-origins"])
        assert code == 2 and len(err.strip().splitlines()) == 1 and "was altered" in err
        assert hostile.requests == 0
        # Read-only commands still read it.
        assert run_cli(["verify", str(path)])[0] == 1
        assert run_cli(["report", str(path)])[0] == 0


def test_check_target_trusts_the_operators_own_file_and_says_so_once(tmp_path, monkeypatch, _own_trust_file):
    with FaultServer(OK) as server:
        target_file = acme_target(tmp_path, server.url)
        _code, _, err = run_cli(["check", "--target", str(target_file), "--section", "infra"])
        assert f"trusted on this machine from target file {target_file}" in err and server.url in err
        assert str(_own_trust_file) in err
        _, _, again = run_cli(["check", "--target", str(target_file), "--section", "infra"])
        assert "trusted on this machine" not in again


# The TUI: nothing is sent before the operator agrees ---------------------------------------


async def test_the_tui_asks_before_any_request_and_sends_nothing_when_refused(tmp_path):
    with FaultServer(OK) as hostile:
        path = travelled_session(tmp_path / "sessions", intent=True)
        retarget(path, hostile.url)
        launch = LiveLaunch(LiveSession.resume(path, "bob"), Secrets(SECRETS))
        app = LaunchApp(launch)
        async with app.run_test() as pilot:
            await pilot.pause()
            assert isinstance(app.screen, TrustDialog)
            shown = str(app.screen.query_one("#explanation").render())
            assert hostile.url in shown and "LAUNCH_ADMIN_TOKEN" in shown
            await pilot.press("a", "r", "x")  # keys meant for the section beneath: nothing happens
            await pilot.pause()
            assert hostile.requests == 0
            with pytest.raises(Exception, match="does not trust"):
                launch.context()  # the one door every request goes through is shut
            await pilot.press("enter")  # the focus is on Cancel: a stray Enter sends nothing
            await pilot.pause()
        assert app.return_code == 2
        assert hostile.requests == 0 and secrets_in(hostile) == []
        assert trust.untrusted_origins(launch.live.header)


async def test_the_tui_sends_only_after_the_operator_agrees(tmp_path):
    with FaultServer(OK) as hostile:
        path = travelled_session(tmp_path / "sessions", intent=True)
        retarget(path, hostile.url)
        app = LaunchApp(LiveLaunch(LiveSession.resume(path, "bob"), Secrets(SECRETS)))
        async with app.run_test() as pilot:
            await pilot.pause()
            assert isinstance(app.screen, TrustDialog) and hostile.requests == 0
            await pilot.click("#ok")
            await pilot.pause()
            from launch_tui.tui.dialogs.since import SinceYouLeftDialog

            if isinstance(app.screen, SinceYouLeftDialog):  # on resume, what happened since comes next
                await pilot.click("#ok")
            for _ in range(50):  # crash recovery looks the tenant up once agreed
                await pilot.pause(0.05)
                if hostile.requests:
                    break
            assert hostile.requests > 0
        assert trust.untrusted_origins(make_target(api_url=hostile.url)) == []
        assert "agreed by bob" in Path(os.environ["LAUNCH_TRUST_FILE"]).read_text()


# Redirects: no credential crosses an origin ------------------------------------------------


def redirect_to(location: str, status: str) -> object:
    def handle(conn, request, stop) -> None:
        path = request.split(b" ")[1].decode()
        conn.sendall(response(status, Location=location + path))

    return handle


@pytest.mark.parametrize("status", ["307 Temporary Redirect", "308 Permanent Redirect", "302 Found"])
async def test_a_redirect_to_another_origin_is_not_followed(status):
    with FaultServer(OK) as elsewhere, FaultServer(OK) as platform:
        platform.handler = redirect_to(elsewhere.url, status)
        async with make_client(Policy(max_attempts=1)) as client:
            sent = Transport(client)
            with pytest.raises(CrossOriginRedirect) as caught:
                await sent.request(
                    "POST",
                    f"{platform.url}/admin/tenants",
                    headers={"Authorization": f"Bearer {SECRETS['LAUNCH_ADMIN_TOKEN']}"},
                    json={"key": SECRETS["LAUNCH_INTEGRATION_KEY"]},
                )
        assert elsewhere.url in str(caught.value) and "not followed" in str(caught.value)
        assert caught.value.kind == "redirect" and caught.value.evidence.status_code == int(status[:3])
        assert platform.requests == 1 and secrets_in(platform) == ["LAUNCH_ADMIN_TOKEN", "LAUNCH_INTEGRATION_KEY"]
        assert elsewhere.requests == 0


async def test_a_same_origin_redirect_is_followed_as_before():
    def handle(conn, request, stop) -> None:
        path = request.split(b" ")[1]
        if path == b"/old":
            conn.sendall(response("307 Temporary Redirect", Location="/new"))
        else:
            conn.sendall(response("200 OK", b'{"moved": true}'))

    with FaultServer(handle) as platform:
        async with make_client(Policy(max_attempts=1)) as client:
            got = await Transport(client).request("POST", f"{platform.url}/old", json={"a": 1})
        assert got.status_code == 200 and got.json() == {"moved": True} and platform.requests == 2


async def test_a_downgrade_from_https_to_http_is_never_followed():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(308, headers={"Location": "http://api.example.com/admin/tenants"})

    async with make_client(Policy(max_attempts=1), httpx.MockTransport(handler)) as client:
        with pytest.raises(CrossOriginRedirect, match="from https to plain http"):
            await Transport(client).request("POST", "https://api.example.com/admin/tenants", json={})
    assert [str(request.url) for request in seen] == ["https://api.example.com/admin/tenants"]


def test_a_platform_redirecting_elsewhere_makes_check_record_an_error(tmp_path, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    with FaultServer(OK) as elsewhere, FaultServer(OK) as platform:
        platform.handler = redirect_to(elsewhere.url, "308 Permanent Redirect")
        target_file = acme_target(tmp_path, platform.url)
        code, out, _ = run_cli(["check", "--target", str(target_file), "--format", "json"])
        assert code in (1, 3) and platform.requests > 0 and elsewhere.requests == 0
        assert f"to {elsewhere.url}" in out and "not followed" in out


# new and resume from the command line ------------------------------------------------------


@pytest.fixture
def apps(monkeypatch) -> list[LaunchApp]:
    """The apps the CLI would run; none is started (each closes its session, as quitting does)."""
    from launch_tui.commands import tui as tui_run

    started: list[LaunchApp] = []

    def fake_run_app(app: LaunchApp) -> int:
        started.append(app)
        app.launch.close()
        return 0

    monkeypatch.setattr(tui_run, "run_app", fake_run_app)
    return started


def test_new_trusts_the_operators_target_file_and_says_so_the_first_time(tmp_path, apps):
    target_file = acme_target(tmp_path, "https://api.acme.example")
    argv = ["new", "--target", str(target_file), "--sessions-dir", str(tmp_path / "sessions")]
    code, _, err = run_cli(argv)
    assert code == 0 and "trusted on this machine from target file" in err and "https://api.acme.example" in err
    assert apps[0].launch.untrusted == []
    code, _, again = run_cli(argv)
    assert code == 0 and "trusted on this machine" not in again


def test_resume_of_a_retargeted_session_opens_with_the_question_pending(tmp_path, apps):
    with FaultServer(OK) as hostile:
        path = travelled_session(tmp_path / "sessions", intent=True)
        retarget(path, hostile.url)
        code, _, _ = run_cli(["resume", str(path), "--operator", "bob"])
        assert code == 0 and [str(entry.origin) for entry in apps[0].launch.untrusted] == [hostile.url]
        assert hostile.requests == 0


def test_resume_refuses_an_altered_retargeted_session_without_network(tmp_path, apps):
    with FaultServer(OK) as hostile:
        path = travelled_session(tmp_path / "sessions", intent=True)
        trust.trust(make_target(api_url=hostile.url), "even a trusted origin")
        retarget(path, hostile.url, reseal=False)
        before = path.read_bytes()
        code, _, err = run_cli(["resume", str(path)])
        assert code == 2 and "was altered" in err and len(err.strip().splitlines()) == 1
        assert apps == [] and hostile.requests == 0 and path.read_bytes() == before
