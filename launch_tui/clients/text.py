"""Making text from a server safe to show: redacted, escaped, short.

A server may send anything: secrets we registered, terminal escape sequences, a
megabyte of HTML. Whatever reaches evidence, a summary, a log or an exception
message passes through `clean()` first.
"""

from __future__ import annotations

from launch_tui.safe_text import visible
from launch_tui.secrets import redact

EXCERPT_CHARS = 200
SUMMARY_CHARS = 120


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean(text: object, limit: int = SUMMARY_CHARS) -> str:
    """Redact, escape and shorten: the one way server text enters our output.

    Redaction runs before shortening, so a secret cut in half cannot slip through,
    and before escaping, so an escaped secret still matches its registered form.
    """
    return shorten(visible(redact(str(text))), limit)


def excerpt(body: bytes, limit: int = EXCERPT_CHARS) -> str | None:
    """A short, safe excerpt of a response body (None for an empty body)."""
    if not body:
        return None
    # Decode a little more than we keep: enough to find secrets straddling the cut.
    text = body[: limit * 8].decode("utf-8", errors="replace")
    return clean(" ".join(text.split()) if text.strip() else text, limit)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} kB"
    return f"{size / (1024 * 1024):.1f} MB"
