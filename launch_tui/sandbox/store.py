"""The sandbox platform's in-memory state: tenants, keys, jobs, invoices.

Everything is mutated only on the server's event loop, between awaits, so no lock is
needed; tests read it from their own thread after a request has completed.
Time comes from `clock` so tests can move it (expire a token, age an idempotency key).
Job status is computed from elapsed time on read: no background task to start or stop.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, overload

from launch_tui.sandbox import rows as rowdata
from launch_tui.sandbox.replies import ApiError
from launch_tui.sandbox.tokens import hash_key, key_prefix, new_key_secret
from launch_tui.timefmt import to_iso

DEFAULT_DETECTORS = {"TRADE": {"enabled": True}, "SHIP": {"enabled": True}, "ORDERS": {"enabled": True}}
APPLIED_MIGRATIONS = 57
# The part of a job's duration spent queued before it starts running.
QUEUED_SHARE = 0.2
# Invoice transitions: action -> (states it may start from, state it leads to, timestamp field).
TRANSITIONS = {
    "issue": ({"draft"}, "issued", "issued_at"),
    "mark-paid": ({"issued"}, "paid", "paid_at"),
    "cancel": ({"draft", "issued"}, "cancelled", "cancelled_at"),
}


Held = TypeVar("Held")


def held(table: dict[str, Held], object_id: str, what: str) -> Held:
    """The object with this id; else the platform's 404 `<what>_not_found`."""
    found = table.get(object_id)
    if found is None:
        raise ApiError(404, f"{what}_not_found", f"no {what} with id {object_id!r}")
    return found


@overload
def iso(moment: float) -> str: ...
@overload
def iso(moment: None) -> None: ...
def iso(moment: float | None) -> str | None:
    return None if moment is None else to_iso(datetime.fromtimestamp(moment, UTC))


def new_id(kind: str) -> str:
    return f"{kind}_{secrets.token_hex(6)}"


@dataclass
class Tenant:
    id: str
    name: str
    slug: str
    created_at: float
    detectors: dict[str, dict[str, Any]] | None = None  # None until configured

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "slug": self.slug, "createdAt": iso(self.created_at)}


@dataclass
class IntegrationKey:
    id: str
    tenant_id: str
    prefix: str
    label: str
    secret_hash: str
    created_at: float
    revoked_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "prefix": self.prefix,
            "label": self.label,
            "createdAt": iso(self.created_at),
            "revokedAt": iso(self.revoked_at),
        }


@dataclass
class Job:
    id: str
    tenant_id: str
    type: str
    rows: list[dict[str, str]]
    created_at: float
    duration: float
    fails: bool

    def state_at(self, now: float) -> tuple[str, float, float]:
        """(status, progress, updated_at) at time `now`."""
        queued_for = self.duration * QUEUED_SHARE
        elapsed = now - self.created_at
        if elapsed >= self.duration:
            return ("failed" if self.fails else "succeeded"), 1.0, self.created_at + self.duration
        if elapsed < queued_for:
            return "queued", 0.0, self.created_at
        progress = (elapsed - queued_for) / (self.duration - queued_for)
        return "running", round(min(progress, 0.99), 2), self.created_at + queued_for

    def to_json(self, now: float) -> dict[str, Any]:
        status, progress, updated_at = self.state_at(now)
        error = None
        if status == "failed":
            error = {
                "code": "processing_failed",
                "message": f"the {self.type} pipeline stopped at row 1 (sandbox scenario job-fails)",
            }
        return {
            "id": self.id,
            "type": self.type,
            "status": status,
            "progress": progress,
            "rows": len(self.rows),
            "createdAt": iso(self.created_at),
            "updatedAt": iso(updated_at),
            "error": error,
        }


@dataclass
class Invoice:
    id: str
    tenant_id: str
    period_start: str
    period_end: str
    created_at: float
    status: str = "draft"
    amount_cents: int = 0
    currency: str = "USD"
    issued_at: float | None = None
    paid_at: float | None = None
    cancelled_at: float | None = None
    applied: list[str] = field(default_factory=list)  # every transition that changed it, in order

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tenantId": self.tenant_id,
            "status": self.status,
            "amountCents": self.amount_cents,
            "currency": self.currency,
            "periodStart": self.period_start,
            "periodEnd": self.period_end,
            "createdAt": iso(self.created_at),
            "issuedAt": iso(self.issued_at),
            "paidAt": iso(self.paid_at),
            "cancelledAt": iso(self.cancelled_at),
        }


@dataclass
class Store:
    key_hash_secret: bytes
    job_seconds: float = 1.5
    jobs_fail: bool = False
    clock: Callable[[], float] = time.time
    # What /health reports, set by scenarios and readable/changeable by tests.
    database_reachable: bool = True
    database_latency_ms: int = 3
    applied_migrations: int = APPLIED_MIGRATIONS
    pending_migrations: int = 0
    tenants: dict[str, Tenant] = field(default_factory=dict)
    keys: dict[str, IntegrationKey] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    invoices: dict[str, Invoice] = field(default_factory=dict)

    def now(self) -> float:
        return self.clock()

    # Tenants -------------------------------------------------------------------------

    def create_tenant(self, name: str, slug: str) -> Tenant:
        if any(tenant.slug == slug for tenant in self.tenants.values()):
            raise ApiError(409, "slug_taken", f"a tenant with slug {slug!r} exists; look it up with ?slug={slug}")
        tenant = Tenant(new_id("ten"), name, slug, self.now())
        self.tenants[tenant.id] = tenant
        return tenant

    def tenant(self, tenant_id: str) -> Tenant:
        return held(self.tenants, tenant_id, "tenant")

    def onboarding_steps(self, tenant: Tenant) -> dict[str, bool]:
        now = self.now()
        return {
            "tenant_created": True,
            "integration_key_issued": any(
                key.tenant_id == tenant.id and key.revoked_at is None for key in self.keys.values()
            ),
            "detectors_configured": tenant.detectors is not None,
            "first_job_completed": any(
                job.tenant_id == tenant.id and job.state_at(now)[0] == "succeeded" for job in self.jobs.values()
            ),
        }

    # Integration keys ----------------------------------------------------------------

    def issue_key(self, tenant_id: str, label: str, secret: str | None = None) -> tuple[IntegrationKey, str]:
        """The new key and its secret, which is not kept: only its keyed hash is.
        `secret`: a given well-formed secret instead of a random one (the sandbox's own keys only)."""
        self.tenant(tenant_id)
        if secret is None:
            prefix, secret = new_key_secret()
        else:
            given = key_prefix(secret)
            if given is None:
                raise ValueError("a given key secret must look like lk_<8 hex>_<48 hex>")
            prefix = given
        key = IntegrationKey(
            new_id("key"), tenant_id, prefix, label, hash_key(self.key_hash_secret, secret), self.now()
        )
        self.keys[key.id] = key
        return key, secret

    def tenant_key(self, tenant_id: str, key_id: str) -> IntegrationKey:
        tenant = self.tenant(tenant_id)
        key = self.keys.get(key_id)
        if key is None or key.tenant_id != tenant.id:
            raise ApiError(404, "key_not_found", f"tenant {tenant_id} has no integration key {key_id!r}")
        return key

    def revoke_key(self, tenant_id: str, key_id: str) -> IntegrationKey:
        key = self.tenant_key(tenant_id, key_id)
        if key.revoked_at is None:
            key.revoked_at = self.now()
        return key

    def find_key(self, secret: str) -> IntegrationKey | None:
        """The key whose secret this is, revoked or not; None for anything unknown."""
        prefix = key_prefix(secret)
        if prefix is None:
            return None
        digest = hash_key(self.key_hash_secret, secret)
        for key in self.keys.values():
            if key.prefix == prefix and secrets.compare_digest(key.secret_hash, digest):
                return key
        return None

    # Jobs ----------------------------------------------------------------------------

    def create_job(self, tenant_id: str, job_type: str, rows: list[dict[str, str]]) -> Job:
        job = Job(new_id("job"), tenant_id, job_type, rows, self.now(), self.job_seconds, self.jobs_fail)
        self.jobs[job.id] = job
        return job

    def tenant_job(self, tenant_id: str, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        # Another tenant's job answers exactly like a missing one: no probing for ids.
        if job is None or job.tenant_id != tenant_id:
            raise ApiError(404, "job_not_found", f"no job {job_id!r} for this tenant")
        return job

    def job_output(self, tenant_id: str, job_id: str, job_type: str) -> list[dict[str, Any]]:
        job = self.tenant_job(tenant_id, job_id)
        if job.type != job_type:
            where = "/api/sima/results" if job.type == "TRADE" else "/api/ship/findings"
            hint = f"read it at {where}" if job.type in ("TRADE", "SHIP") else "this job type has no readable output"
            raise ApiError(400, "wrong_job_type", f"job {job_id} is a {job.type} job; {hint}")
        status = job.state_at(self.now())[0]
        if status != "succeeded":
            raise ApiError(409, "job_not_finished", f"job {job_id} is {status}; results exist once it has succeeded")
        return rowdata.trade_results(job.rows) if job_type == "TRADE" else rowdata.ship_findings(job.rows)

    # Invoices ------------------------------------------------------------------------

    def generate_invoice(self, tenant_id: str, period_start: str, period_end: str) -> Invoice:
        self.tenant(tenant_id)
        invoice = Invoice(new_id("inv"), tenant_id, period_start, period_end, self.now())
        self.invoices[invoice.id] = invoice
        return invoice

    def invoice(self, invoice_id: str) -> Invoice:
        return held(self.invoices, invoice_id, "invoice")

    def move_invoice(self, invoice_id: str, action: str) -> Invoice:
        invoice = self.invoice(invoice_id)
        sources, target, stamp = TRANSITIONS[action]
        if invoice.status not in sources:
            allowed = " or ".join(sorted(sources))
            raise ApiError(
                409,
                "invalid_transition",
                f"cannot {action} invoice {invoice_id}: it is {invoice.status}, and {action} needs {allowed}",
            )
        invoice.status = target
        invoice.applied.append(action)
        setattr(invoice, stamp, self.now())
        return invoice

    # What the sandbox holds (the test-only inventory route) --------------------------

    def inventory(self) -> dict[str, Any]:
        """Every object, never a secret: what tests count to show each action happened once."""
        now = self.now()
        return {
            "tenants": [tenant.to_json() for tenant in self.tenants.values()],
            "keys": [{**key.to_json(), "tenantId": key.tenant_id} for key in self.keys.values()],
            "invoices": [{**invoice.to_json(), "applied": list(invoice.applied)} for invoice in self.invoices.values()],
            "jobs": [
                {
                    "id": job.id,
                    "tenantId": job.tenant_id,
                    "type": job.type,
                    "createdAt": iso(job.created_at),
                    "status": job.state_at(now)[0],
                }
                for job in self.jobs.values()
            ],
        }
