"""Making text from a server safe to show: redacted, escaped, short.

A server may send anything: secrets we registered, terminal escape sequences, a
megabyte of HTML. Whatever reaches evidence, a summary, a log or an exception
message passes through `clean()` first.
"""

from __future__ import annotations

from launch_tui.secrets import redact

EXCERPT_CHARS = 200
SUMMARY_CHARS = 120

# Bidirectional overrides can make a line read differently from what it holds.
_BIDI = {0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """Escape C0/C1 controls (ESC starts terminal sequences), DEL and bidi overrides."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F:
            out.append(f"\\x{code:02x}")
        elif code in _BIDI:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean(text: object, limit: int = SUMMARY_CHARS) -> str:
    """Redact, escape and shorten: the one way server text enters our output.

    Redaction runs before shortening, so a secret cut in half cannot slip through,
    and before escaping, so an escaped secret still matches its registered form.
    """
    return shorten(escape_controls(redact(str(text))), limit)


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
