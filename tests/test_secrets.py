"""Redaction knows the forms a secret takes on its way out (issue 11)."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from launch_tui.secrets import MASK, redact, registry

KEY = "lk_live/Probe+9f8e7d6c5b4a"


@pytest.fixture(autouse=True)
def registered():
    registry.add(KEY)


@pytest.mark.parametrize(
    "form",
    [
        KEY,
        quote(KEY, safe=""),
        json.dumps(KEY)[1:-1],
        json.dumps(KEY)[1:-1].replace("/", "\\/"),  # JSON encoders that escape the solidus
        KEY.encode().hex(),
        KEY.encode().hex().upper(),
        base64.b64encode(KEY.encode()).decode(),
        base64.b64encode(f"Bearer {KEY}".encode()).decode(),  # the whole Authorization header value
        base64.b64encode(f"Bearer {KEY}".encode()).decode().rstrip("="),
        KEY.removeprefix("lk_"),  # pasted without its prefix
        quote(KEY.removeprefix("lk_"), safe=""),
    ],
)
def test_every_form_is_redacted(form):
    assert redact(f"before {form} after") == f"before {MASK} after"


def test_a_short_remainder_is_not_scrubbed_everywhere():
    registry.add("lk_abc123")  # too short without its prefix to scrub on its own
    assert redact("abc123 is ordinary text") == "abc123 is ordinary text"
    assert redact("lk_abc123") == MASK
