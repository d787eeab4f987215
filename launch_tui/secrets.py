"""Secrets live in memory only. Every secret the program learns is registered here,
so that anything about to be shown or written can be scrubbed of it.

Sources: the environment (`LAUNCH_ADMIN_TOKEN`, ...), masked inputs in the TUI,
and values learned at run time (an issued key's secret, an access token, Render
env-var values).
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, quote_plus

ENV_VARS: dict[str, str] = {
    "LAUNCH_ADMIN_TOKEN": "admin token for the platform's admin routes",
    "LAUNCH_INTEGRATION_KEY": "a valid integration key, for section 2",
    "LAUNCH_REVOKED_KEY": "a known-revoked integration key, for section 2",
    "RENDER_API_KEY": "Render API key, for the infrastructure checks",
    "GITHUB_TOKEN": "GitHub token with admin read access, for the guardrail checks",
}

MASK = "[redacted]"
# Values shorter than this are too common to scrub without mangling ordinary text
# (e.g. NODE_ENV's "production" is not a secret, and "0" is everywhere).
MIN_SECRET_LENGTH = 6


# A vendor's marker at the start of a key (`lk_`, `ghp_`, `rnd_`...): the rest is the
# secret itself, and is scrubbed on its own too.
KEY_PREFIX = re.compile(r"^[A-Za-z]{2,10}_")
MIN_UNPREFIXED_LENGTH = 12


def _forms(value: str) -> set[str]:
    """Every way the value may show up in text: raw, URL-encoded, JSON-escaped (`\\/` too),
    hex, base64 (standard and URL-safe), and base64 of the whole `Authorization` header
    value it would travel in (`Bearer <value>`, as HTTP Basic-like schemes encode it)."""
    raw = value.encode()
    forms = {value, quote(value, safe=""), quote_plus(value), raw.hex(), raw.hex().upper()}
    escaped = json.dumps(value)[1:-1]
    forms |= {escaped, escaped.replace("/", "\\/")}
    for text in (raw, b"Bearer " + raw, b"bearer " + raw):
        forms.add(base64.b64encode(text).decode())
        forms.add(base64.b64encode(text).decode().rstrip("="))
        forms.add(base64.urlsafe_b64encode(text).decode().rstrip("="))
    return forms


class SecretRegistry:
    """The set of values that must never be shown or written."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()

    def add(self, value: str | None) -> None:
        if not value or len(value) < MIN_SECRET_LENGTH:
            return
        forms = _forms(value)
        prefix = KEY_PREFIX.match(value)
        if prefix and len(value) - prefix.end() >= MIN_UNPREFIXED_LENGTH:
            forms |= _forms(value[prefix.end() :])  # pasted without its `lk_`: still the secret
        with self._lock:
            self._values.update(form for form in forms if len(form) >= MIN_SECRET_LENGTH)

    def redact(self, text: str) -> str:
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            if value in text:
                text = text.replace(value, MASK)
        return text

    def contains_secret(self, text: str) -> bool:
        with self._lock:
            return any(value in text for value in self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


registry = SecretRegistry()


def redact(text: str) -> str:
    return registry.redact(text)


def scrub(value: Any) -> Any:
    """`value` with every string in it, at any depth, redacted (lists come back as lists)."""
    if isinstance(value, str):
        return registry.redact(value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(item) for item in value]
    return value


class Secrets:
    """The credentials of one run: from the environment, or typed by the operator."""

    def __init__(self, values: dict[str, str] | None = None) -> None:
        self._values: dict[str, str] = {}
        for name, value in (values or {}).items():
            self.set(name, value)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Secrets:
        source: Mapping[str, str] = os.environ if environ is None else environ
        return cls({name: source[name] for name in ENV_VARS if source.get(name)})

    def set(self, name: str, value: str) -> None:
        value = value.strip()
        if not value:
            self._values.pop(name, None)
            return
        self._values[name] = value
        registry.add(value)

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def has(self, name: str) -> bool:
        return name in self._values

    def missing(self) -> list[str]:
        return [name for name in ENV_VARS if name not in self._values]

    def __repr__(self) -> str:  # never the values, even in a traceback
        return f"Secrets(set={sorted(self._values)})"
