"""Read timeouts, dropped connections, bodies cut short and cancels during each action,
through a fault proxy on loopback in front of the sandbox. Whatever happens in between,
the intent of a call whose outcome is unknown stays open, the next try looks it up
first ("outcome unknown: looking it up") and reuses its idempotency key, and counting
what the platform holds at the end shows each action happened once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator

import pytest

from launch_tui.clients.transport import Policy
from launch_tui.launch import flows, recovery
from launch_tui.launch.inputs import InputError
from launch_tui.launch.live import LiveLaunch
from launch_tui.results import ItemStatus
from launch_tui.sandbox import SandboxServer
from launch_tui.secrets import Secrets
from launch_tui.session import EventKind, LiveSession, read_session
from launch_tui.target import target_from_dict

from .fault_proxy import FaultProxy
from .platform_count import assert_exactly_once, holdings

Do = Callable[[LiveLaunch], Awaitable[object]]
FAST = Policy(connect_timeout=0.5, read_timeout=0.5, check_deadline=5, backoff_base=0.05)


@pytest.fixture
def proxy(sandbox):
    with FaultProxy(sandbox.base_url) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def make_launch(sandbox: SandboxServer, proxy: FaultProxy, tmp_path) -> Iterator[Callable[[str], LiveLaunch]]:
    """`make_launch(slug)`: a launch whose platform calls pass through the fault proxy,
    closed at the test's teardown."""
    made: list[LiveLaunch] = []

    def make(slug: str) -> LiveLaunch:
        target = {**sandbox.target_dict(tenant_slug=slug), "api_url": proxy.url}
        live = LiveSession.create(target_from_dict(target), "alice", tmp_path / "sessions")
        made.append(LiveLaunch(live, Secrets(sandbox.credentials), policy=FAST))
        return made[-1]

    yield make
    for launch in made:
        launch.close()


async def tenant(w: LiveLaunch) -> object:
    outcome = await flows.create_tenant(w, await flows.create_tenant_step(w))
    if outcome.conflict is not None:
        return await flows.adopt_tenant(w, outcome.conflict)
    return outcome


async def key(w: LiveLaunch) -> object:
    return await flows.issue_key(w, await flows.issue_key_step(w))


async def detectors(w: LiveLaunch) -> object:
    choice = {"TRADE": True, "SHIP": False, "ORDERS": True}
    return await flows.set_detectors(w, await flows.detectors_step(w, choice))


async def enqueue(w: LiveLaunch) -> object:
    csv, name = flows.template_upload("TRADE")
    return await flows.enqueue(w, await flows.enqueue_step(w, "TRADE", csv, name))


async def invoice(w: LiveLaunch) -> object:
    return await flows.generate_invoice(w, await flows.generate_invoice_step(w))


async def lifecycle(w: LiveLaunch) -> object:
    return await flows.invoice_lifecycle(w, await flows.lifecycle_step(w))


# (item, what the operator does, the requests a fault is armed for: method and path end)
STEPS: list[tuple[str, Do, list[tuple[str, str]]]] = [
    ("onboarding.tenant", tenant, [("POST", "/api/admin/tenants")]),
    ("onboarding.integration-key", key, [("POST", "/integration-keys")]),
    ("onboarding.detectors", detectors, [("POST", "/detectors")]),
    ("first-value.enqueue", enqueue, [("POST", "/api/upload")]),
    ("billing.invoice-generate", invoice, [("POST", "/invoices/generate")]),
    (
        "billing.invoice-lifecycle",
        lifecycle,
        [("POST", "/issue"), ("POST", "/mark-paid"), ("POST", "/invoices/generate"), ("POST", "/cancel")],
    ),
]


def done(w: LiveLaunch, item: str) -> bool:
    return w.state.item(item).status in (ItemStatus.PASS, ItemStatus.WARN)


async def until_done(w: LiveLaunch, item: str, do: Do, found: list[str]) -> None:
    """An operator pressing Enter until the item is done: what is unknown is looked up
    first (and resolved by its first choice), and only then is anything sent again."""
    for _ in range(8):
        for intent in flows.open_intents(w, item):
            assessed = await recovery.assess(w, intent)
            found.append(f"{intent.action}: {assessed.finding}")
            await assessed.choices[0][1]()
        assert not flows.open_intents(w, item)
        if done(w, item):
            return
        await do(w)
    raise AssertionError(f"{item} never finished: {found}")


def same_key_retries(path) -> list[str]:
    """Idempotency keys used by more than one intent: each a retry that reused its key."""
    keys = [e.data["idempotency_key"] for e in read_session(path).events if e.kind is EventKind.ACTION_INTENT]
    return sorted({k for k in keys if keys.count(k) > 1})


@pytest.mark.parametrize("kind", ["late", "drop", "cut"])
async def test_each_action_with_a_fault_on_its_call_happens_once(make_launch, sandbox, proxy, kind):
    w = make_launch(f"fault-{kind}")
    found: list[str] = []
    for item, do, requests in STEPS:
        for method, path_end in requests:
            proxy.arm(method, path_end, kind, hold=1.5)
        await until_done(w, item, do, found)
    assert not proxy.faults, proxy.faults  # every armed fault was met
    unknown = [
        e for e in read_session(w.session_path).events if e.kind is EventKind.ACTION_RESULT and e.data.get("unknown")
    ]
    if kind == "late":  # every call timed out after the platform acted: each outcome was unknown first
        assert len(unknown) == 9, [e.summary for e in unknown]
        assert all(e.summary.startswith("outcome unknown") for e in unknown)
        assert same_key_retries(w.session_path)  # generation and transitions were sent again with their key
    assert_exactly_once(sandbox, w.session_path, f"fault-{kind}", finished=True)


async def test_cancel_during_each_action_leaves_it_open_and_it_happens_once(make_launch, sandbox, proxy):
    w = make_launch("cancelled")
    found: list[str] = []
    for item, do, requests in STEPS:
        method, path_end = requests[0]
        proxy.arm(method, path_end, "late", hold=5)
        task = asyncio.ensure_future(do(w))
        assert await asyncio.to_thread(proxy.reached.wait, 10)  # the platform has the request
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert flows.open_intents(w, item), item  # cancelled: still open, looked up on the next try
        await until_done(w, item, do, found)
    assert_exactly_once(sandbox, w.session_path, "cancelled", finished=True)


async def test_enter_again_on_each_finished_action_says_what_exists_first(make_launch, sandbox):
    w = make_launch("again")
    found: list[str] = []
    for item, do, _ in STEPS:
        await until_done(w, item, do, found)
    said = {
        name: await flows.existing(w, name)
        for name in (
            "create_tenant",
            "issue_key",
            "set_detectors",
            "enqueue_job",
            "generate_invoice",
            "invoice_lifecycle",
        )
    }
    assert all(said.values()), said
    assert f"key {w.facts.key_id}" in said["issue_key"].summary and "is live" in said["issue_key"].summary
    assert "by alice" in said["issue_key"].summary
    assert said["issue_key"].replace == "Issue a new one and revoke the old"
    assert said["create_tenant"].replace is None  # a slug is created once
    old = w.facts.key_id
    await flows.replace_key(w)  # the operator chose "issue a new one and revoke the old"
    assert w.facts.key_id != old
    held = assert_exactly_once(sandbox, w.session_path, "again", finished=True)
    assert [k["id"] for k in held.live_keys] == [w.facts.key_id]
    assert await flows.existing(w, "issue_key") is not None


async def test_while_an_outcome_is_unknown_a_new_key_is_refused_and_the_retry_reuses_the_old(
    make_launch, sandbox, proxy
):
    w = make_launch("one-invoice")
    await tenant(w)
    proxy.arm("POST", "/invoices/generate", "late", hold=1.5)
    outcome = await invoice(w)
    assert outcome.unknown
    assert w.state.item("billing.invoice-generate").summary.startswith("outcome unknown")
    with pytest.raises(InputError, match="outcome unknown"):
        await invoice(w)  # a new idempotency key now could make a second invoice
    (intent,) = flows.open_intents(w, "billing.invoice-generate")
    found = await recovery.assess(w, intent)
    assert found.choices[0][0] == "Send it again (the same idempotency key: acts once)"
    await found.choices[0][1]()
    assert w.state.item("billing.invoice-generate").status is ItemStatus.PASS
    assert same_key_retries(w.session_path) == [intent.idempotency_key]
    assert len(holdings(sandbox, "one-invoice").invoices) == 1
