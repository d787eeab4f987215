"""Whatever text a session holds, the report shows it without letting it act."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings, strategies as st

from launch_tui.report.markdown_text import code, text
from launch_tui.safe_text import is_unsafe, json_safe, visible
from launch_tui.secrets import Secrets

UNESCAPED_PIPE = re.compile(r"(?<!\\)(?:\\\\)*\|")
# Text biased towards what breaks things: markup, escapes, controls, bidi overrides.
NASTY = st.text(
    st.sampled_from(list("|`*_[]<>&#$~\\\n\r\t\x1b\x07\x7f\x85\u202e\u2066\u200b\u2028 a1é😀")) | st.characters(),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(NASTY)
def test_inline_text_has_no_unsafe_character_and_cannot_open_a_cell_or_a_tag(value):
    shown = text(value)
    assert not any(is_unsafe(char) for char in shown)
    assert not UNESCAPED_PIPE.search(shown)
    assert not re.search(r"(?<!\\)(?:\\\\)*<(?!br>|(?:https?|ftp)://)", shown)  # a tag: only <br> and autolinks
    assert not re.search(r"(?<!\\)(?:\\\\)*[\[\]`*]", shown)


@settings(max_examples=300, deadline=None)
@given(NASTY)
def test_a_code_span_in_a_table_is_one_span_in_one_cell(value):
    shown = code(value, in_table=True)
    assert not any(is_unsafe(char) for char in shown)
    assert not UNESCAPED_PIPE.search(shown)
    if shown != "—":
        fence = re.match(r"`+", shown).group()
        assert shown.endswith(fence) and fence not in shown[len(fence) : -len(fence)]


@settings(max_examples=300, deadline=None)
@given(NASTY)
def test_json_keeps_the_value_and_spells_unsafe_characters_as_escapes(value):
    document = {"note": value, "list": [value]}
    spelled = json_safe(json.dumps(document, indent=2, ensure_ascii=False))
    assert json.loads(spelled) == document
    assert not any(is_unsafe(char) for char in spelled.replace("\n", ""))


def test_visible_names_escape_sequences_and_bidi_overrides():
    assert visible("\x1b[31mred\x07") == "␛[31mred␇"
    assert visible("abc\u202edef") == "abc⟨U+202E⟩def"
    assert visible("one\r\ntwo", keep_newlines=True) == "one\ntwo"


def test_secrets_are_scrubbed_before_escaping_could_disguise_them():
    secret = "tok*en|with_marks`"
    Secrets({"GITHUB_TOKEN": secret})
    assert "redacted" in text(f"x {secret} y") and "tok" not in text(f"x {secret} y")
    assert "tok" not in code(f"x {secret} y")
