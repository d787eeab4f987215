"""Judging what Render reports: which deploy serves, and whether DATABASE_URL names a
usable Render Postgres. Pure functions over the client's models, so that the contract
tests can feed them recorded replies and every branch has a unit test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from launch_tui.clients.render_models import FAILED, IN_PROGRESS, Deploys, PostgresInfo, ServiceInfo
from launch_tui.clients.text import clean

Level = Literal["ok", "warn", "fail"]
# Database statuses (Render's `databaseStatus`) that mean it will not come back by itself.
DATABASE_DOWN = frozenset({"unavailable", "recovery_failed", "suspended"})


@dataclass(frozen=True)
class Judgement:
    level: Level
    text: str


def _id(value: str) -> str:
    return clean(value, 40)


def judge_deploys(deploys: Deploys, what: str, fail_even_if_serving: frozenset[str] = frozenset()) -> Judgement:
    """The newest deploy, read against the newest live one. In progress while an older one is
    live: the service is up (warn, naming both). Failed while an older one serves: warn, or
    fail for the statuses in `fail_even_if_serving` (a failed pre-deploy means migrations did
    not run). No live deploy at all: fail."""
    newest, live = deploys.newest, deploys.live
    if newest is None:
        return Judgement("fail", f"the {what} has never been deployed; deploy it on Render")
    if newest.status == "live":
        return Judgement("ok", f"the {what}'s latest deploy {_id(newest.id)} is live")
    status = clean(newest.status, 40)
    serving = f"{_id(live.id)} (older, live) serves" if live else ""
    if newest.status in IN_PROGRESS:
        if live:
            return Judgement(
                "warn",
                f"the {what}'s newest deploy {_id(newest.id)} is {status}; {serving} until it "
                "finishes: check again when it is done",
            )
        return Judgement(
            "fail",
            f"the {what} has no live deploy; its newest deploy {_id(newest.id)} is still "
            f"{status}: check again when it finishes, and read its logs on Render if it fails",
        )
    if newest.status in FAILED:
        cause = (
            " (the pre-deploy command failed, so its migrations did not run)"
            if newest.status == "pre_deploy_failed"
            else ""
        )
        if live:
            level: Level = "fail" if newest.status in fail_even_if_serving else "warn"
            return Judgement(
                level,
                f"the {what}'s newest deploy {_id(newest.id)} is {status}{cause}; {serving}: "
                f"read {_id(newest.id)}'s logs on Render, fix it and redeploy",
            )
        return Judgement(
            "fail",
            f"the {what}'s latest deploy {_id(newest.id)} is {status}{cause} and no deploy is "
            "live; read its logs on Render and redeploy",
        )
    if live:
        return Judgement("warn", f"the {what}'s newest deploy {_id(newest.id)} is {status}; {serving}")
    return Judgement(
        "fail", f"the {what} has no live deploy (the latest, {_id(newest.id)}, is {status}); redeploy it on Render"
    )


def judge_postgres(database: PostgresInfo, service: ServiceInfo, how: str) -> Judgement:
    """A Render Postgres that DATABASE_URL names (`how`: "DATABASE_URL (from the service)")."""
    name = f"Render Postgres {clean(database.name, 60) or '(unnamed)'} ({_id(database.id)})"
    if database.suspended or database.status == "suspended":
        by = f" by {', '.join(clean(s, 20) for s in database.suspenders)}" if database.suspenders else ""
        return Judgement(
            "fail",
            f"{how} names {name}, which is suspended{by}; resume it on Render "
            "(settle billing first if billing suspended it)",
        )
    if database.status in DATABASE_DOWN:
        return Judgement(
            "fail",
            f"{how} names {name}, which is {clean(database.status, 30)}; open it on Render and restore or replace it",
        )
    if database.owner_id and service.owner_id and database.owner_id != service.owner_id:
        return Judgement(
            "warn",
            f"{how} names {name}, which belongs to another workspace than the API service; "
            "check this is the database meant for it",
        )
    if database.environment_id and service.environment_id and database.environment_id != service.environment_id:
        return Judgement(
            "warn",
            f"{how} names {name}, which is in another environment than the API service; "
            "check this is the database meant for it",
        )
    if database.status != "available":
        return Judgement(
            "warn",
            f"{how} names {name}, which is {clean(database.status, 30)}, not yet available; "
            "check again in a few minutes",
        )
    return Judgement("ok", f"{how} names {name}, available")


def judge_unmatched(host: str, how: str, visible: list[PostgresInfo]) -> Judgement:
    """DATABASE_URL names a host that is none of the workspace's Render Postgres instances."""
    where = clean(host, 80)
    fix = "attach the Render Postgres under Environment > Add from Database"
    if not visible:
        return Judgement(
            "fail",
            f"{how} names host {where}, and the service's workspace has no Render Postgres; create one, then {fix}",
        )
    names = ", ".join(f"{clean(d.name, 40)} ({_id(d.id)})" for d in visible[:3])
    more = f" and {len(visible) - 3} more" if len(visible) > 3 else ""
    return Judgement(
        "fail",
        f"{how} names host {where}, which is none of the workspace's Render Postgres instances ({names}{more}); {fix}",
    )
