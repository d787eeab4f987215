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


def text(value: object) -> str:
    """Inline prose: special characters escaped, line breaks as <br>."""
    escaped = _ALWAYS.sub(r"\\\1", redact(str(value)))
    escaped = _UNDERSCORE.sub(r"\\_", _ENTITY.sub(r"\\&", escaped))
    return visible(escaped, keep_newlines=True).replace("\n", "<br>")


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
