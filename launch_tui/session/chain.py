"""The hash chain. Each event's seal is the hash of its own content (which includes
`prev`, the seal of the event before; the first event's `prev` is the header's hash),
so editing, deleting or reordering anything breaks the chain at that point."""

from __future__ import annotations

import hashlib
import json
from typing import Any

# What json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
# would build anew for every call; made once (verifying 10,000 events calls it 10,000 times).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(document: dict[str, Any]) -> str:
    canonical = _CANONICAL.encode(document)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def header_hash(header: dict[str, Any]) -> str:
    return digest(header)


def event_hash(event: dict[str, Any]) -> str:
    """The hash of an event as written: everything but its seal."""
    return digest({key: value for key, value in event.items() if key != "seal"})
