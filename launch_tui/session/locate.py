"""Where sessions live, how a session is named, and how `SESSION` arguments resolve."""

from __future__ import annotations

import os
import re
from pathlib import Path

from launch_tui.errors import UsageError
from launch_tui.timefmt import utcnow

DEFAULT_DIR = "sessions"
SUFFIX = ".toml"


def sessions_dir(explicit: str | None = None) -> Path:
    """Absolute: every path launch-tui prints must work from any folder (an installed tool
    is run from anywhere)."""
    return Path(explicit or os.environ.get("LAUNCH_SESSIONS_DIR") or DEFAULT_DIR).absolute()


def session_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob(f"*{SUFFIX}") if path.is_file() and not path.name.startswith("."))


def new_session_id(tenant_slug: str) -> str:
    return f"{tenant_slug}-{utcnow().strftime('%Y%m%d-%H%M%S')}"


def resolve_session(ref: str, folder: Path) -> Path:
    """A path, an id (file name without .toml) in the folder, or a unique prefix of one."""
    candidate = Path(ref)
    if candidate.suffix == SUFFIX or os.sep in ref:
        if candidate.exists():
            return candidate.absolute()
        raise UsageError(f"{ref}: no such session file; `launch-tui sessions` lists the sessions")
    if not re.fullmatch(r"[A-Za-z0-9._-]+", ref):
        raise UsageError(f"{ref!r} is not a session id or path")
    exact = folder / f"{ref}{SUFFIX}"
    if exact.exists():
        return exact
    matches = [path for path in session_files(folder) if path.stem.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(path.stem for path in matches[:5])
        raise UsageError(f"{ref!r} matches several sessions ({names}); give more of the id")
    raise UsageError(f"no session {ref!r} in {folder}; `launch-tui sessions` lists the sessions there")
