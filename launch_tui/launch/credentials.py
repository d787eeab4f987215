"""Which runbook items each credential serves, worked out from the engine's own plans
(so the credentials dialog cannot drift from what the checks really need)."""

from __future__ import annotations

from launch_tui.checklist import Checklist
from launch_tui.engine import Facts, plan_item
from launch_tui.target import Target


class _Pretend:
    """Says which credentials are set without holding any value (nothing to register
    or leak): plans only ask `has`."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def has(self, name: str) -> bool:
        return name in self.names

    def get(self, name: str) -> str | None:
        return None


def credential_uses(target: Target, checklist: Checklist, names: list[str]) -> dict[str, list[str]]:
    """For each credential in `names`: the items whose plan changes without it, as if the
    session were far enough along (a tenant and a job) for every check to apply."""
    facts = Facts(tenant_id="tenant", job_id="job")
    everything = set(names)
    uses: dict[str, list[str]] = {name: [] for name in names}
    for item in checklist.items:
        full = plan_item(item, target, _Pretend(everything), facts)  # type: ignore[arg-type]
        for name in names:
            without = plan_item(item, target, _Pretend(everything - {name}), facts)  # type: ignore[arg-type]
            if (without.mode, without.needs) != (full.mode, full.needs):
                uses[name].append(item.id)
    return uses


def uses_line(item_ids: list[str]) -> str:
    """`onboarding.{tenant, status}, billing.invoice-generate`: every item, grouped by section."""
    if not item_ids:
        return "no item of this runbook"
    groups: dict[str, list[str]] = {}
    for item_id in item_ids:
        section, _, name = item_id.partition(".")
        groups.setdefault(section, []).append(name)
    return ", ".join(
        f"{section}.{names[0]}" if len(names) == 1 else f"{section}.{{{', '.join(names)}}}"
        for section, names in groups.items()
    )
