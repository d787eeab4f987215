"""Text from servers and operators may hold terminal escape sequences or bidi
overrides. They are kept as they came, and escaped wherever they are shown."""

from __future__ import annotations

# Bidirectional overrides can make a line read differently from what it holds.
_BIDI = {0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str, *, keep_newlines: bool = False) -> str:
    """Escape C0/C1 controls (ESC starts terminal sequences), DEL and bidi overrides."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in _NAMED:
            out.append(_NAMED[ch])
        elif code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F:
            out.append(f"\\x{code:02x}")
        elif code in _BIDI:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)
