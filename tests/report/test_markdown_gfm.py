"""What GitHub shows: the report parsed by cmark-gfm, GitHub's own Markdown parser.
Recorded text must come out as written, in every place the report puts it."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from hypothesis import given, settings, strategies as st

from launch_tui.report.markdown_text import table, text
from launch_tui.safe_text import visible

from .gfm import elements, parse

# Text biased towards what Markdown reads as markup: block starters, URLs, entities, escapes.
PIECES = [
    "https://x.y",
    "http://a.b/c_d?e=f&g=h",
    "www.x.y",
    "<",
    ">",
    "#",
    " #",
    "- ",
    "1. ",
    "> ",
    "|",
    "`",
    "*",
    "_",
    "[",
    "]",
    "(",
    ")",
    "!",
    "~",
    "$",
    "&amp;",
    "&#42;",
    "\\",
    ".",
    " ",
    "a",
    "Z9",
    "é",
    "\n",
]
NASTY = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=12).map("".join)

PLACES = {  # how the report puts inline text: a paragraph, a list item, a heading, a table cell
    "paragraph": lambda value: f"- **Note** by a at b: {value}",
    "list start": lambda value: f"- {value}",
    "heading": lambda value: f"# Launch decision record: {value}",
    "cell": lambda value: "\n".join(table(["a", "b"], [[value, "x"]])),
}
PREFIX = {"paragraph": "Note by a at b: ", "list start": "", "heading": "Launch decision record: ", "cell": ""}


def reads(markdown: str, place: str) -> str:
    """The text a reader sees in the one element the line makes."""
    tag = {"paragraph": "li", "list start": "li", "heading": "h1", "cell": "td"}[place]
    found = elements(markdown, tag)
    if place == "cell":
        assert len(found) == 2, markdown  # the text stayed in its cell
        found = found[:1]
    assert len(found) == 1, (markdown, [element.tag for element in parse(markdown).all])
    return found[0].text


def expected(value: str) -> str:
    return visible(value, keep_newlines=True)


def squash(value: str) -> str:
    """Whitespace as HTML shows it: runs are one space, the ends trimmed."""
    return re.sub(r"\s+", " ", value).strip()


@pytest.mark.parametrize("place", PLACES)
@settings(max_examples=150, deadline=None)
@given(value=NASTY)
def test_recorded_text_reads_as_written_wherever_the_report_puts_it(place, value):
    markdown = PLACES[place](text(value))
    tree = parse(markdown)
    allowed = {"ul", "li", "strong", "h1", "table", "thead", "tbody", "tr", "th", "td", "br", "a", "p"}
    assert {element.tag for element in tree.all} <= allowed, markdown
    for link in (element for element in tree.all if element.tag == "a"):
        href = unquote(link.attrs["href"] or "")  # a link goes where its text says
        assert href in (link.text, "http://" + link.text, "mailto:" + link.text), markdown
    assert squash(reads(markdown, place)) == squash(PREFIX[place] + expected(value)), markdown


@pytest.mark.parametrize("value", ["see <https://x.y>", "<https://x.y>.", "(https://x.y/a(b)), then"])
def test_a_url_in_brackets_is_one_clean_link(value):
    markdown = f"- {text(value)}"
    (link,) = elements(markdown, "a")
    assert unquote(link.attrs["href"]) == link.text and "\\" not in link.text and "%5C" not in link.attrs["href"]
    assert reads(markdown, "list start") == value


def test_a_customer_name_ending_in_a_hash_keeps_it_in_the_heading():
    (heading,) = elements(f"# Launch decision record: {text('Acme #')}", "h1")
    assert heading.text == "Launch decision record: Acme #"


def test_the_whole_report_has_the_structure_it_means(scripted):
    from launch_tui.checklist import load_checklist
    from launch_tui.report.decision_markdown import render_markdown
    from tests.session.scripted import HOSTILE

    from .conftest import record_of

    markdown = render_markdown(record_of(scripted))
    tree = parse(markdown)
    checklist = load_checklist()
    (title,) = [element for element in tree.all if element.tag == "h1"]
    assert title.text == "Launch decision record: Acme Freight"
    items = [element.text for element in tree.all if element.tag == "h3"]
    assert [heading.split(":")[0] for heading in items] == [item.id for item in checklist.items]
    assert {element.tag for element in tree.all} <= {
        "h1",
        "h2",
        "h3",
        "p",
        "ul",
        "li",
        "blockquote",
        "strong",
        "em",
        "code",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "br",
        "a",
        "pre",
    }, "raw HTML or unexpected markup in the report"
    for table_element in (element for element in tree.all if element.tag == "table"):
        rows = [row for row in _descendants(table_element) if row.tag == "tr"]
        widths = {len([cell for cell in row.children if cell.tag in ("th", "td")]) for row in rows}
        assert len(widths) == 1, "a recorded value split or merged a table cell"
    notes = [element.text for element in tree.all if element.tag == "li" and "ALL GREEN" in element.text]
    assert notes and all(visible(HOSTILE) in note for note in notes)  # read as written, linking nothing hidden
    for link in (element for element in tree.all if element.tag == "a"):
        assert unquote(link.attrs["href"] or "") == link.text


def test_a_customer_name_ending_in_a_hash_keeps_it_in_the_reports_heading(tmp_path, fixed_clock):
    from launch_tui.report.decision_markdown import render_markdown
    from tests.conftest import make_target
    from tests.session.scripted import play

    from .conftest import record_of

    path = play(tmp_path / "sessions", make_target(customer={"name": "Acme #", "tenant_slug": "acme"}))
    (heading,) = elements(render_markdown(record_of(path)), "h1")
    assert heading.text == "Launch decision record: Acme #"


def _descendants(element):
    for child in element.children:
        yield child
        yield from _descendants(child)
