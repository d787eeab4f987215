"""`-v` and `--log-file FILE`: the standard logging of launch-tui and the HTTP libraries,
every record passed through the clients' RedactingFilter on its way out, so no
registered secret reaches a log whichever logger wrote it.

Without `--log-file`, records go to stderr (headless commands only: the TUI owns the
terminal). The file is created 0600 and appended to."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TextIO

from launch_tui.errors import UsageError

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LEVELS = {0: logging.WARNING, 1: logging.INFO}  # 2 or more: DEBUG


class RedactingFormatter(logging.Formatter):
    """The whole line redacted once more, traceback included: the filter sees only the message."""

    def format(self, record: logging.LogRecord) -> str:
        from launch_tui.secrets import redact  # only once a line is logged: `verify` starts without it

        return redact(super().format(record))


def level_for(verbosity: int, log_file: str | None) -> int | None:
    """None: leave logging alone (no -v, no --log-file)."""
    if verbosity <= 0 and not log_file:
        return None
    return LEVELS.get(max(verbosity, 1), logging.DEBUG)


def open_log(path: str) -> TextIO:
    target = Path(path).absolute()
    if not target.parent.is_dir():
        raise UsageError(f"--log-file {target}: its folder does not exist")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError as exc:
        raise UsageError(f"--log-file {target}: cannot write it ({exc.strerror})") from None
    return os.fdopen(fd, "a", encoding="utf-8")


def configure(verbosity: int, log_file: str | None, *, tui: bool = False) -> logging.Handler | None:
    level = level_for(verbosity, log_file)
    if level is None:
        return None
    if tui and not log_file:
        raise UsageError("-v with a TUI command needs --log-file FILE: the screen is the terminal")
    from launch_tui.clients.transport import RedactingFilter  # only now: it imports httpx

    stream = open_log(log_file) if log_file else sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter(FORMAT))
    # On the handler, not a logger: a handler's filter sees every record it writes,
    # from any logger (a logger's own filter sees only records logged on it).
    handler.addFilter(RedactingFilter())
    handler.setLevel(level)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return handler
