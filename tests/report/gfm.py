"""The Markdown report as GitHub renders it: cmark-gfm (GitHub's own parser) to HTML,
then the HTML taken apart, so tests can say what a reader sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options

# Raw HTML passed through, as the report would be if a renderer allowed it: a tag that
# only survives as text when GitHub filters it would otherwise hide an escaping bug.
OPTIONS = Options.CMARK_OPT_UNSAFE


def to_html(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=OPTIONS)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""
    children: list[Element] = field(default_factory=list)


class _Tree(HTMLParser):
    VOID = {"br", "hr", "img", "input"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.stack = [self.root]
        self.all: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        self.all.append(element)
        if tag == "br":
            self.handle_data("\n")
        elif tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text += data


def parse(markdown: str) -> _Tree:
    tree = _Tree()
    tree.feed(to_html(markdown))
    tree.close()
    return tree


def elements(markdown: str, tag: str) -> list[Element]:
    return [element for element in parse(markdown).all if element.tag == tag]
