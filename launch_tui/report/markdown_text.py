"""Recorded text inside Markdown: shown as written, never as markup.

Notes come from operators and summaries from servers, so any of it may try to open a
table cell, draw a link, an image, HTML or a fake status, or send a terminal escape
sequence to whoever runs `cat` on the report. Registered secrets are scrubbed first,
so that escaping cannot disguise one."""

from __future__ import annotations

import re

from launch_tui.safe_text import visible
from launch_tui.secrets import redact

# Escaped wherever they stand; `_` only at a word's edge, where it could start
# emphasis, so that names like CLERK_SECRET_KEY stay readable as plain text.
_ALWAYS = re.compile(r"([\\`*\[\]<>|~$])")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# GFM links a bare URL by itself and keeps what follows it as written, backslashes and
# all (`https://x.y\>` linked to `x.y%5C%3E`): a URL is written as an autolink `<…>`
# instead, whose content is literal and needs no escaping. Trailing punctuation stays
# outside, as GFM would leave it; a pipe ends it, so that it cannot split a table cell.
# (An entity inside an autolink would still be decoded: one ends it too.)
_URL = re.compile(r"(?:https?|ftp)://(?:[^\s<>|\\`&]|&(?!#?[A-Za-z0-9]+;))+", re.IGNORECASE)
_TRAILING = ".,:;!?*_~'\""
# At the start of a line they open a heading, a list or a quote; at the end of a
# heading a run of `#` after a space is its closing sequence, and GFM drops it.
# A `www.` link runs to the next space or `<`: one holding an escape would be linked to
# the escape too, so the link is broken instead (`www&#46;` reads the same, links nowhere).
_WWW = re.compile(r"www\.(?=[^\s<]*[\\&])", re.IGNORECASE)
_LEADING_BLOCK = re.compile(r"^(?:[#+=-]|\d{1,9}(?=[.)]))")
_CLOSING_HASHES = re.compile(r"(?:^|(?<=\s))#(?=#*\s*$)")


def _prose(value: str) -> str:
    escaped = _ALWAYS.sub(r"\\\1", value)
    return _UNDERSCORE.sub(r"\\_", _ENTITY.sub(r"\\&", escaped))


def _url_end(url: str) -> int:
    """Where GFM would end a bare URL: trailing punctuation and an unbalanced `)` are not part of it."""
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _TRAILING or (last == ")" and url[:end].count(")") > url[:end].count("(")):
            end -= 1
            continue
        break
    return end


def text(value: object) -> str:
    """Inline prose: special characters escaped, URLs as autolinks, line breaks as <br>."""
    shown = visible(redact(str(value)), keep_newlines=True)
    parts, done = [], 0
    for match in _URL.finditer(shown):
        end = match.start() + _url_end(match.group())
        if end - match.start() <= len(match.group().split("://")[0]) + 3:
            continue  # only a scheme: no URL to link
        parts += [_prose(shown[done : match.start()]), f"<{shown[match.start() : end]}>"]
        done = end
    parts.append(_prose(shown[done:]))
    # Leading spaces are dropped: HTML shows none, and four would start a code block.
    escaped = _WWW.sub(lambda found: found.group()[:3] + "&#46;", "".join(parts)).lstrip(" ")
    escaped = _LEADING_BLOCK.sub(
        lambda found: found.group() + "\\" if found.group()[0].isdigit() else "\\" + found.group(), escaped
    )
    escaped = "<br>".join(_CLOSING_HASHES.sub(r"\\#", line) for line in escaped.split("\n"))
    return escaped


def code(value: object, *, in_table: bool = False) -> str:
    """A code span that holds any text: a longer fence than any backtick run inside."""
    content = visible(redact(str(value)))
    if not content:
        return "—"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", content)), default=0) + 1)
    pad = " " if content[0] == "`" or content[-1] == "`" else ""
    span = f"{fence}{pad}{content}{pad}{fence}"
    if not in_table:
        return span
    # GFM splits cells before it parses code spans, on every pipe not escaped by a
    # backslash; a backslash already before the pipe would escape the escape instead.
    return re.sub(r"(\\*)\|", lambda match: match.group(1) * 2 + "\\|", span)


def or_dash(value: object | None) -> str:
    return "—" if value in (None, "") else text(value)


def table(headings: list[str], rows: list[list[str]]) -> list[str]:
    """A GFM table from cells already escaped."""
    lines = ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines
