"""The sandbox as an honest oracle for "exactly once": a request whose body never
arrived whole is not acted on and does not spend its idempotency key; the key's
fingerprint is over the complete body; a replay never holds a secret; the inventory
route lets a test count everything it holds."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlsplit

from sandbox_helpers import Api, slug

from launch_tui.sandbox import SandboxServer


def cut_short(api: Api) -> int:
    return api.get("/_sandbox/inventory", headers=api.admin).json()["cutShort"]


def send_half(api: Api, sandbox: SandboxServer, path: str, body: dict, headers: dict[str, str]) -> None:
    """Head and half the body, then close: a client (or a proxy) dying mid-request.
    Returns once the sandbox has seen the request end short (it counts them)."""
    before = cut_short(api)
    data = json.dumps(body).encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {urlsplit(sandbox.base_url).netloc}",
        "Content-Type: application/json",
        f"Content-Length: {len(data)}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    parts = urlsplit(sandbox.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + data[: len(data) // 2])
    for _ in range(500):  # bounded: the sandbox sees the disconnect within a few ms
        if cut_short(api) > before:
            return
        time.sleep(0.01)
    raise AssertionError("the sandbox never saw the request end short")


def test_a_body_cut_short_is_not_acted_on_and_its_key_stays_unspent(api: Api, shared_sandbox: SandboxServer) -> None:
    tenant = api.new_tenant()
    path = f"/api/admin/tenants/{tenant['id']}/integration-keys"
    headers = {**api.admin, "Idempotency-Key": f"cut-{tenant['id']}"}
    send_half(api, shared_sandbox, path, {"label": "cut short"}, headers)
    whole = api.post(path, json={"label": "cut short"}, headers=headers)
    # Not 422 idempotency_key_reused (a fingerprint of the half body), not a replay of a key labelled ''.
    assert whole.status_code == 201 and whole.json()["label"] == "cut short", whole.text
    assert "idempotent-replayed" not in whole.headers
    keys = [k for k in shared_sandbox.state.keys.values() if k.tenant_id == tenant["id"]]
    assert [k.label for k in keys] == ["cut short"]


def test_a_tenant_cut_short_without_a_key_is_not_created(api: Api, shared_sandbox: SandboxServer) -> None:
    name = slug()
    send_half(api, shared_sandbox, "/api/admin/tenants", {"name": "Half", "slug": name}, api.admin)
    whole = api.post("/api/admin/tenants", json={"name": "Whole", "slug": name}, headers=api.admin)
    assert whole.status_code == 201 and whole.json()["name"] == "Whole"  # no slug_taken: nothing was made


def test_the_inventory_counts_every_object_and_needs_the_admin_token(api: Api, shared_sandbox: SandboxServer) -> None:
    tenant = api.new_tenant()
    key = api.new_key(tenant["id"])
    invoice = api.post(
        "/api/admin/billing/invoices/generate",
        headers=api.admin,
        json={"tenantId": tenant["id"], "periodStart": "2026-11-01", "periodEnd": "2026-11-30"},
    ).json()
    assert api.post(f"/api/admin/billing/invoices/{invoice['id']}/issue", headers=api.admin).status_code == 200
    assert api.get("/_sandbox/inventory").status_code == 401
    held = api.get("/_sandbox/inventory", headers=api.admin).json()
    assert tenant["id"] in {t["id"] for t in held["tenants"]}
    (mine,) = [k for k in held["keys"] if k["tenantId"] == tenant["id"]]
    assert mine["id"] == key["id"] and "secret" not in mine and key["secret"] not in json.dumps(held)
    (billed,) = [i for i in held["invoices"] if i["tenantId"] == tenant["id"]]
    assert billed["applied"] == ["issue"] and billed["status"] == "issued"
