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
comments goes in one regex pass, and balanced pairs are peeled off level by level."""

from __future__ import annotations

import re

MAX_DEPTH = 64

_KEEP = b"[]{}\"'#\n."
_DELETE = bytes(byte for byte in range(256) if byte not in _KEEP)
# After the reductions: single-line strings and comments (multi-line ones take the slow path).
_STRINGS_AND_COMMENTS = re.compile(rb'"[^"\n]*"|\'[^\'\n]*\'|#[^\n]*')
# On the whole text, for the rare file with multi-line strings (launch-tui never writes one).
_ALL_STRINGS_AND_COMMENTS = re.compile(
    rb'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
)
# Braces become brackets for the peeling: the nesting is the same, and each level then
# goes in one C-speed bytes.replace instead of a regex pass. A mismatched `[}` then counts
# as a pair; the count still reaches at least the depth a parser reaches before it stops there.
_AS_BRACKETS = bytes.maketrans(b"{}", b"[]")


def too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """True when brackets and braces outside strings and comments nest deeper than `limit`."""
    if b'"""' in raw or b"'''" in raw:
        skeleton = _ALL_STRINGS_AND_COMMENTS.sub(b"", raw).translate(None, _DELETE)
    else:
        if b"\\\\" in raw:  # rare: skipping it spares a copy of the whole text
            raw = raw.replace(b"\\\\", b"")
        skeleton = raw.replace(b'\\"', b"").translate(None, _DELETE).replace(b'""', b"")
        skeleton = _STRINGS_AND_COMMENTS.sub(b"", skeleton)
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
