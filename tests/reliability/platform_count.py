"""Counting what the platform holds, over HTTP (the sandbox's test-only inventory
route), and checking it against the session: each action happened exactly once, and
the session names every object that exists."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from launch_tui.sandbox import SandboxServer
from launch_tui.session import EventKind, read_session

LIFECYCLE_PATHS = {"paid": ["issue", "mark-paid"], "cancelled": ["cancel"]}


@dataclass
class Holdings:
    tenants: list[dict[str, Any]]
    keys: list[dict[str, Any]]
    invoices: list[dict[str, Any]]
    jobs: list[dict[str, Any]]

    @property
    def live_keys(self) -> list[dict[str, Any]]:
        return [key for key in self.keys if key["revokedAt"] is None]


def holdings(sandbox: SandboxServer, slug: str) -> Holdings:
    reply = httpx.get(
        f"{sandbox.base_url}/_sandbox/inventory",
        headers={"Authorization": f"Bearer {sandbox.credentials['LAUNCH_ADMIN_TOKEN']}"},
        timeout=10,
    )
    reply.raise_for_status()
    data = reply.json()
    tenants = [t for t in data["tenants"] if t["slug"] == slug]
    ids = {t["id"] for t in tenants}
    mine = [key for key in data["keys"] if key["tenantId"] in ids]
    return Holdings(
        tenants,
        mine,
        [i for i in data["invoices"] if i["tenantId"] in ids],
        [j for j in data["jobs"] if j["tenantId"] in ids],
    )


def intents(path: Path, *actions: str) -> list[dict[str, Any]]:
    return [
        e.data
        for e in read_session(path).events
        if e.kind is EventKind.ACTION_INTENT and e.data.get("action") in actions
    ]


def assert_exactly_once(sandbox: SandboxServer, path: Path, slug: str, *, finished: bool = False) -> Holdings:
    """At most one of each (exactly one when `finished`), every transition applied once,
    and every object's id in the session file."""
    held = holdings(sandbox, slug)
    text = path.read_text()
    assert len(held.tenants) <= 1, held.tenants
    assert len(held.live_keys) <= 1, held.live_keys
    for obj in held.tenants + held.keys + held.invoices:
        assert obj["id"] in text, f"{obj['id']} exists on the platform but the session never names it"
    for invoice in held.invoices:
        assert max(Counter(invoice["applied"]).values(), default=1) == 1, invoice
    generations = intents(path, "generate_invoice", "invoice_generate_for_cancel")
    assert len(held.invoices) <= len(generations), (held.invoices, len(generations))
    assert len(held.jobs) <= len(intents(path, "enqueue_job")), held.jobs
    if finished:
        assert len(held.tenants) == 1 and len(held.live_keys) == 1, (held.tenants, held.live_keys)
        assert sorted(i["status"] for i in held.invoices) == ["cancelled", "paid"], held.invoices
        for invoice in held.invoices:
            assert invoice["applied"] == LIFECYCLE_PATHS[invoice["status"]], invoice
        assert held.jobs, "no job was enqueued"
        tally(path, held)
    return held


def tally(path: Path, held: Holdings) -> None:
    """With EXACTLY_ONCE_TALLY=FILE, append what a finished test counted (the numbers
    docs/reliability.md quotes)."""
    out = os.environ.get("EXACTLY_ONCE_TALLY")
    if not out:
        return
    events = read_session(path).events
    keys = [e.data["idempotency_key"] for e in events if e.kind is EventKind.ACTION_INTENT]
    results = [e for e in events if e.kind is EventKind.ACTION_RESULT]
    row = {
        "test": os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0],
        "tenants": len(held.tenants),
        "keys made": len(held.keys),
        "live keys": len(held.live_keys),
        "invoices": len(held.invoices),
        "transitions applied": sum(len(i["applied"]) for i in held.invoices),
        "jobs": len(held.jobs),
        "intents": len(keys),
        "unknown outcomes": sum(bool(e.data.get("unknown")) for e in results),
        "looked up and adopted": sum(bool(e.data.get("looked_up")) for e in results),
        "retries with the same key": len(keys) - len(set(keys)),
        "closed by recovery": sum(
            e.status is not None and e.status.value == "skip" and bool(e.data.get("partial")) for e in results
        ),
    }
    with open(out, "a", encoding="utf-8") as file:
        file.write(json.dumps(row) + "\n")
