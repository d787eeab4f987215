"""Errors the operator sees: one line saying what is wrong and what to do."""

from __future__ import annotations


class LaunchError(Exception):
    """A problem the operator can fix. `str()` is the whole message, one line."""

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(" ".join(message.split()))
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(LaunchError):
    """Bad arguments or configuration (exit code 2)."""
