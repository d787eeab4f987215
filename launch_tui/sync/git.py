"""Running git on a sessions folder, which is untrusted input: it may have been
handed over, and its remote is shared with others.

So: no hooks, no fsmonitor, no pager, no editor, no prompt (a password prompt
would draw over the TUI), ssh in batch mode, stdin closed, the process in its own
session (no controlling terminal to grab), a time limit, and an identity taken
from the operator's name. Every call is an asyncio subprocess: the event loop
never waits on git."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from launch_tui.errors import LaunchError

DEFAULT_TIMEOUT = 30.0
SAFE_CONFIG = (
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.pager=cat",
    "core.editor=true",
    "core.askPass=",
    "credential.interactive=false",
    "gc.auto=0",  # no background gc forked off a short-lived call
    "maintenance.auto=false",
    "advice.detachedHead=false",
)


class GitFailed(LaunchError):
    """git ran and said no (or could not be run at all)."""

    def __init__(self, message: str, *, stderr: str = "", code: int = -1) -> None:
        super().__init__(message)
        self.stderr = stderr
        self.code = code


class Unreachable(GitFailed):
    """The remote could not be reached: offline, refused, timed out, or no credential."""


UNREACHABLE = re.compile(
    r"could not read from remote|unable to access|could not resolve|connection (refused|timed out)|"
    r"network is unreachable|does not appear to be a git repository|no such file or directory|"
    r"repository .* not found|timed out|terminal prompts disabled|permission denied|host key verification",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def ok(self) -> bool:
        return self.code == 0


def identity(operator: str) -> tuple[str, str]:
    """A commit identity from the operator's name (never from the repo's config)."""
    name = " ".join(operator.split())[:100] or "operator"
    local = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "operator"
    return name, f"{local}@launch-tui.invalid"


def environment(operator: str, index_file: Path | None = None) -> dict[str, str]:
    name, email = identity(operator)
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_PAGER="cat",
        PAGER="cat",
        GIT_EDITOR="true",
        GIT_AUTHOR_NAME=name,
        GIT_AUTHOR_EMAIL=email,
        GIT_COMMITTER_NAME=name,
        GIT_COMMITTER_EMAIL=email,
        GIT_SSH_COMMAND=os.environ.get("GIT_SSH_COMMAND") or "ssh -o BatchMode=yes -o ConnectTimeout=10",
        LC_ALL="C",
        LANGUAGE="C",
    )
    if index_file is not None:
        env["GIT_INDEX_FILE"] = str(index_file)
    return env


class Git:
    def __init__(self, folder: Path, operator: str, *, timeout: float | None = None) -> None:
        self.folder = folder
        self.operator = operator
        self.timeout = timeout or float(os.environ.get("LAUNCH_SYNC_TIMEOUT") or DEFAULT_TIMEOUT)

    async def run(self, *args: str, stdin: bytes | None = None, index_file: Path | None = None) -> Result:
        """Run one git command in the folder; never raises for git's own failures."""
        command = ["git", *(part for pair in SAFE_CONFIG for part in ("-c", pair)), *args]
        try:
            process = await asyncio.create_subprocess_exec(
                *command,
                cwd=self.folder,
                env=environment(self.operator, index_file),
                stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
                umask=0o077,  # what git creates in a sessions folder is as private as the sessions
            )
        except FileNotFoundError:
            raise GitFailed("git is not installed; install git, or unset LAUNCH_SESSIONS_REMOTE") from None
        except OSError as exc:
            raise GitFailed(f"cannot run git in {self.folder} ({exc.strerror})") from None
        try:
            out, err = await asyncio.wait_for(process.communicate(stdin), self.timeout)
        except (TimeoutError, asyncio.CancelledError) as stop:
            _kill(process)
            await process.wait()
            if isinstance(stop, asyncio.CancelledError):
                raise
            return Result(124, "", f"timed out after {self.timeout:g} s")
        return Result(process.returncode or 0, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))

    async def ok(self, *args: str, stdin: bytes | None = None, index_file: Path | None = None) -> str:
        """Run and return stdout; a failure raises GitFailed with git's first error line."""
        result = await self.run(*args, stdin=stdin, index_file=index_file)
        if not result.ok:
            raise failure(args[0], result)
        return result.out

    async def blob(self, spec: str) -> bytes | None:
        """The bytes of `<commit>:<path>`, or None if there is no such file."""
        command = ["git", *(part for pair in SAFE_CONFIG for part in ("-c", pair)), "cat-file", "blob", spec]
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=self.folder,
            env=environment(self.operator),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            umask=0o077,
        )
        out, _err = await process.communicate()
        return out if process.returncode == 0 else None


def failure(what: str, result: Result) -> GitFailed:
    lines = [line.strip() for line in result.err.splitlines() if line.strip()]
    first = next((line for line in lines if line.lower().startswith(("fatal", "error"))), lines[0] if lines else "")
    text = f"git {what} failed: {first or f'exit code {result.code}'}"
    kind = Unreachable if result.code == 124 or UNREACHABLE.search(result.err) else GitFailed
    return kind(text[:300], stderr=result.err, code=result.code)


def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, 9)  # the whole group: ssh and any helper git started
