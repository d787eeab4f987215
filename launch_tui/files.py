"""Files written for people (sessions aside): private, and whole or not at all.

Folders the program creates are 0700 and files 0600, whatever the umask: they hold a
customer's launch. A replaced file is written beside its destination and renamed over
it, so a reader never sees half of it."""

from __future__ import annotations

import os
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


def _create(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
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
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        _write(fd, data)
    finally:
        os.close(fd)
    try:
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _write(fd: int, data: bytes) -> None:
    write_all(fd, data)
    os.fsync(fd)
