"""Every branch of the deploy and database judgements (pure functions, no HTTP)."""

from __future__ import annotations

import pytest

from launch_tui.clients.render_models import (
    DeployInfo,
    Deploys,
    PostgresInfo,
    ServiceInfo,
    database_host,
    render_postgres_id,
)
from launch_tui.engine.render_judge import judge_deploys, judge_postgres, judge_unmatched

SERVICE = ServiceInfo("srv-a", "api", False, "not_suspended", None, None, "tea-1", "evm-1")
HOW = "DATABASE_URL (from the service)"


def deploy(status: str, ident: str = "dep-new") -> DeployInfo:
    return DeployInfo(ident, status, None)


def database(**changes) -> PostgresInfo:
    fields = dict(
        id="dpg-abc-a",
        name="db",
        status="available",
        suspended=False,
        suspenders=(),
        owner_id="tea-1",
        environment_id="evm-1",
        region="oregon",
    )
    return PostgresInfo(**{**fields, **changes})


LIVE = deploy("live", "dep-old")


@pytest.mark.parametrize(
    "newest,live,level,words",
    [
        (None, None, "fail", "never been deployed"),
        (deploy("live"), deploy("live"), "ok", "dep-new is live"),
        (deploy("queued"), LIVE, "warn", "dep-new is queued; dep-old (older, live) serves until it finishes"),
        (deploy("created"), LIVE, "warn", "is created"),
        (deploy("update_in_progress"), LIVE, "warn", "is update_in_progress"),
        (deploy("pre_deploy_in_progress"), None, "fail", "no live deploy; its newest deploy dep-new is still"),
        (deploy("update_failed"), LIVE, "warn", "dep-new is update_failed; dep-old (older, live) serves"),
        (deploy("build_failed"), None, "fail", "is build_failed and no deploy is live"),
        (deploy("canceled"), LIVE, "warn", "dep-new is canceled; dep-old (older, live) serves"),
        (deploy("deactivated"), None, "fail", "no live deploy (the latest, dep-new, is deactivated)"),
    ],
)
def test_judge_deploys(newest, live, level, words) -> None:
    judged = judge_deploys(Deploys(newest, live), "API service")
    assert judged.level == level and words in judged.text


def test_a_failed_pre_deploy_fails_only_where_asked() -> None:
    deploys = Deploys(deploy("pre_deploy_failed"), LIVE)
    assert judge_deploys(deploys, "web service").level == "warn"
    assert judge_deploys(deploys, "API service", frozenset({"pre_deploy_failed"})).level == "fail"


@pytest.mark.parametrize(
    "changes,level,words",
    [
        ({}, "ok", "names Render Postgres db (dpg-abc-a), available"),
        ({"suspended": True, "suspenders": ("user",)}, "fail", "suspended by user; resume it"),
        ({"status": "suspended"}, "fail", "which is suspended; resume"),
        ({"status": "recovery_failed"}, "fail", "which is recovery_failed; open it on Render"),
        ({"status": "creating"}, "warn", "creating, not yet available"),
        ({"status": "maintenance_in_progress"}, "warn", "maintenance_in_progress"),
        ({"owner_id": "tea-2"}, "warn", "another workspace"),
        ({"environment_id": "evm-2"}, "warn", "another environment"),
    ],
)
def test_judge_postgres(changes, level, words) -> None:
    judged = judge_postgres(database(**changes), SERVICE, HOW)
    assert judged.level == level and words in judged.text


def test_judge_unmatched_names_the_host_and_what_exists() -> None:
    none = judge_unmatched("db.example.com", HOW, [])
    assert none.level == "fail" and "has no Render Postgres; create one" in none.text
    five = judge_unmatched("db.example.com", HOW, [database(id=f"dpg-{n}-a", name=f"db{n}") for n in range(5)])
    assert "(db0 (dpg-0-a), db1 (dpg-1-a), db2 (dpg-2-a) and 2 more)" in five.text


@pytest.mark.parametrize(
    "url,host,postgres_id",
    [
        ("postgresql://u:p@dpg-abc-a/db", "dpg-abc-a", "dpg-abc-a"),
        (
            "postgresql://u:p@DPG-abc-a.oregon-postgres.render.com:5432/db",
            "dpg-abc-a.oregon-postgres.render.com",
            "dpg-abc-a",
        ),
        ("postgres://u:p@db.example.com/db", "db.example.com", None),
        ("postgres://u:p@dpg-abc-a.evil.example/db", "dpg-abc-a.evil.example", None),
        ("not a url", None, None),
    ],
)
def test_database_hosts(url, host, postgres_id) -> None:
    assert database_host(url) == host
    assert (render_postgres_id(host) if host else None) == postgres_id


def test_postgres_hosts_are_internal_and_external() -> None:
    assert database().hosts() == ("dpg-abc-a", "dpg-abc-a.oregon-postgres.render.com")
