"""Files written for people (sessions aside): private, and whole or not at all.

Folders the program creates are 0700 and files 0600, whatever the umask: they hold a
customer's launch. A replaced file is written beside its destination and renamed over
it, so a reader never sees half of it.

No write follows a symbolic link: a link planted where a file is about to be written
(a report, a handoff guide, the trusted-origins file) would otherwise have launch-tui
overwrite whatever it points to. Such a path is refused; new files are created with
O_EXCL | O_NOFOLLOW, temporary ones with unpredictable names (mkstemp), so a temp left
by a killed run never blocks the next one."""

from __future__ import annotations

import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from launch_tui.errors import UsageError


def ensure_private_dir(folder: Path) -> None:
    """Create `folder` and any missing parents 0700; `mkdir(parents=True)` would give
    the parents default permissions. Folders that exist already are left as they are."""
    for level in [*reversed(folder.parents), folder]:
        if not level.is_dir():
            level.mkdir(mode=0o700, exist_ok=True)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_private(path: Path, data: str | bytes, *, replace: bool) -> None:
    """Write `path` 0600. `replace=False` refuses an existing file (atomically)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        ensure_private_dir(path.parent)
        refuse_link(path)
        if replace:
            _replace(path, data)
        else:
            _create(path, data)
    except FileExistsError:
        raise UsageError(f"{path} exists; pass --force to replace it, or choose another file name") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder; give a file name") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path} ({exc.strerror})") from None


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path`'s sibling `NAME.lock` (0600, never through a link)
    while a read-modify-write of `path` runs, so two processes adding to one file at once
    both land: the second waits and reads what the first wrote."""
    lock = path.with_name(path.name + ".lock")
    try:
        ensure_private_dir(path.parent)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise UsageError(f"cannot lock {path} ({exc.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class LinkRefused(UsageError):
    """The path to write is a symbolic link (or another non-file); nothing was written."""


def refuse_link(path: Path) -> None:
    """Refuse to write at `path` if it is a symbolic link, a FIFO, a device..."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise LinkRefused(
            f"{path} is a symbolic link; launch-tui does not write through links: remove it or choose another file name"
        )
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise LinkRefused(f"{path} is not a regular file; remove it or choose another file name")


def temp_beside(path: Path) -> tuple[int, Path]:
    """An open 0600 temp file in `path`'s folder, with an unpredictable name."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    return fd, Path(name)


def _create(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        _write(fd, data)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


def _replace(path: Path, data: bytes) -> None:
    if path.is_dir():
        raise IsADirectoryError(path)
    fd, temp = temp_beside(path)
    try:
        try:
            _write(fd, data)
        finally:
            os.close(fd)
        os.replace(temp, path)  # replaces a link planted meanwhile, never writes through it
    finally:
        temp.unlink(missing_ok=True)


def _write(fd: int, data: bytes) -> None:
    write_all(fd, data)
    os.fsync(fd)


class NotAFile(UsageError):
    """A path to read that is a FIFO, a device or a socket, or larger than allowed."""


def read_regular(path: Path, limit: int, *, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. A FIFO or a device
    (/dev/zero) is refused from its stat, before a byte is read; opening does not wait
    for a FIFO's writer (O_NONBLOCK). `follow=False` refuses a symbolic link too."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(f"{path}: is not a regular file (a FIFO, a device, a socket)")
        if info.st_size > limit:
            raise NotAFile(f"{path}: larger than {limit // 1024} KiB; not a file launch-tui wrote or reads")
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise NotAFile(f"{path}: larger than {limit // 1024} KiB; not a file launch-tui wrote or reads")
    return raw
