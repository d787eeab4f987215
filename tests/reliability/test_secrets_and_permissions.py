"""A whole launch through the TUI (Pilot) and the headless `check`, with distinctive
secret values: no secret, in any form, in any file either wrote or in their output;
every file they create is 0600 and every folder 0700."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from launch_tui.cli import main
from launch_tui.launch.checkpoints import Checkpoint
from launch_tui.launch.live import LiveLaunch
from launch_tui.secrets import Secrets
from launch_tui.session import LiveSession
from launch_tui.sync import opening
from launch_tui.target import target_from_dict
from launch_tui.tui.app import LaunchApp

from ..tui.driver import settle, walk_whole_launch

ROOT = Path(__file__).resolve().parents[2]
BEARER_VALUE = re.compile(r"Bearer (?![<$])\S+")
# Characters that URL-encoding and base64 change, so each form is a different string.
GIVEN = {
    "LAUNCH_ADMIN_TOKEN": "adm+Leak/Probe=Z9!x~Q7%w:admin",
    "LAUNCH_INTEGRATION_KEY": "lk_1eac0ded_" + "7c" * 24,
    "LAUNCH_REVOKED_KEY": "lk_0bad0ded_" + "e4" * 24,
    "RENDER_API_KEY": "rnd+Leak/Probe=render&key",
    "GITHUB_TOKEN": "ghp+Leak/Probe=github?token",
}


def forms(secret: str) -> set[str]:
    raw = secret.encode()
    found = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        # issue 11: JSON-escaped (also `\/`), hex, the Authorization header's value in base64,
        # and the key without its `lk_`
        json.dumps(secret)[1:-1],
        json.dumps(secret)[1:-1].replace("/", "\\/"),
        raw.hex(),
        base64.b64encode(b"Bearer " + raw).decode().rstrip("="),
    }
    if secret.startswith("lk_"):
        found.add(secret[3:])
    return found


def leaks(text: str, secrets: list[str]) -> list[str]:
    return sorted({f"{secret[:12]}… as {form[:16]}…" for secret in secrets for form in forms(secret) if form in text})


def everything_under(folder: Path) -> dict[Path, str]:
    return {
        path: path.read_bytes().decode("utf-8", errors="replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def sandbox(make_module_sandbox):
    return make_module_sandbox(job_seconds=0.3, credentials=GIVEN)


@pytest.fixture(scope="module")
def tui_run(sandbox, tmp_path_factory):
    """The whole launch, then the decision record exported; what it wrote and printed,
    the secrets it held in memory, and the lock note's mode while it ran. The sessions
    folder is shared through git: everything pushed is scanned too."""
    old_umask = os.umask(0o022)  # the usual umask: private modes must not depend on a strict one
    folder = tmp_path_factory.mktemp("tui") / "nested" / "sessions"
    remote = tmp_path_factory.mktemp("remote") / "sessions.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    seen: dict[str, object] = {"remote": remote}

    async def walk() -> None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("LAUNCH_SESSIONS_REMOTE", str(remote))
            shared = await opening.connect(folder, "alice")
        assert shared is not None and shared.online
        live = LiveSession.create(target_from_dict(sandbox.target_dict()), "alice", folder)
        await opening.claim(shared, live.path.stem)
        launch = LiveLaunch(live, Secrets(sandbox.credentials))
        opening.attach(shared, launch)
        app = LaunchApp(launch)
        async with app.run_test(size=(120, 40)) as pilot:
            await walk_whole_launch(pilot)
            app.export_report()
            await settle(pilot)
            await launch.checkpoints.reach(Checkpoint.QUIT)
            seen["synced"] = launch.sync.line
            seen["lock_mode"] = stat.S_IMODE(os.stat(str(live.path) + ".lock").st_mode)
            seen["memory"] = [app.launch.facts.customer_key, app.launch.facts.access_token]
            seen["launch_complete"] = app.launch.state.launch_complete

    try:
        asyncio.run(walk())
    finally:
        os.umask(old_umask)
    seen["root"] = folder.parents[1]
    return seen


def secrets_of(sandbox, memory: list) -> list[str]:
    values = [*sandbox.credentials.values(), *sandbox.render_secret_values, *(v for v in memory if v)]
    assert len(values) >= 10 and all(len(v) >= 8 for v in values)
    return values


def test_the_tui_writes_and_prints_no_secret(sandbox, tui_run, capfd):
    assert tui_run["launch_complete"]
    customer_key, access_token = tui_run["memory"]
    assert customer_key and access_token  # the test holds what the run held in memory
    secrets = secrets_of(sandbox, tui_run["memory"])
    files = everything_under(tui_run["root"])
    names = {path.name for path in files}
    assert any(name.endswith("-report.md") for name in names) and "api-usage-guide.md" in names
    assert not [name for name in names if name.endswith((".svg", ".png", ".log"))]  # no screenshot, no log
    for path, text in files.items():
        assert leaks(text, secrets) == [], path
        assert not BEARER_VALUE.findall(text), path  # placeholders only: "Bearer $TOKEN", "Bearer <access token>"
    out, err = capfd.readouterr()
    assert leaks(out + err, secrets) == []


def test_the_files_and_folders_the_tui_creates_are_private(tui_run):
    assert tui_run["lock_mode"] == 0o600
    root = tui_run["root"]
    for path in sorted(root.rglob("*")):
        mode = stat.S_IMODE(path.stat().st_mode)
        if ".git" in path.parts:  # git's own files (objects are read-only): no one else may read them
            assert mode & 0o077 == 0, f"{path.relative_to(root)}: {oct(mode)}"
            continue
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path.relative_to(root)}: {oct(mode)}"


def test_no_commit_pushed_to_the_sessions_remote_holds_a_secret(sandbox, tui_run):
    """Every object of every ref (sessions, claims): blobs, trees and commit messages."""
    assert tui_run["synced"].startswith("synced ")
    git_dir = ["git", "--git-dir", str(tui_run["remote"])]
    listed = subprocess.run([*git_dir, "rev-list", "--all", "--objects"], capture_output=True, text=True, check=True)
    objects = [line.split()[0] for line in listed.stdout.splitlines()]
    commits = subprocess.run([*git_dir, "rev-list", "--all"], capture_output=True, text=True, check=True).stdout.split()
    assert len(commits) >= 3 and len(objects) > len(commits)  # the launch was pushed, more than once
    secrets = secrets_of(sandbox, tui_run["memory"])
    for sha in objects:
        text = subprocess.run([*git_dir, "cat-file", "-p", sha], capture_output=True, check=True).stdout.decode(
            "utf-8", "replace"
        )
        assert leaks(text, secrets) == [], sha
        assert not BEARER_VALUE.findall(text), sha


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "launch_tui.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        timeout=120,
        cwd=env["CWD"],
    )


def in_process(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(args)
    return code, out.getvalue()


def test_headless_check_and_report_write_and_print_no_secret_and_private_files(sandbox, tui_run, tmp_path):
    old_umask = os.umask(0o022)
    try:
        target = sandbox.write_target(tmp_path / "target.toml")
        env = {**sandbox.credentials, "CWD": str(tmp_path)}
        outputs = tmp_path / "out"
        outputs.mkdir(mode=0o700)
        session = next(tui_run["root"].rglob("*.toml"))
        runs = [
            run_cli(["check", "--target", str(target)], env),
            run_cli(["check", "--target", str(target), "--format", "json", "--output", str(outputs / "c.json")], env),
            run_cli(["check", str(session), "--format", "junit", "--section", "first-value"], env),
        ]
        reports = [
            in_process(["report", str(session), "--output", str(outputs / "new" / "r.md")]),
            in_process(["report", str(session), "--format", "json"]),
        ]
    finally:
        os.umask(old_umask)
    assert [run.returncode for run in runs][:2] == [0, 0], [run.stderr for run in runs]
    assert [code for code, _ in reports] == [0, 0]
    runs += [subprocess.CompletedProcess(["report"], 0, out, "") for _, out in reports]
    secrets = secrets_of(sandbox, tui_run["memory"])
    for run in runs:
        assert leaks(run.stdout + run.stderr, secrets) == [], run.args
        assert "eyJ" not in run.stdout + run.stderr  # no JWT (a header's base64) of any token
        assert not BEARER_VALUE.findall(run.stdout + run.stderr)
    for path, text in everything_under(outputs).items():
        assert leaks(text, secrets) == [] and "eyJ" not in text, path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((outputs / "new").stat().st_mode) == 0o700
