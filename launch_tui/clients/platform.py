"""Every request the wizard sends to the platform, and how its answers are read.

This is the one file to change when a deployment's API differs from the contract in
docs (docs/platform-api.md): paths, bodies, headers and field names live here,
nowhere else. Methods return the raw `Reply` (status, evidence) so a check can judge
any status; the `parse_*` functions read the documented bodies, tolerating extra fields.
"""

from __future__ import annotations

import base64
import json
import secrets as pysecrets
import time
from dataclasses import dataclass, field
from typing import Any, TypeGuard
from urllib.parse import quote

from launch_tui.clients.errors import TransportError
from launch_tui.clients.transport import Reply, Transport
from launch_tui.secrets import Secrets


def segment(value: str) -> str:
    """An id from a file or a server as exactly one path segment: `/`, `?`, `#`, `%` and
    the rest encoded, and `.` or `..` too (a URL parser would otherwise walk up a level)."""
    text = quote(str(value), safe="")
    return text.replace(".", "%2E") if text in (".", "..") else text


JOB_TYPES = ("TRADE", "SHIP", "ORDERS", "CATALOG")
FINAL_JOB_STATUSES = frozenset({"succeeded", "failed"})
UPLOAD_PATHS = {
    "TRADE": "/api/upload",
    "CATALOG": "/api/catalog/upload",
    "SHIP": "/api/ship/upload",
    "ORDERS": "/api/orders/upload",
}
# Where a finished job's output is read. ORDERS and CATALOG have none in the runbook.
RESULTS_PATHS = {"TRADE": "/api/sima/results", "SHIP": "/api/ship/findings"}
CSV_HEADERS = {
    "TRADE": "date,hs_code,description,origin_country,destination_country,quantity,unit,value_usd",
    "SHIP": "shipment_id,carrier,origin_port,destination_port,departure_date,arrival_date,container_count",
    "ORDERS": "order_id,order_date,customer_ref,sku,quantity,unit_price,currency",
    "CATALOG": "sku,name,hs_code,unit",
}
SAMPLE_ROWS = {
    "TRADE": "2026-11-02,8471.30,Laptop computers,CN,US,120,pcs,84000",
    "SHIP": "SHP-0001,Maersk,CNSHA,USLAX,2026-11-02,2026-11-20,3",
    "ORDERS": "ORD-0001,2026-11-02,CUST-42,SKU-100,10,12.50,USD",
    "CATALOG": "SKU-100,Laptop computer,8471.30,pcs",
}
DEFAULT_DETECTORS = {"TRADE": True, "SHIP": True, "ORDERS": False}
# The job types with a detector, in this order wherever they are offered: the detector
# config switches them, and the runbook's first job is one of them (CATALOG is neither).
DETECTED_JOB_TYPES = tuple(DEFAULT_DETECTORS)


class MissingCredential(TransportError):
    """A secret this call needs is not set. `name` is the environment variable."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is not set; export it and try again", kind="credential", sent=False)
        self.name = name


def sample_csv(job_type: str) -> bytes:
    """A one-row first upload the platform accepts: the documented header and an example."""
    return f"{CSV_HEADERS[job_type]}\n{SAMPLE_ROWS[job_type]}\n".encode()


@dataclass(frozen=True)
class RouteProbe:
    """One unauthenticated request to a high-risk route. Its body is one a working route
    rejects (a CSV with a wrong header, records that are not a list), so an open route
    does no work."""

    label: str  # what a founder reads: "GET /api/jobs/<id>"
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    upload: bool = False


def high_risk_routes() -> list[RouteProbe]:
    """The runbook's high-risk routes, with fresh random ids each run."""
    job_id = f"job_{pysecrets.token_hex(12)}"
    return [
        RouteProbe("GET /api/sima/results", "GET", "/api/sima/results", params={"jobId": job_id}),
        RouteProbe("POST /api/sima/batch", "POST", "/api/sima/batch", json={"records": "auth probe: not a list"}),
        RouteProbe("GET /api/jobs/<id>", "GET", f"/api/jobs/{segment(job_id)}"),
        *(
            RouteProbe(f"POST {UPLOAD_PATHS[kind]}", "POST", UPLOAD_PATHS[kind], upload=True)
            for kind in ("TRADE", "CATALOG", "SHIP", "ORDERS")
        ),
    ]


PROBE_CSV = b"launch_tui_auth_probe\nthis header matches no upload type\n"


def forged_token() -> str:
    """A well-formed JWT with a signature no server issued: must be rejected like no token."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")

    now = int(time.time())
    header = part({"alg": "RS256", "typ": "JWT"})
    payload = part({"sub": "launch-tui-probe", "tenantId": "ten_probe", "iat": now, "exp": now + 900})
    signature = base64.urlsafe_b64encode(pysecrets.token_bytes(256)).decode().rstrip("=")
    return f"{header}.{payload}.{signature}"


def random_key() -> str:
    """A well-formed integration key that no tenant owns."""
    return f"lk_{pysecrets.token_urlsafe(32)}"


class PlatformClient:
    def __init__(self, transport: Transport, base_url: str, secrets: Secrets) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.secrets = secrets

    def _admin(self) -> str:
        token = self.secrets.get("LAUNCH_ADMIN_TOKEN")
        if not token:
            raise MissingCredential("LAUNCH_ADMIN_TOKEN")
        return token

    async def _call(
        self, method: str, path: str, *, bearer: str | None = None, idempotency_key: str | None = None, **kwargs: Any
    ) -> Reply:
        headers = {"Accept": "application/json"}
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
            # The platform replays a repeated key instead of acting twice, so retrying is safe.
            kwargs.setdefault("idempotent", True)
        return await self.transport.request(method, self.base_url + path, headers=headers, **kwargs)

    # Health and auth --------------------------------------------------------------
    async def health(self) -> Reply:
        return await self._call("GET", "/health")

    async def exchange_token(self, key: str | None) -> Reply:
        """Integration key -> access token. `None` sends no key at all. Issuing a token changes
        nothing, so it is retried like a read; the response holds a token, so no excerpt."""
        body = {} if key is None else {"key": key}
        return await self._call("POST", "/api/auth/token/integration", json=body, idempotent=True, sensitive=True)

    async def probe_route(self, probe: RouteProbe, bearer: str | None) -> Reply:
        files = {"file": ("launch-tui-probe.csv", PROBE_CSV, "text/csv")} if probe.upload else None
        # A probe's body is one a working route rejects, so sending it twice does nothing: retry freely.
        return await self._call(
            probe.method,
            probe.path,
            bearer=bearer,
            params=probe.params or None,
            json=probe.json,
            files=files,
            idempotent=True,
        )

    # Tenants and keys (admin) -----------------------------------------------------
    async def create_tenant(self, name: str, slug: str, idempotency_key: str) -> Reply:
        return await self._call(
            "POST",
            "/api/admin/tenants",
            bearer=self._admin(),
            json={"name": name, "slug": slug},
            idempotency_key=idempotency_key,
        )

    async def find_tenants(self, slug: str) -> Reply:
        return await self._call("GET", "/api/admin/tenants", bearer=self._admin(), params={"slug": slug})

    async def issue_key(self, tenant_id: str, label: str, idempotency_key: str) -> Reply:
        return await self._call(
            "POST",
            f"/api/admin/tenants/{segment(tenant_id)}/integration-keys",
            bearer=self._admin(),
            json={"label": label},
            idempotency_key=idempotency_key,
            sensitive=True,
        )

    async def list_keys(self, tenant_id: str) -> Reply:
        return await self._call(
            "GET", f"/api/admin/tenants/{segment(tenant_id)}/integration-keys", bearer=self._admin()
        )

    async def revoke_key(self, tenant_id: str, key_id: str, idempotency_key: str) -> Reply:
        path = f"/api/admin/tenants/{segment(tenant_id)}/integration-keys/{segment(key_id)}/revoke"
        return await self._call("POST", path, bearer=self._admin(), json={}, idempotency_key=idempotency_key)

    async def set_detectors(self, tenant_id: str, detectors: dict[str, bool], idempotency_key: str) -> Reply:
        body = {"detectors": {name: {"enabled": bool(on)} for name, on in detectors.items()}}
        return await self._call(
            "POST",
            f"/api/admin/tenants/{segment(tenant_id)}/detectors",
            bearer=self._admin(),
            json=body,
            idempotency_key=idempotency_key,
        )

    async def get_detectors(self, tenant_id: str) -> Reply:
        return await self._call("GET", f"/api/admin/tenants/{segment(tenant_id)}/detectors", bearer=self._admin())

    async def onboarding_status(self, tenant_id: str) -> Reply:
        return await self._call(
            "GET", f"/api/admin/tenants/{segment(tenant_id)}/onboarding-status", bearer=self._admin()
        )

    # Jobs (tenant routes) -----------------------------------------------------------
    async def upload(self, job_type: str, csv: bytes, filename: str, access_token: str, idempotency_key: str) -> Reply:
        # Upload routes are not documented to replay an Idempotency-Key, so they are never
        # retried after the request may have reached the server (idempotent=False).
        files = {"file": (filename, csv, "text/csv")}
        return await self._call(
            "POST",
            UPLOAD_PATHS[job_type],
            bearer=access_token,
            files=files,
            idempotency_key=idempotency_key,
            idempotent=False,
        )

    async def batch(self, records: list[dict[str, Any]], access_token: str, idempotency_key: str) -> Reply:
        return await self._call(
            "POST",
            "/api/sima/batch",
            bearer=access_token,
            json={"records": records},
            idempotency_key=idempotency_key,
            idempotent=False,
        )

    async def job(self, job_id: str, access_token: str) -> Reply:
        return await self._call("GET", f"/api/jobs/{segment(job_id)}", bearer=access_token)

    async def results(self, job_type: str, job_id: str, access_token: str) -> Reply:
        return await self._call("GET", RESULTS_PATHS[job_type], bearer=access_token, params={"jobId": job_id})

    # Billing (admin) ----------------------------------------------------------------
    async def generate_invoice(self, tenant_id: str, period_start: str, period_end: str, idempotency_key: str) -> Reply:
        body = {"tenantId": tenant_id, "periodStart": period_start, "periodEnd": period_end}
        return await self._call(
            "POST",
            "/api/admin/billing/invoices/generate",
            bearer=self._admin(),
            json=body,
            idempotency_key=idempotency_key,
        )

    async def invoice(self, invoice_id: str) -> Reply:
        return await self._call("GET", f"/api/admin/billing/invoices/{segment(invoice_id)}", bearer=self._admin())

    async def invoice_transition(self, invoice_id: str, action: str, idempotency_key: str) -> Reply:
        if action not in ("issue", "mark-paid", "cancel"):
            raise ValueError(f"unknown invoice action {action!r}")
        return await self._call(
            "POST",
            f"/api/admin/billing/invoices/{segment(invoice_id)}/{action}",
            bearer=self._admin(),
            json={},
            idempotency_key=idempotency_key,
        )


# Reading the documented bodies ---------------------------------------------------------


def access_token_of(data: Any) -> str | None:
    """The access token from a token exchange: `accessToken`, `access_token` or `token`."""
    if not isinstance(data, dict):
        return None
    for name in ("accessToken", "access_token", "token"):
        value = data.get(name)
        if isinstance(value, str) and value:
            return value
    return None


@dataclass(frozen=True)
class Health:
    status: str | None
    pending: int | None
    failing: tuple[str, ...]  # names under `checks` whose status is not ok
    version: str | None


def parse_health(data: dict[str, Any]) -> Health:
    checks: dict[str, Any] = data["checks"] if isinstance(data.get("checks"), dict) else {}
    migrations: dict[str, Any] = checks["migrations"] if isinstance(checks.get("migrations"), dict) else {}
    pending = migrations.get("pending")
    failing = tuple(
        sorted(
            name
            for name, check in checks.items()
            if isinstance(check, dict) and check.get("status") not in (None, "ok")
        )
    )
    status = data.get("status")
    version = data.get("version")
    return Health(
        status if isinstance(status, str) else None,
        pending if isinstance(pending, int) and not isinstance(pending, bool) else None,
        failing,
        version if isinstance(version, str) else None,
    )


def is_record(data: Any) -> TypeGuard[dict[str, Any]]:
    """A JSON object with a string `id`: what the platform answers for a tenant, a key or an invoice."""
    return isinstance(data, dict) and isinstance(data.get("id"), str)


@dataclass(frozen=True)
class TenantInfo:
    id: str
    slug: str
    name: str
    created_at: str | None = None


def parse_tenant(data: Any) -> TenantInfo | None:
    if not is_record(data):
        return None
    return TenantInfo(data["id"], str(data.get("slug", "")), str(data.get("name", "")), data.get("createdAt"))


@dataclass(frozen=True)
class KeyInfo:
    id: str
    prefix: str
    label: str
    created_at: str | None = None
    revoked_at: str | None = None

    @property
    def revoked(self) -> bool:
        return bool(self.revoked_at)


def parse_key(data: Any) -> KeyInfo | None:
    if not is_record(data):
        return None
    return KeyInfo(
        data["id"],
        str(data.get("prefix", "")),
        str(data.get("label", "")),
        data.get("createdAt"),
        data.get("revokedAt"),
    )


def items_of(data: Any) -> list[Any]:
    items = data.get("items") if isinstance(data, dict) else None
    return items if isinstance(items, list) else []


@dataclass(frozen=True)
class JobInfo:
    id: str
    type: str
    status: str
    progress: float | None = None
    updated_at: str | None = None
    error_code: str | None = None
    error_message: str | None = None

    @property
    def final(self) -> bool:
        return self.status in FINAL_JOB_STATUSES


def parse_job(data: Any) -> JobInfo | None:
    if not isinstance(data, dict):
        return None
    job_id = data.get("id") or data.get("jobId")
    if not isinstance(job_id, str) or not isinstance(data.get("status"), str):
        return None
    error: dict[str, Any] = data["error"] if isinstance(data.get("error"), dict) else {}
    progress = data.get("progress")
    return JobInfo(
        job_id,
        str(data.get("type", "")),
        data["status"],
        float(progress) if isinstance(progress, (int, float)) else None,
        data.get("updatedAt"),
        error.get("code"),
        error.get("message"),
    )


@dataclass(frozen=True)
class InvoiceInfo:
    id: str
    status: str
    tenant_id: str | None = None


def parse_invoice(data: Any) -> InvoiceInfo | None:
    if not is_record(data):
        return None
    return InvoiceInfo(data["id"], str(data.get("status", "")), data.get("tenantId"))
