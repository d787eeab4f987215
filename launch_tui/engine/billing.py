"""Section 6, Billing Reality: the manual invoice lifecycle, exercised as actions.

A full lifecycle test is two invoices: generate -> issue -> mark-paid, and
generate -> cancel (a paid invoice cannot be cancelled). The wizard sequences them.
"""

from __future__ import annotations

import calendar
from datetime import date

from launch_tui.clients.errors import BadReply
from launch_tui.clients.platform import parse_invoice
from launch_tui.clients.text import clean
from launch_tui.engine.base import ActionOutcome, Unavailable, Verdict, admin_failure, failed, passed, perform
from launch_tui.engine.context import RunContext

TRANSITIONS = {"issue": "issued", "mark-paid": "paid", "cancel": "cancelled"}


def current_month(today: date | None = None) -> tuple[str, str]:
    today = today or date.today()
    last = calendar.monthrange(today.year, today.month)[1]
    return today.replace(day=1).isoformat(), today.replace(day=last).isoformat()


async def generate_invoice(
    ctx: RunContext, idempotency_key: str, period_start: str | None = None, period_end: str | None = None
) -> ActionOutcome:
    """Generate a draft invoice for the customer's tenant (default period: this month)."""
    start, end = current_month()
    period_start, period_end = period_start or start, period_end or end

    async def run() -> Verdict:
        tenant_id = ctx.facts.tenant_id
        if not tenant_id:
            raise Unavailable("no tenant yet: create the customer's tenant in section 3 first")
        reply = await ctx.platform.generate_invoice(tenant_id, period_start, period_end, idempotency_key)
        if reply.status_code not in (200, 201):
            return admin_failure(reply, "generating an invoice")
        invoice = parse_invoice(reply.json_object())
        if invoice is None:
            return failed(f"the invoice endpoint answered HTTP {reply.status_code} without an invoice id")
        ctx.facts.invoice_id = invoice.id
        return passed(
            f"invoice {invoice.id} generated ({clean(invoice.status, 20)}) for {period_start} to {period_end}",
            invoice_id=invoice.id,
            invoice_status=invoice.status,
        )

    return await perform(ctx, "billing.invoice-generate", run)


async def invoice_transition(
    ctx: RunContext, idempotency_key: str, action: str, invoice_id: str | None = None
) -> ActionOutcome:
    """`action`: "issue" (draft -> issued), "mark-paid" (issued -> paid), "cancel" (draft or issued)."""
    if action not in TRANSITIONS:
        raise ValueError(f"action must be one of {', '.join(TRANSITIONS)}")

    async def run() -> Verdict:
        target_id = invoice_id or ctx.facts.invoice_id
        if not target_id:
            raise Unavailable("no invoice yet: generate one first")
        reply = await ctx.platform.invoice_transition(target_id, action, idempotency_key)
        if reply.status_code == 409:
            return failed(
                f"{action} refused for invoice {target_id} ({reply.status_text()}): it is not in a state "
                "that allows it",
                invoice_id=target_id,
            )
        if not reply.ok:
            return admin_failure(reply, f"{action} on invoice {target_id}")
        invoice = parse_invoice(reply.json_object())
        status = invoice.status if invoice else "unknown"
        if status != TRANSITIONS[action]:
            return failed(
                f"{action} answered HTTP {reply.status_code} but the invoice is {clean(status, 20)}, not "
                f"{TRANSITIONS[action]}",
                invoice_id=target_id,
                invoice_status=status,
            )
        return passed(f"invoice {target_id} is now {status}", invoice_id=target_id, invoice_status=status)

    return await perform(ctx, "billing.invoice-lifecycle", run)


async def invoice_status(ctx: RunContext, invoice_id: str) -> str:
    """An invoice's status, read-only (a resumed lifecycle picks up from it). Raises
    TransportError, whose text is one line, when the platform cannot say."""
    reply = await ctx.platform.invoice(invoice_id)
    if not reply.ok:
        raise BadReply(admin_failure(reply, f"reading invoice {invoice_id}").summary, reply)
    invoice = parse_invoice(reply.json_object())
    return invoice.status if invoice else "unknown"


async def issue_invoice(ctx: RunContext, idempotency_key: str, invoice_id: str | None = None) -> ActionOutcome:
    return await invoice_transition(ctx, idempotency_key, "issue", invoice_id)


async def mark_invoice_paid(ctx: RunContext, idempotency_key: str, invoice_id: str | None = None) -> ActionOutcome:
    return await invoice_transition(ctx, idempotency_key, "mark-paid", invoice_id)


async def cancel_invoice(ctx: RunContext, idempotency_key: str, invoice_id: str | None = None) -> ActionOutcome:
    return await invoice_transition(ctx, idempotency_key, "cancel", invoice_id)
