"""Recorded text made safe to show: no terminal escape sequences, no invisible
characters that reorder or hide what a reviewer reads.

Session files hold text typed by operators and sent by servers; a file can also be
edited by hand. Anything shown on a terminal or in a report passes through here."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Line and paragraph separators act as line breaks in some viewers; Cf holds the
# bidi overrides and zero-width characters ("Trojan Source").
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}


def is_unsafe(char: str) -> bool:
    return unicodedata.category(char) in _INVISIBLE


def picture(char: str) -> str:
    """A visible stand-in: the Unicode control picture for C0 and DEL, else the code point."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟, so ESC shows as ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\u27e8U+{code:04X}\u27e9"  # ⟨U+202E⟩


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control or invisible character replaced by a visible stand-in."""
    if keep_newlines:
        text = text.replace("\r\n", "\n")
    return "".join(char if not is_unsafe(char) or (keep_newlines and char == "\n") else picture(char) for char in text)


@cache
def _xml_char() -> re.Pattern[str]:
    """What XML 1.0 forbids. Compiled on first use: it took ~8 ms, and every command (the
    home screen's first frame included) imports this module, while only JUnit output uses it."""
    return re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`visible(text)`, newlines kept, and no character XML 1.0 forbids (lone surrogates,
    U+FFFE, U+FFFF): an ESC in a summary must not make a JUnit file that does not parse."""
    return _xml_char().sub(lambda found: f"\u27e8U+{ord(found.group()):04X}\u27e9", visible(text, keep_newlines=True))


def json_safe(serialised: str) -> str:
    """JSON text whose unsafe characters are written as \\u escapes: the same values
    for a parser, harmless on a terminal. json.dumps escapes C0 inside strings by
    itself, so a raw C0 character here is indentation and stays."""
    out = []
    for char in serialised:
        if ord(char) < 0x20 or not is_unsafe(char):
            out.append(char)
            continue
        code = ord(char)
        if code > 0xFFFF:  # JSON escapes name UTF-16 units: a surrogate pair
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out)


def shown(value: object) -> str:
    """Anything about to be put on screen: secrets redacted, controls made visible."""
    from launch_tui.secrets import redact  # only here: `verify` prints through visible() alone, without it

    return visible(redact(str(value)))
