"""The nesting pre-scan (launch_tui.toml_depth) against a plain reading of TOML's
lexical rules, one character at a time: whatever that reading finds nested deeper than
the limit, the pre-scan refuses too. It may refuse more (mismatched brackets: text no
parser accepts), never less, or a parser is handed a nesting it overflows on. Where a
one-line string is never closed, or a backslash stands outside a string, the reading
stops: so does every parser.

The limit is 3 here, so that short random texts reach it often."""

from __future__ import annotations

from hypothesis import example, given, settings, strategies as st

from launch_tui.toml_depth import too_deep

LIMIT = 3
# The characters the pre-scan reads, a quote run's worth of each quote, and filler.
ALPHABET = "[]{}\"'#\n.\\ab=,"


def reference_depth(text: str) -> int:
    """The deepest nesting of brackets and braces outside strings and comments, or
    LIMIT + 1 for a line with more dots outside them than LIMIT (a table per dot)."""
    depth = deepest = dots = 0
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith('"""', i) or text.startswith("'''", i):
            i = _after_multiline(text, i + 3, text[i])
        elif char in "\"'":
            i = _after_single_line(text, i + 1, char)
            if i < 0:  # unterminated: a parser stops there, and nests no deeper
                return deepest
        else:
            if char in "[{":
                depth += 1
                deepest = max(deepest, depth)
            elif char in "]}":
                depth = max(0, depth - 1)
            elif char == ".":
                dots += 1
                if dots > LIMIT:
                    return LIMIT + 1
            elif char == "\n":
                dots = 0
            elif char == "\\":  # no TOML outside a string: a parser stops there
                return deepest
            i += 1
    return deepest


def _after_single_line(text: str, i: int, quote: str) -> int:
    """Past a one-line string's closing quote; -1 if its line or the text ends first."""
    while i < len(text):
        char = text[i]
        if char == "\\" and quote == '"':
            if text[i + 1 : i + 2] in ("", "\n"):
                return -1
            i += 2
            continue
        if char == "\n":
            return -1
        if char == quote:
            return i + 1
        i += 1
    return -1


def _after_multiline(text: str, i: int, quote: str) -> int:
    """Past a multi-line string: a run of 3 or more quotes closes it, taking up to 5 (TOML
    lets 1 or 2 quotes stand just before the closing three)."""
    while i < len(text):
        char = text[i]
        if char == "\\" and quote == '"':
            i += 2
            continue
        if char == quote:
            run = len(text[i:]) - len(text[i:].lstrip(quote))
            if run >= 3:
                return i + min(run, 5)
            i += run
            continue
        i += 1
    return i


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
@example("[[['''''''['")  # a closing run of 4-5 quotes ends the string where it ends
@example('[[["""""""["')
@example('a = "\\\\"\n[[[[')  # an escaped backslash does not escape the quote
@example("a = 'b\\'\n[[[[")  # a literal string has no escapes
def test_the_pre_scan_refuses_all_that_nests_deeper_than_the_limit(text):
    if reference_depth(text) > LIMIT:
        assert too_deep(text.encode(), LIMIT)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_the_slow_path_for_multi_line_strings_holds_the_same_bound(text):
    """The same texts, sent down the path for files with multi-line strings."""
    raw = text.encode()
    padded = raw + b"\n# '''"  # a comment that sends the scan down the slow path, nesting nothing
    if reference_depth(text) > LIMIT:
        assert too_deep(padded, LIMIT)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=ALPHABET.replace("'", ""), max_size=60))
@example('a = "#"\n[[[[')  # a `#` in a string starts no comment
@example('a = "x"\n[[[["')  # an odd quote: the split gives way to the regex
def test_without_literal_strings_too(text):
    """No `'`: the scan pairs quotes by splitting the text at them, where it can."""
    if reference_depth(text) > LIMIT:
        assert too_deep(text.encode(), LIMIT)
