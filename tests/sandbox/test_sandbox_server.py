"""SandboxServer's lifecycle and public attributes, the target file, and the `sandbox`
command (launch_tui/commands/sandbox.py)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sandbox_helpers import TLS

from launch_tui.commands.sandbox import serve
from launch_tui.errors import UsageError
from launch_tui.sandbox import SandboxServer
from launch_tui.target import load_target

CREDENTIALS = {"LAUNCH_ADMIN_TOKEN", "LAUNCH_INTEGRATION_KEY", "LAUNCH_REVOKED_KEY", "RENDER_API_KEY", "GITHUB_TOKEN"}


def test_start_serves_on_a_free_loopback_port_and_stop_is_idempotent() -> None:
    server = SandboxServer()
    with pytest.raises(RuntimeError):
        _ = server.base_url
    assert server.start() is server
    assert re.match(r"^http://127\.0\.0\.1:\d+$", server.base_url)
    assert server.render_url == f"{server.base_url}/render/v1"
    assert server.github_url == f"{server.base_url}/github"
    assert server.web_url == f"{server.base_url}/web/"
    assert httpx.get(f"{server.base_url}/health", verify=TLS).status_code == 200
    server.stop()
    server.stop()
    assert not server.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.base_url}/health", verify=TLS)


def test_stop_leaves_no_thread_behind_even_with_open_connections() -> None:
    before = threading.active_count()
    with SandboxServer() as server, httpx.Client(base_url=server.base_url, verify=TLS) as client:
        client.get("/health")
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 3
    assert threading.active_count() == before


def test_each_start_has_fresh_credentials_and_state() -> None:
    with SandboxServer() as first:
        credentials, tenants = first.credentials, set(first.state.tenants)
    with SandboxServer() as second:
        assert set(second.credentials) == CREDENTIALS
        assert not set(credentials.values()) & set(second.credentials.values())
        assert not tenants & set(second.state.tenants)
        assert [t.slug for t in second.state.tenants.values()] == ["sandbox-internal"]


def test_given_credentials_are_used_and_still_work() -> None:
    given = {
        "LAUNCH_ADMIN_TOKEN": "adm Given/+=token",
        "LAUNCH_INTEGRATION_KEY": "lk_0a0b0c0d_" + "1" * 48,
        "LAUNCH_REVOKED_KEY": "lk_0e0f0a0b_" + "2" * 48,
        "RENDER_API_KEY": "rnd-given-key",
    }
    with SandboxServer(credentials=given) as server:
        creds = server.credentials
        assert {name: creds[name] for name in given} == given
        assert creds["GITHUB_TOKEN"].startswith("ghp_sbx")  # not given: random as ever
        assert server.state.find_key(given["LAUNCH_REVOKED_KEY"]).revoked_at is not None
        admin = httpx.get(
            f"{server.base_url}/api/admin/tenants?slug=sandbox-internal",
            headers={"Authorization": f"Bearer {given['LAUNCH_ADMIN_TOKEN']}"},
        )
        assert admin.status_code == 200 and admin.json()["items"]
        token = httpx.post(
            f"{server.base_url}/api/auth/token/integration", json={"key": given["LAUNCH_INTEGRATION_KEY"]}
        )
        assert token.status_code == 200
    with pytest.raises(ValueError, match="lk_"):
        SandboxServer(credentials={"LAUNCH_INTEGRATION_KEY": "not-a-key"}).start()


def test_a_given_port_is_used_and_a_taken_one_is_a_usage_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with SandboxServer(port=port) as server:
        assert server.base_url.endswith(f":{port}")
        with pytest.raises(UsageError, match="cannot listen"):
            SandboxServer(port=port).start()


def test_bad_arguments_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        SandboxServer(latency_ms=-1)
    with pytest.raises(UsageError, match="unknown scenario"):
        SandboxServer(scenarios="healthy,broken")
    assert SandboxServer(scenarios="flaky, rls-red").scenarios == ("flaky", "rls-red")


def test_credentials_belong_to_the_internal_tenant(shared_sandbox: SandboxServer) -> None:
    creds = shared_sandbox.credentials
    internal = next(t for t in shared_sandbox.state.tenants.values() if t.slug == "sandbox-internal")
    keys = {key.id: key for key in shared_sandbox.state.keys.values() if key.tenant_id == internal.id}
    assert {key.revoked_at is None for key in keys.values()} == {True, False}
    for name in ("LAUNCH_INTEGRATION_KEY", "LAUNCH_REVOKED_KEY"):
        assert shared_sandbox.state.find_key(creds[name]).tenant_id == internal.id


def test_target_dict_points_at_the_look_alikes(shared_sandbox: SandboxServer) -> None:
    target = shared_sandbox.target_dict(
        environment="staging", customer_name="Beta Co", tenant_slug="beta-co", team_mode="multi"
    )
    assert (target["environment"], target["team_mode"]) == ("staging", "multi")
    assert (
        target["api_url"] == shared_sandbox.base_url and target["web_url"] == shared_sandbox.web_url
    )  # as written, slash kept
    assert target["customer"] == {"name": "Beta Co", "tenant_slug": "beta-co"}
    assert target["render"] == {
        "api_url": shared_sandbox.render_url,
        "api_service_id": "srv-sandboxapi",
        "web_service_id": "srv-sandboxweb",
    }
    assert target["github"]["api_url"] == shared_sandbox.github_url and target["github"]["repo"] == "acme/platform"
    with pytest.raises(UsageError):
        shared_sandbox.target_dict(tenant_slug="Not A Slug")


def test_write_target_is_a_valid_private_file_without_secrets(shared_sandbox: SandboxServer, tmp_path: Path) -> None:
    path = tmp_path / "target.toml"
    path.write_text("old")
    os.chmod(path, 0o644)
    assert shared_sandbox.write_target(path, tenant_slug="acme-freight") == path
    assert path.stat().st_mode & 0o777 == 0o600
    target = load_target(path)
    assert target.customer.tenant_slug == "acme-freight" and target.render and target.github
    text = path.read_text()
    for secret in [*shared_sandbox.credentials.values(), *shared_sandbox.render_secret_values]:
        assert secret not in text


def test_sandbox_command_rejects_an_unknown_scenario_before_starting() -> None:
    with pytest.raises(UsageError, match="unknown scenario"):
        serve("127.0.0.1", 0, "nope", 0)


def test_sandbox_command_prints_what_to_paste_and_stops_on_sigterm() -> None:
    code = "import sys; from launch_tui.commands.sandbox import serve; sys.exit(serve('127.0.0.1', 0, 'rls-red', 0))"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 20
        while not lines or "Ctrl-C" not in lines[-1]:
            assert time.monotonic() < deadline and process.poll() is None, process.stderr.read()
            lines.append(process.stdout.readline())
        banner = "".join(lines)
        exports = dict(re.findall(r"^export (\w+)=(\S+)$", banner, re.M))
        assert set(exports) == CREDENTIALS
        base = re.search(r"platform\s+(http://127\.0\.0\.1:\d+)", banner).group(1)
        target_path = Path(re.search(r"target\s+(\S+\.toml)", banner).group(1))
        assert load_target(target_path).api_url == base
        assert "rls-red" in banner
        token = httpx.post(
            f"{base}/api/auth/token/integration", json={"key": exports["LAUNCH_INTEGRATION_KEY"]}, verify=TLS
        )
        assert token.status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0  # generous: a busy 2-core machine is slow to start threads
        assert "stopped" in process.stdout.read()
        assert not target_path.exists()
        assert process.stderr.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sandbox_command_stops_on_ctrl_c() -> None:
    code = "import sys; from launch_tui.commands.sandbox import serve; sys.exit(serve('127.0.0.1', 0, 'healthy', 0))"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while "Ctrl-C" not in process.stdout.readline():
            assert process.poll() is None, process.stderr.read()
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0  # generous: a busy 2-core machine is slow to start threads
        assert process.stderr.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sandbox_command_warns_about_a_non_loopback_host(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pretends loopback is not, rather than binding a real interface; sends itself
    SIGTERM once the banner is out (the handler is in place by then)."""
    from launch_tui.commands import sandbox as module

    monkeypatch.setattr(module, "is_loopback", lambda host: False)
    banner = module._print_banner

    def banner_then_sigterm(*args) -> None:
        banner(*args)
        threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGTERM)).start()

    monkeypatch.setattr(module, "_print_banner", banner_then_sigterm)
    assert serve("127.0.0.1", 0, "healthy", 0) == 0
    out, err = capsys.readouterr()
    assert "127.0.0.1 is not a loopback address" in err
    assert "launch-tui sandbox: stopped" in out
