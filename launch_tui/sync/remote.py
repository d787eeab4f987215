"""A sessions folder that is a git working copy with a remote ("origin").

The session file on disk is the truth; git carries it. A push builds its commit with
plumbing on a private index (the remote's tip, with this one file replaced), so it
never touches the working tree, another session's file or the operator's own index,
and it pushes the session and this machine's claim in one atomic push: both land or
neither. Before anything is pushed the remote's copy is compared with ours by the
hash chain (forks.py): only a fast-forward of the session is ever pushed."""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path

from launch_tui.errors import LaunchError
from launch_tui.files import ensure_private_dir, write_all
from launch_tui.safe_text import shown as safe
from launch_tui.session.rawfile import MAX_SESSION_BYTES
from launch_tui.sync import claims
from launch_tui.sync.claims import Claim
from launch_tui.sync.forks import Comparison, Relation, compare, quick
from launch_tui.sync.git import Git, GitFailed, failure
from launch_tui.timefmt import now_iso

REMOTE_ENV = "LAUNCH_SESSIONS_REMOTE"
ORIGIN = "origin"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
SESSION_FILE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}\.toml")
MAX_ATTEMPTS = 4  # the branch moved under us (others' sessions): rebuild and push again


class SessionClaimed(LaunchError):
    """Another machine writes this session (its claim is on the remote)."""

    def __init__(self, name: str, holder: Claim | None) -> None:
        self.holder = holder
        own = holder is not None and holder.host == socket.gethostname()
        gone = (
            "it is this machine's own claim, left by a crash or by quitting offline: "
            "`launch-tui resume --take-over` takes it back"
            if own
            else "only if that machine is gone for good, `launch-tui resume --take-over` takes it over"
        )
        super().__init__(
            f"{name} is open for writing by {safe(claims.describe(holder))} (claimed on the sessions remote); "
            f"use `launch-tui replay` to look at it read-only, or, {gone}"
        )


class Forked(LaunchError):
    """The remote's copy and ours are not one chain: nothing is pushed or written."""

    def __init__(self, name: str, comparison: Comparison) -> None:
        self.comparison = comparison
        super().__init__(f"{name} forked: {safe(comparison.explanation)}; nothing was pushed or merged")


@dataclass
class Pushed:
    commit: str
    changed: bool


def configured_remote() -> str | None:
    value = os.environ.get(REMOTE_ENV, "").strip()
    return value or None


def is_shared(folder: Path) -> bool:
    """Whether sessions in `folder` sync through git (cheap: no git run)."""
    return configured_remote() is not None or (folder / ".git").exists()


class SessionRemote:
    def __init__(self, folder: Path, operator: str) -> None:
        self.folder = folder
        self.operator = operator
        self.git = Git(folder, operator)
        self.branch = "main"
        self._index = folder / ".git" / f"launch-tui-index-{os.getpid()}"

    # -- the working copy --------------------------------------------------------------

    async def setup(self) -> None:
        """Make the folder a working copy of the remote if it is not one yet."""
        ensure_private_dir(self.folder)
        url = configured_remote()
        if not (self.folder / ".git").exists():
            if url is None:
                raise GitFailed(f"{self.folder} is not a git working copy")
            await self.git.ok("init", "--quiet", "--initial-branch=main")
        origin = await self.git.run("remote", "get-url", ORIGIN)
        if not origin.ok:
            if url is None:
                raise GitFailed(f"{self.folder} is a git working copy without a remote named origin; add one")
            await self.git.ok("remote", "add", ORIGIN, url)
        elif url is not None and origin.out.strip() != url:
            raise GitFailed(
                f"{self.folder} syncs with {safe(origin.out.strip())}, but {REMOTE_ENV} says {safe(url)}; "
                "use another sessions folder, or unset one of them"
            )
        head = await self.git.run("symbolic-ref", "--short", "HEAD")
        self.branch = head.out.strip() if head.ok and head.out.strip() else "main"
        exclude = self.folder / ".git" / "info" / "exclude"
        ensure_private_dir(exclude.parent)
        known = exclude.read_text(encoding="utf-8") if exclude.exists() else ""
        if "*.lock" not in known:  # lock notes and half-written files are never anyone's to commit
            with exclude.open("a", encoding="utf-8") as handle:
                handle.write("\n# launch-tui\n*.lock\n.*.tmp\nforks/\n")

    async def fetch(self) -> None:
        """The remote's branches and claims; raises Unreachable when offline."""
        await self.git.ok(
            "fetch",
            "--quiet",
            "--prune",
            "--no-tags",
            "--no-recurse-submodules",
            ORIGIN,
            "+refs/heads/*:refs/remotes/origin/*",
            f"+{claims.PREFIX}*:{claims.TRACKING}*",
        )

    async def remote_tip(self) -> str | None:
        found = await self.git.run("rev-parse", "--verify", "--quiet", f"refs/remotes/origin/{self.branch}^{{commit}}")
        return found.out.strip() if found.ok else None

    async def update_working_copy(self) -> list[str]:
        """Bring in what the remote has: new session files, and fast-forwards of files no
        process here has open. A file that differs otherwise is left alone (a push will
        name the fork). Returns what changed."""
        tip = await self.remote_tip()
        if tip is None:
            return []
        listing = await self.git.ok("ls-tree", "-z", "--long", tip)
        changed = []
        for entry in filter(None, listing.split("\0")):  # the remote's tree is untrusted: plain session files only
            meta, _tab, name = entry.partition("\t")
            mode, kind, blob, size = meta.split()
            if kind != "blob" or mode != "100644" or not SESSION_FILE.fullmatch(name) or int(size) > MAX_SESSION_BYTES:
                continue
            if _blob_id(self.folder / name) == blob:
                continue  # the common case, decided without running git
            theirs = await self.git.blob(blob)
            if theirs is not None and _bring_in(self.folder / name, theirs):
                changed.append(name)
        await self._move_branch(tip)
        return changed

    async def _move_branch(self, commit: str) -> None:
        await self.git.run("update-ref", f"refs/heads/{self.branch}", commit)
        await self.git.run("read-tree", commit)  # the operator's index: best effort, their `git status` reads it

    # -- claims --------------------------------------------------------------------

    async def claim_held(self, session_id: str) -> tuple[str, Claim | None] | None:
        """The remote's claim on a session as last fetched: (commit, what it says)."""
        found = await self.git.run("rev-parse", "--verify", "--quiet", claims.TRACKING + session_id)
        if not found.ok:
            return None
        commit = found.out.strip()
        message = await self.git.ok("log", "-1", "--format=%B", commit)
        return commit, claims.parse(message, session_id)

    async def claim(self, session_id: str, *, take_over: bool, online: bool) -> Claim | None:
        """Claim a session for this machine. Returns the claim taken over, if any.
        Offline, the claim is made here and pushed with the first sync."""
        held = await self.claim_held(session_id) if online else None
        parent: list[str] = []
        replaced: Claim | None = None
        if held is not None:
            commit, replaced = held
            if not take_over:
                raise SessionClaimed(f"{session_id}.toml", replaced)
            parent = ["-p", commit]
        note = claims.new_claim(session_id, self.operator, taken_over_from=claims.describe(replaced) if held else "")
        commit = (await self.git.ok("commit-tree", EMPTY_TREE, *parent, "-m", note.message())).strip()
        await self.git.ok("update-ref", claims.MINE + session_id, commit)
        if online:
            result = await self.git.run("push", "--porcelain", ORIGIN, f"{commit}:{claims.ref(session_id)}")
            if not result.ok:
                await self.git.run("update-ref", "-d", claims.MINE + session_id)
                if _rejected(result.out):
                    await self.fetch()
                    now = await self.claim_held(session_id)
                    raise SessionClaimed(f"{session_id}.toml", now[1] if now else None)
                raise failure("push", result)
        if held is None:
            return None
        return replaced or Claim(session_id, "someone", "an unknown host", 0, "?", "?")

    async def release(self, session_id: str) -> bool:
        """Drop our claim, only if the remote still holds ours (a lease)."""
        mine = await self.git.run("rev-parse", "--verify", "--quiet", claims.MINE + session_id)
        if not mine.ok:
            return True
        lease = f"--force-with-lease={claims.ref(session_id)}:{mine.out.strip()}"
        result = await self.git.run("push", "--porcelain", lease, ORIGIN, f":{claims.ref(session_id)}")
        if result.ok:
            await self.git.run("update-ref", "-d", claims.MINE + session_id)
            await self.git.run("update-ref", "-d", claims.TRACKING + session_id)
        return result.ok

    # -- pushing a session ------------------------------------------------------------

    async def push(self, session_id: str, snapshot: bytes) -> Pushed:
        """Push this machine's copy of a session with a heartbeat of our claim, atomically.
        Raises Forked, SessionClaimed (taken over), Unreachable or GitFailed."""
        name = f"{session_id}.toml"
        for _attempt in range(MAX_ATTEMPTS):
            tip = await self.remote_tip()
            theirs = await self.git.blob(f"{tip}:{name}") if tip else None
            found = quick(theirs, snapshot)
            verdict = found if found is not None else await asyncio.to_thread(compare, theirs, snapshot, name)
            if not verdict.pushable:
                raise Forked(name, verdict)
            mine = (await self.git.ok("rev-parse", "--verify", claims.MINE + session_id)).strip()
            held = await self.claim_held(session_id)
            if held is not None and held[0] != mine:
                raise SessionClaimed(name, held[1])
            if verdict.relation is Relation.SAME and held is not None and tip is not None:
                return Pushed(tip, changed=False)
            commit = await self._commit(tip, name, snapshot)
            heartbeat = await self._heartbeat(session_id, mine)
            result = await self.git.run(
                "push",
                "--porcelain",
                "--atomic",
                ORIGIN,
                f"{commit}:refs/heads/{self.branch}",
                f"{heartbeat}:{claims.ref(session_id)}",
            )
            if result.ok:
                await self.git.run("update-ref", claims.MINE + session_id, heartbeat)
                await self.git.run("update-ref", claims.TRACKING + session_id, heartbeat)
                await self.git.run("update-ref", f"refs/remotes/origin/{self.branch}", commit)
                await self._move_branch(commit)
                return Pushed(commit, changed=True)
            if not _rejected(result.out):
                raise failure("push", result)
            await self.fetch()  # someone pushed first: look again (another session, or a fork)
        raise GitFailed("the sessions remote kept changing while pushing; the next sync tries again")

    async def _commit(self, tip: str | None, name: str, snapshot: bytes) -> str:
        blob = (await self.git.ok("hash-object", "-w", "--no-filters", "--stdin", stdin=snapshot)).strip()
        try:
            if tip:
                await self.git.ok("read-tree", tip, index_file=self._index)
            else:
                await self.git.ok("read-tree", "--empty", index_file=self._index)
            await self.git.ok("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", index_file=self._index)
            tree = (await self.git.ok("write-tree", index_file=self._index)).strip()
        finally:
            self._index.unlink(missing_ok=True)
        parent = ["-p", tip] if tip else []
        message = f"{name}: synced by {self.operator}\n\nlaunch-tui session {name}\n"
        return (await self.git.ok("commit-tree", tree, *parent, "-m", message)).strip()

    async def _heartbeat(self, session_id: str, mine: str) -> str:
        message = await self.git.ok("log", "-1", "--format=%B", mine)
        note = claims.parse(message, session_id) or claims.new_claim(session_id, self.operator)
        beat = claims.Claim(**{**note.__dict__, "seen": now_iso()})
        return (await self.git.ok("commit-tree", EMPTY_TREE, "-p", mine, "-m", beat.message())).strip()


def _blob_id(path: Path) -> str | None:
    """git's id for this file's content (sha1 of "blob <size>\\0" and the bytes)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _rejected(porcelain: str) -> bool:
    return any(line.startswith("!") for line in porcelain.splitlines())


def _bring_in(path: Path, theirs: bytes) -> bool:
    """Write the remote's copy of a session here if ours is missing or a strict prefix of
    it, and no process here holds it open; atomically, 0600."""
    try:
        ours = path.read_bytes()
    except FileNotFoundError:
        ours = None
    if ours == theirs:
        return False
    if ours is not None and not (theirs.startswith(ours) and ours.endswith(b"\n")):
        return False  # ours has events the remote lacks, or they differ: a push decides
    if ours is not None and _held_here(path):
        return False
    temp = path.with_name(f".{path.name}.{os.getpid()}.sync.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        write_all(fd, theirs)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    return True


def _held_here(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
