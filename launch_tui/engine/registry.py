"""Which item runs how in this configuration: automated, an action, a person, or skipped.

`plan()` is the one place that decides; the runner, the TUI and `check` all ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from launch_tui.checklist import Checklist, Integration, Item, Kind, load_checklist
from launch_tui.engine import auth, billing, first_value, guardrails, infra, onboarding  # noqa: F401  (register checks)
from launch_tui.engine.actions import needs_admin
from launch_tui.engine.base import CHECKS, CheckSpec
from launch_tui.engine.context import Facts
from launch_tui.results import CheckResult, Status
from launch_tui.secrets import Secrets
from launch_tui.target import Target

Mode = Literal["auto", "action", "manual", "skip"]


@dataclass(frozen=True)
class Plan:
    """How an item is handled now. `reason` says why it is not automated and how to change that;
    `needs` lists the unset environment variables that would let it run."""

    item_id: str
    mode: Mode
    reason: str = ""
    needs: tuple[str, ...] = ()

    @property
    def automated(self) -> bool:
        return self.mode == "auto"

    def result(self) -> CheckResult:
        """What an item that does not run reports (`check` output, dependency skips)."""
        status = Status.SKIP if self.mode == "skip" else Status.MANUAL
        return CheckResult(id=self.item_id, status=status, summary=self.reason or status.value)


def _integration_gap(item: Item, target: Target, secrets: Secrets) -> tuple[str, tuple[str, ...]] | None:
    """Why an integration-backed item cannot be automated, and what would fix it."""
    confirm = "until then a person confirms it in the wizard"
    has_render_key = secrets.has("RENDER_API_KEY")
    if item.integration is Integration.RENDER:
        if not target.render:
            return (
                f"Render is not configured: add a [render] section with api_service_id to the target and set "
                f"RENDER_API_KEY; {confirm}"
            ), ()
        if not has_render_key:
            return f"RENDER_API_KEY is not set: export a Render API key to check this; {confirm}", ("RENDER_API_KEY",)
    if item.integration is Integration.GITHUB:
        if not target.github:
            return (
                f"GitHub is not configured: add a [github] section with repo to the target and set "
                f"GITHUB_TOKEN; {confirm}"
            ), ()
        if not secrets.has("GITHUB_TOKEN"):
            return f"GITHUB_TOKEN is not set: export a token with admin read access to check this; {confirm}", (
                "GITHUB_TOKEN",
            )
    if item.integration is Integration.WEB:
        web_service = bool(target.render and target.render.web_service_id)
        if target.web_url or (web_service and has_render_key):
            return None
        if web_service:
            return f"RENDER_API_KEY is not set: export it to check the web service (or add web_url); {confirm}", (
                "RENDER_API_KEY",
            )
        return (
            f"the web app is not configured: add web_url to the target, and render.web_service_id with "
            f"RENDER_API_KEY to check its API_URL; {confirm}"
        ), ()
    return None


def plan_item(item: Item, target: Target, secrets: Secrets, facts: Facts | None = None) -> Plan:
    if item.kind is Kind.MANUAL:
        return Plan(item.id, "manual", "needs a person: confirm it in the wizard (launch-tui resume)")
    if item.kind is Kind.RECORD:
        return Plan(item.id, "manual", "needs a person: record it in the wizard (launch-tui resume)")
    if item.kind is Kind.ACTION:
        needs = ("LAUNCH_ADMIN_TOKEN",) if needs_admin(item.id) and not secrets.has("LAUNCH_ADMIN_TOKEN") else ()
        return Plan(item.id, "action", "an action: the wizard performs it after you confirm (launch-tui resume)", needs)
    gap = _integration_gap(item, target, secrets)
    if gap:
        return Plan(item.id, "manual", gap[0], gap[1])
    spec: CheckSpec | None = CHECKS.get(item.id)
    if spec is None:
        return Plan(item.id, "manual", "not automated in this version: a person confirms it")
    if spec.requires is not None:
        why = spec.requires(target, secrets, facts or Facts())
        if why:
            return Plan(item.id, "skip", why)
    return Plan(item.id, "auto")


def plan(
    target: Target, secrets: Secrets, facts: Facts | None = None, checklist: Checklist | None = None
) -> dict[str, Plan]:
    """Every item of the checklist, in checklist order, with how it is handled now."""
    checklist = checklist or load_checklist()
    return {item.id: plan_item(item, target, secrets, facts) for item in checklist.items}
