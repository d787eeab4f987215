"""How deeply a TOML text nests arrays and inline tables, found before any parser sees it.

toml-rs overflows its stack (a segfault: no exception, the terminal left in the
alternate screen) on ~5,000 nested brackets, and tomllib raises RecursionError on
~1,000. launch-tui never writes more than a few levels, so anything deeper than
MAX_DEPTH is refused in one line instead.

The count must ignore brackets inside strings and comments, and stay cheap on a 5 MB
session of 10,000 events: C-speed byte operations do nearly all of it. Escaped
backslashes and quotes are removed first (no quote is then escaped), the text is cut
down to the characters that matter (brackets, quotes, `#`, dots, newlines), strings with
nothing of interest left in them (`""`) are dropped, what remains of strings and
comments goes in one split at the quotes (or one regex pass), and balanced pairs are
peeled off level by level.
tests/reliability/test_depth_property.py holds it to a character-by-character reading."""

from __future__ import annotations

import re

MAX_DEPTH = 64

_KEEP = b"[]{}\"'#\n."
_DELETE = bytes(byte for byte in range(256) if byte not in _KEEP)
# An escaped backslash or quote, taken left to right as a basic string's reader does
# (`\\"` is a backslash, then the closing quote). In a literal string or a comment the pair
# lies wholly inside (neither ends at a backslash), so no pairing changes there; anywhere
# else a backslash is not TOML: a parser stops there, so nothing after it is read.
_ESCAPES = re.compile(rb'\\[\\"]')
# After the reductions: single-line strings and comments (multi-line ones take the slow path).
_STRINGS_AND_COMMENTS = re.compile(rb'"[^"\n]*"|\'[^\'\n]*\'|#[^\n]*')
# On the whole text, for the rare file with multi-line strings (launch-tui never writes
# one). A multi-line string's closing three quotes may follow one or two of its own.
_ALL_STRINGS_AND_COMMENTS = re.compile(
    rb'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""(?:"{1,2})?'
    rb"|'''[\s\S]*?'''(?:'{1,2})?"
    rb'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
)
# Braces become brackets for the peeling: the nesting is the same, and each level then
# goes in one C-speed bytes.replace instead of a regex pass. A mismatched `[}` then counts
# as a pair; the count still reaches at least the depth a parser reaches before it stops there.
_AS_BRACKETS = bytes.maketrans(b"{}", b"[]")


def too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """True when brackets and braces outside strings and comments nest deeper than `limit`."""
    unescaped = _ESCAPES.sub(b"", raw) if b"\\" in raw else raw
    # Cut down first: the searches below then read a tenth of the text. The skeleton has
    # every `'''` and `"""` of the text, and more (`['','']`): the text itself decides.
    skeleton = unescaped.translate(None, _DELETE)
    if (b"'''" in skeleton and b"'''" in raw) or (b'"""' in skeleton and b'"""' in raw):
        skeleton = _ALL_STRINGS_AND_COMMENTS.sub(b"", raw).translate(None, _DELETE)
    else:
        skeleton = _outside_strings(skeleton.replace(b'""', b""))
    # A dotted key nests a table per dot (`a.b.c = 1`) and stays on one line: a line with
    # more dots than the limit outside strings is refused too (floats count: conservative).
    if b"." * (limit + 1) in skeleton.translate(None, b"[]{}\"'#"):
        return True
    brackets = skeleton.translate(_AS_BRACKETS, b"\n\"'#.")
    depth = 0
    while brackets:
        peeled = brackets.replace(b"[]", b"")
        if peeled == brackets:
            break
        brackets = peeled
        depth += 1
        if depth > limit:
            return True
    return depth + _unbalanced_depth(brackets, limit - depth) > limit


def _outside_strings(skeleton: bytes) -> bytes:
    """The skeleton without its one-line strings and comments. Most often (no literal
    string, no comment, no string cut short by a line's end) every `"` opens or closes
    a string, and a split keeps what lies between them in a third of a regex pass's time."""
    if b"'" not in skeleton:
        parts = skeleton.split(b'"')
        if len(parts) % 2:
            outside = b"".join(parts[0::2])
            if b"#" not in outside and b"\n" not in b"".join(parts[1::2]):
                return outside
    return _STRINGS_AND_COMMENTS.sub(b"", skeleton)


def _unbalanced_depth(rest: bytes, limit: int) -> int:
    """What peeling could not remove (unclosed or mismatched brackets): counted one by one,
    stopping as soon as it passes `limit`."""
    depth = deepest = 0
    for byte in rest:
        depth = depth + 1 if byte in b"[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
        if deepest > limit:
            break
    return deepest
