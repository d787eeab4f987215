"""Section 3, Customer Onboarding: tenant, integration key, detectors, status.

Actions take an `idempotency_key` the caller generated and recorded before calling,
so a retry after a crash replays the same request instead of acting twice.
"""

from __future__ import annotations

from typing import Any

from launch_tui.clients.errors import BadReply
from launch_tui.clients.platform import (
    DEFAULT_DETECTORS,
    KeyInfo,
    TenantInfo,
    items_of,
    parse_key,
    parse_tenant,
)
from launch_tui.clients.text import clean
from launch_tui.engine.base import (
    ActionOutcome,
    Unavailable,
    Verdict,
    admin_failure,
    check,
    failed,
    manual,
    passed,
    perform,
)
from launch_tui.engine.context import Facts, RunContext
from launch_tui.secrets import Secrets
from launch_tui.target import Target

CANARY_LABEL = "launch-tui revocation canary"


def _tenant_id(ctx: RunContext, tenant_id: str | None = None) -> str:
    tenant_id = tenant_id or ctx.facts.tenant_id
    if not tenant_id:
        raise Unavailable("no tenant yet: create (or adopt) the customer's tenant in section 3 first")
    return tenant_id


# Recovery helpers (read-only; raise TransportError, whose text is one line) ----------------


async def find_tenant_by_slug(ctx: RunContext, slug: str | None = None) -> TenantInfo | None:
    slug = slug or ctx.target.customer.tenant_slug
    reply = await ctx.platform.find_tenants(slug)
    if not reply.ok:
        raise BadReply(admin_failure(reply, f"looking up tenant {slug}").summary, reply)
    tenants = [t for t in map(parse_tenant, items_of(reply.json_object())) if t and t.slug == slug]
    return tenants[0] if tenants else None


async def list_keys(ctx: RunContext, tenant_id: str | None = None, label: str | None = None) -> list[KeyInfo]:
    """The tenant's integration keys (never a secret), optionally only those with `label`."""
    tenant_id = _tenant_id(ctx, tenant_id)
    reply = await ctx.platform.list_keys(tenant_id)
    if not reply.ok:
        raise BadReply(admin_failure(reply, f"listing the keys of {tenant_id}").summary, reply)
    keys = [k for k in map(parse_key, items_of(reply.json_object())) if k]
    return [k for k in keys if label is None or k.label == label]


async def read_detectors(ctx: RunContext) -> dict[str, bool]:
    """The tenant's current detector config (the platform's defaults if never set)."""
    tenant_id = _tenant_id(ctx)
    reply = await ctx.platform.get_detectors(tenant_id)
    if not reply.ok:
        raise BadReply(admin_failure(reply, "reading the detector config").summary, reply)
    return _detectors_of(reply.json_object())


def _detectors_of(data: dict[str, Any]) -> dict[str, bool]:
    detectors: dict[str, Any] = data["detectors"] if isinstance(data.get("detectors"), dict) else {}
    return {
        str(name): bool(conf.get("enabled")) if isinstance(conf, dict) else bool(conf)
        for name, conf in detectors.items()
    }


def _describe_detectors(detectors: dict[str, bool]) -> str:
    return ", ".join(f"{clean(name, 20)} {'on' if on else 'off'}" for name, on in detectors.items())


# Actions ----------------------------------------------------------------------------------


async def create_tenant(
    ctx: RunContext, idempotency_key: str, name: str | None = None, slug: str | None = None
) -> ActionOutcome:
    """Create the customer's tenant. A taken slug returns status `manual` with the existing
    tenant in `outcome.conflict`: ask the operator, then call `adopt_tenant`."""
    name = name or ctx.target.customer.name
    slug = slug or ctx.target.customer.tenant_slug

    async def run() -> Verdict:
        reply = await ctx.platform.create_tenant(name, slug, idempotency_key)
        if reply.status_code in (200, 201):
            tenant = parse_tenant(reply.json_object())
            if tenant is None:
                return failed("the tenant was created but the response has no tenant id; look it up by slug")
            ctx.facts.update(tenant_id=tenant.id, tenant_slug=tenant.slug or slug)
            return passed(f"tenant {slug} created ({tenant.id})", tenant_id=tenant.id, tenant_slug=slug)
        if reply.status_code == 409:
            existing = await find_tenant_by_slug(ctx, slug)
            if existing is None:
                return failed(
                    f"the slug {slug} is taken ({reply.status_text()}) but no tenant with it was found; "
                    "choose another slug in the target"
                )
            created = f", created {clean(existing.created_at, 30)}" if existing.created_at else ""
            verdict = manual(
                f"the slug {slug} already belongs to tenant {existing.id} ({clean(existing.name, 60)}"
                f"{created}); adopt it if it is this customer's",
                existing_tenant_id=existing.id,
            )
            verdict.data = existing
            return verdict
        return admin_failure(reply, f"creating tenant {slug}")

    return await perform(ctx, "onboarding.tenant", run)


async def adopt_tenant(ctx: RunContext, tenant: TenantInfo) -> ActionOutcome:
    """After the operator confirmed: use an existing tenant as the customer's. No network."""

    async def run() -> Verdict:
        ctx.facts.update(tenant_id=tenant.id, tenant_slug=tenant.slug)
        return passed(
            f"adopted the existing tenant {tenant.slug} ({tenant.id})",
            tenant_id=tenant.id,
            tenant_slug=tenant.slug,
            adopted=True,
        )

    return await perform(ctx, "onboarding.tenant", run)


def default_key_label(ctx: RunContext) -> str:
    return f"{ctx.target.customer.tenant_slug} {ctx.target.environment} integration"


async def issue_key(ctx: RunContext, idempotency_key: str, label: str | None = None) -> ActionOutcome:
    """Issue the customer's integration key. The secret is in `outcome.secret` (and in
    `ctx.facts.customer_key`), registered for redaction; it is in no result or evidence."""
    label = label or default_key_label(ctx)

    async def run() -> Verdict:
        tenant_id = _tenant_id(ctx)
        reply = await ctx.platform.issue_key(tenant_id, label, idempotency_key)
        if reply.status_code not in (200, 201):
            return admin_failure(reply, "issuing the integration key")
        data = reply.json_object()
        key, secret = parse_key(data), data.get("secret")
        if key is not None and not (isinstance(secret, str) and secret):
            # A repeated request gets the platform's stored answer, which never holds the
            # secret: the key exists but nobody can use it, so it must not stay live.
            revoke = await ctx.platform.revoke_key(tenant_id, key.id, f"{idempotency_key}:revoke")
            done = "it was revoked" if revoke.ok else f"revoking it failed ({revoke.status_text()}): revoke it"
            return failed(
                f"key {key.id} was issued but its secret did not reach launch-tui (the platform answered "
                f"a repeated request with its stored answer); {done}, then issue a new key",
                lost_key_id=key.id,
                tenant_id=tenant_id,
            )
        if key is None or not isinstance(secret, str) or not secret:
            return failed(
                "the key was issued but the response lacks its id or secret; revoke it in the admin "
                "console and issue another"
            )
        ctx.facts.update(key_id=key.id, key_prefix=key.prefix, key_label=key.label or label, customer_key=secret)
        verdict = passed(
            f"integration key {key.prefix}… issued ({key.id}); its secret is shown once, now",
            key_id=key.id,
            key_prefix=key.prefix,
            key_label=key.label or label,
            tenant_id=tenant_id,
        )
        verdict.secret = secret
        return verdict

    return await perform(ctx, "onboarding.integration-key", run)


async def revoke_key(ctx: RunContext, idempotency_key: str, key_id: str, tenant_id: str | None = None) -> ActionOutcome:
    """Revoke one key. `key_id` is required on purpose: no default that could hit the customer's key."""

    async def run() -> Verdict:
        tenant = _tenant_id(ctx, tenant_id)
        reply = await ctx.platform.revoke_key(tenant, key_id, idempotency_key)
        if not reply.ok:
            return admin_failure(reply, f"revoking key {key_id}")
        data = reply.json_object()
        # Not `key_id`: that reference names the customer's key, which this may not be.
        return passed(f"key {key_id} revoked", revoked_key_id=key_id, revoked_at=str(data.get("revokedAt") or ""))

    return await perform(ctx, "onboarding.integration-key", run)


async def issue_canary_key(ctx: RunContext, idempotency_key: str) -> ActionOutcome:
    """For auth.token-revoked in the wizard: issue a throwaway key and revoke it at once,
    keeping its secret in memory (`ctx.facts.revoked_key`). Then run auth.token-revoked.

    The two calls use `<idempotency_key>:issue` and `<idempotency_key>:revoke`, derived from
    the one recorded key, so a replay after a crash repeats neither."""

    async def run() -> Verdict:
        tenant_id = _tenant_id(ctx)
        reply = await ctx.platform.issue_key(tenant_id, CANARY_LABEL, f"{idempotency_key}:issue")
        if reply.status_code not in (200, 201):
            return admin_failure(reply, "issuing the canary key")
        data = reply.json_object()
        key, secret = parse_key(data), data.get("secret")
        if key is None or not isinstance(secret, str) or not secret:
            return failed("the canary key was issued but the response lacks its id or secret")
        ctx.facts.revoked_key = secret  # registered for redaction by Facts
        revoke = await ctx.platform.revoke_key(tenant_id, key.id, f"{idempotency_key}:revoke")
        if not revoke.ok:
            return admin_failure(revoke, f"revoking the canary key {key.id}")
        return passed(
            f"canary key {key.prefix}… ({key.id}) issued and revoked",
            canary_key_id=key.id,
            canary_key_prefix=key.prefix,
        )

    return await perform(ctx, "auth.token-revoked", run)


async def set_detectors(
    ctx: RunContext, idempotency_key: str, detectors: dict[str, bool] | None = None
) -> ActionOutcome:
    detectors = dict(DEFAULT_DETECTORS if detectors is None else detectors)

    async def run() -> Verdict:
        tenant_id = _tenant_id(ctx)
        reply = await ctx.platform.set_detectors(tenant_id, detectors, idempotency_key)
        if not reply.ok:
            return admin_failure(reply, "setting the detector config")
        confirmed = _detectors_of(reply.json_object()) or detectors
        return passed(
            f"detector config set: {_describe_detectors(confirmed)}",
            tenant_id=tenant_id,
            **{f"detector_{name}": on for name, on in confirmed.items()},
        )

    return await perform(ctx, "onboarding.detectors", run)


# The read-only check -------------------------------------------------------------------------


def needs_tenant(target: Target, secrets: Secrets, facts: Facts | None) -> str | None:
    if not (facts and facts.tenant_id):
        return "no tenant yet: create the customer's tenant in section 3 (launch-tui resume), then check again"
    if not secrets.has("LAUNCH_ADMIN_TOKEN"):
        return "LAUNCH_ADMIN_TOKEN is not set; export the platform's admin token to read the onboarding status"
    return None


@check("onboarding.status", requires=needs_tenant)
async def onboarding_status(ctx: RunContext) -> Verdict:
    tenant_id = _tenant_id(ctx)
    reply = await ctx.platform.onboarding_status(tenant_id)
    if not reply.ok:
        return admin_failure(reply, f"reading the onboarding status of {tenant_id}")
    data = reply.json_object()
    steps = [s for s in data.get("steps") or [] if isinstance(s, dict)]
    done = [s for s in steps if s.get("done")]
    waiting = [clean(s.get("key"), 40) for s in steps if not s.get("done")]
    ready = bool(data.get("ready"))
    rest = f"; still open: {', '.join(waiting)}" if waiting else ""
    return passed(
        f"onboarding status captured: {len(done)} of {len(steps)} steps done, "
        f"{'ready' if ready else 'not ready yet'}{rest}",
        tenant_id=tenant_id,
        ready=ready,
        steps_done=len(done),
        steps_total=len(steps),
    )


__all__ = [
    "adopt_tenant",
    "create_tenant",
    "find_tenant_by_slug",
    "issue_canary_key",
    "issue_key",
    "list_keys",
    "read_detectors",
    "revoke_key",
    "set_detectors",
]
