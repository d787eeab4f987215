"""The shortest walk of a demo to launch complete, by keys only: how many command keys
(Enter, letters that act, arrows, Escape, Tab) and how many typed characters (answers
a person has to give: names, terms, the tenant slug) a founder needs on a call.

The walk drives the real wizard through Textual's Pilot against the sandbox on
loopback, as `launch-tui demo` runs it, pressing only keys: no widget is set directly
and no method is called, so every key the product makes a person press is counted.
Waiting for a check or a dialog is not a key. `python -m bench.walk` prints the walk
key by key."""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import Figure, Report

TARGET_KEYS = 60
TYPED = {  # the answers a person gives; each character counts as typed, not as a command
    "terms": "USD 2,000 a month",
    "owner": "Dana Ops",
    "process_doc": "Finance wiki",
    "signoff": "Sam Founder",
    "authority": "Sam Founder",
    "channel": "support@example.com",
    "sla": "4 business hours",
}


@dataclass
class Counter:
    commands: int = 0
    typed: int = 0
    log: list[str] = field(default_factory=list)


class Walker:
    def __init__(self, pilot, counter: Counter) -> None:
        self.pilot = pilot
        self.count = counter

    async def key(self, *keys: str) -> None:
        for key in keys:
            self.count.commands += 1
            self.count.log.append(key)
            await self.pilot.press(key)
            await self.pilot.pause()

    async def type(self, text: str) -> None:
        self.count.typed += len(text)
        self.count.log.append(repr(text))
        await self.pilot.press(*[("space" if ch == " " else ch) for ch in text])
        await self.pilot.pause()

    async def settle(self, seconds: float = 60) -> None:
        """Checks and actions run in workers; a dialog they open is waited for elsewhere."""
        app = self.pilot.app
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            busy = [w for w in app.workers if not w.is_finished and w.group in ("checks", "recovery")]
            dialog = type(app.screen).__name__ not in ("SectionScreen", "SummaryScreen")
            if not busy or dialog:
                break
            await asyncio.sleep(0.02)
        await self.pilot.pause()

    async def dialog(self, name: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while type(self.pilot.app.screen).__name__ != name:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the walk expected {name}; the screen is {type(self.pilot.app.screen).__name__}")
            await asyncio.sleep(0.02)
        await self.pilot.pause()

    async def section(self, section_id: str) -> None:
        """`]` until the section is on show (each press counted)."""
        while getattr(self.pilot.app.screen, "section", None) is None or self.pilot.app.screen.section.id != section_id:
            await self.key("right_square_bracket")
            await self.pilot.pause()

    def at(self, item_id: str) -> None:
        screen = self.pilot.app.screen
        if not hasattr(screen, "current_item"):
            said = [str(w.render()) for w in screen.query("#dialog-error")]
            raise RuntimeError(
                f"the walk expected the section with {item_id}; {type(screen).__name__} is open: {said}"
                f"; focus on {self.pilot.app.focused}"
            )
        current = screen.current_item
        if current != item_id:
            raise RuntimeError(f"the walk expected the cursor on {item_id}, it is on {current}")


async def walk(pilot, counter: Counter) -> None:
    w = Walker(pilot, counter)
    slug = pilot.app.launch.target.customer.tenant_slug

    for section in ("infra", "auth"):
        await w.section(section)
        await w.key("a")
        await w.settle()

    await w.section("onboarding")
    w.at("onboarding.tenant")
    await w.key("enter")
    await w.dialog("ActionDialog")
    await w.key("s")
    await w.settle()
    w.at("onboarding.integration-key")
    await w.key("enter")
    await w.dialog("ActionDialog")
    await w.key("s")
    await w.dialog("RevealKeyDialog")
    await w.key("enter")  # copy (the focus starts there); reading it out would be `tab enter`
    await w.key("escape")
    await w.settle()
    w.at("onboarding.detectors")
    await w.key("enter")
    await w.dialog("DetectorsDialog")
    await w.key("enter")  # set the config shown
    await w.dialog("ActionDialog")
    await w.key("s")
    await w.settle()
    w.at("onboarding.status")
    await w.key("enter")
    await w.settle()
    w.at("onboarding.handoff")
    await w.key("enter")
    await w.dialog("TextDialog")
    await w.key("enter")
    await w.settle()

    await w.section("first-value")
    await w.key("down")  # the enqueue comes before token: `a` then runs all four checks in one sweep
    w.at("first-value.enqueue")
    await w.key("enter")
    await w.dialog("EnqueueDialog")
    await w.key("enter", "enter")  # no CSV path: the template; no job id
    await w.dialog("ActionDialog")
    await w.key("s")
    await w.settle()
    await w.key("a")
    await w.settle()

    await w.section("guardrails")
    await w.key("a")
    await w.settle()
    for item_id in ("guardrails.alert-routing", "guardrails.rollback-levers"):
        w.at(item_id)
        await w.key("enter")
        await w.dialog("TextDialog")
        await w.key("enter")
        await w.settle()

    await w.section("billing")
    w.at("billing.model")
    await w.key("enter")
    await w.dialog("RecordDialog")
    await w.key("enter", "down", "enter")  # open the choice, the first model, chosen (the focus moves on)
    await w.type(TYPED["terms"])
    await w.key("enter")
    await w.settle()
    for item_id in ("billing.invoice-generate", "billing.invoice-lifecycle"):
        w.at(item_id)
        await w.key("enter")
        await w.dialog("ActionDialog")
        await w.type(slug)  # production rules: billing asks for the slug
        await w.key("enter")
        await w.settle()
    w.at("billing.collection-owner")
    await w.key("enter")
    await w.dialog("RecordDialog")
    await w.type(TYPED["owner"])
    await w.key("enter")
    await w.type(TYPED["process_doc"])
    await w.key("enter")
    await w.settle()

    await w.section("decision")
    w.at("decision.signoff")
    await w.key("enter")
    await w.dialog("RecordDialog")
    await w.type(TYPED["signoff"])
    await w.key("enter", "enter")  # the date is today's already
    await w.settle()
    w.at("decision.known-gaps")
    await w.key("enter")
    await w.dialog("RecordDialog")
    await w.key("enter")  # no known gaps
    await w.settle()
    w.at("decision.rollback-authority")
    await w.key("enter")
    await w.dialog("RecordDialog")
    await w.type(TYPED["authority"])
    await w.key("enter")
    await w.settle()
    w.at("decision.support")
    await w.key("enter")
    await w.dialog("RecordDialog")
    await w.type(TYPED["channel"])
    await w.key("enter")
    await w.type(TYPED["sla"])
    await w.key("enter")
    await w.settle()


@dataclass
class WalkResult:
    commands: int
    typed: int
    complete: bool
    missing: list[str]
    seconds: float
    log: list[str]


async def measure(folder: Path, job_seconds: float = 0.3) -> WalkResult:
    """A demo session (the sandbox in this process, as `launch-tui demo`) walked to the end."""
    from launch_tui.launch.live import LiveLaunch
    from launch_tui.sandbox import SandboxServer
    from launch_tui.secrets import Secrets
    from launch_tui.session import LiveSession
    from launch_tui.target import target_from_dict
    from launch_tui.tui.app import LaunchApp

    counter = Counter()
    with SandboxServer(job_seconds=job_seconds) as sandbox:
        target = target_from_dict(
            sandbox.target_dict(customer_name="Acme Freight (demo)", tenant_slug="acme-freight-demo")
        )
        live = LiveSession.create(target, "bench", folder, sandbox=True)
        app = LaunchApp(LiveLaunch(live, Secrets(sandbox.credentials)), mode="DEMO")
        started = time.perf_counter()
        async with app.run_test(size=(120, 40)) as pilot:
            try:
                await walk(pilot, counter)
            finally:
                state = app.launch.state
                complete, missing = state.launch_complete, state.missing_for_launch()
        return WalkResult(
            counter.commands, counter.typed, complete, missing, time.perf_counter() - started, counter.log
        )


def run(report: Report, runs: int) -> None:
    """One walk: the count does not vary between runs (it is keys, not time)."""
    print("Walk: a demo to launch complete by keys only", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(measure(Path(folder)))
    state = "launch complete" if result.complete else f"NOT complete: {'; '.join(result.missing[:3])}"
    report.add(
        Figure(
            "Walk",
            "command keys, demo to launch complete (shortest path)",
            result.commands,
            "keys",
            f"≤ {TARGET_KEYS}",
            result.complete and result.commands <= TARGET_KEYS,
            f"{state}; {result.typed} typed characters besides; {result.seconds:.0f} s under Pilot",
        )
    )
    report.add(
        Figure(
            "Walk",
            "typed characters on that walk",
            result.typed,
            "chars",
            "-",
            None,
            "names, terms, support channel, and the tenant slug twice (billing, production rules)",
        )
    )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        outcome = asyncio.run(measure(Path(tmp)))
    print(" ".join(outcome.log))
    print(f"{outcome.commands} command keys, {outcome.typed} typed characters; complete: {outcome.complete}")
    for line in outcome.missing:
        print(f"  missing: {line}")
    sys.exit(0 if outcome.complete else 1)
