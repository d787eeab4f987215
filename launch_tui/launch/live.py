"""One launch in progress, Textual-free: the session (every change recorded at once),
the credentials (in memory), and the operator's decisions. The TUI calls these
methods; listeners hear about every recorded event so screens can redraw."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from launch_tui import trust
from launch_tui.checklist import Checklist, Kind
from launch_tui.clients.transport import Policy
from launch_tui.engine import Facts, Plan, RunContext, plan_item, run_items
from launch_tui.errors import LaunchError
from launch_tui.launch import inputs
from launch_tui.launch.checkpoints import Checkpoint, Checkpoints
from launch_tui.launch.inputs import InputError
from launch_tui.launch.signing import install_signing
from launch_tui.results import CheckResult, ItemStatus, Status
from launch_tui.safe_text import shown as safe_line
from launch_tui.secrets import Secrets
from launch_tui.session import Event, EventKind, LiveSession, NewEvent, SessionState
from launch_tui.session.state import ONBOARDING_STATUS
from launch_tui.target import Target
from launch_tui.timefmt import utcnow

if TYPE_CHECKING:
    from launch_tui.launch.view import Listener
    from launch_tui.signing.check import SignatureCheck
    from launch_tui.signing.sign import SigningKey
    from launch_tui.sync.worker import SessionSync

Callback = Callable[[Any], Any]


class LiveLaunch:
    """A launch worked on here: implements launch_tui.launch.view.Launch, and writes."""

    read_only = False
    replay: None = None  # nothing to step through: this session is being written

    def __init__(
        self,
        live: LiveSession,
        secrets: Secrets,
        *,
        policy: Policy | None = None,
        http_transport=None,
        signing_key: SigningKey | None = None,
    ) -> None:
        self.live = live
        self.secrets = secrets
        self.policy = policy or Policy()
        self.http_transport = http_transport  # tests only: e.g. a transport that counts requests
        self.facts = Facts.from_dict(live.state.facts)  # the secret facts start empty: memory only
        self.extras: dict[str, Any] = {}  # live per-item displays: poll progress
        self.kept: dict[str, Text] = {}  # items whose earlier verdict stood: why they were not re-run
        self.results_preview: list[dict] = []  # the first result rows, shown, never recorded
        self._listeners: list[Listener] = []
        self.checkpoints = Checkpoints()  # hooks at quit, pause, report, complete (signing, git sync)
        self.sync: SessionSync | None = None  # when the sessions folder is shared
        # Who runs a checkpoint that recording an event reaches (launch complete): the
        # TUI sets a worker here; without one it waits in `due` for `reach_due()`.
        self.on_checkpoint_due: Callable[[Checkpoint], None] | None = None
        self.due: list[Checkpoint] = []
        if signing_key is not None:
            install_signing(self, signing_key)
        # Origins the session's header names that this machine has not trusted for the
        # credentials that would go there: nothing is sent while any is left.
        self.untrusted: list[trust.Untrusted] = trust.untrusted_origins(self.target)

    def agree_to_origins(self) -> None:
        """The operator said yes to every untrusted origin: remember it on this machine."""
        if self.untrusted:
            trust.add(self.untrusted, f"session {self.session_path.name}, agreed by {self.operator}")
        self.untrusted = []

    def agree_to_origins_asked(self, asked: list[trust.Untrusted]) -> None:
        """A yes given before the session was opened: kept only if it covers every origin
        the opened session would send to; otherwise the opening asks about them all."""
        if all(entry in asked for entry in self.untrusted):
            self.agree_to_origins()

    # -- plumbing ------------------------------------------------------------------

    @property
    def writable(self) -> LiveLaunch:
        return self

    @property
    def signatures(self) -> Mapping[int, SignatureCheck]:
        return {}  # checked when a session is reviewed (replay, verify), not while it is written

    @property
    def verified(self) -> bool:
        return True  # resume refuses an altered file before anything opens

    def verify(self) -> None:
        """Nothing to do: the chain was verified when the session opened."""

    @property
    def state(self) -> SessionState:
        return self.live.state

    @property
    def checklist(self) -> Checklist:
        return self.live.state.checklist

    @property
    def operator(self) -> str:
        return self.live.operator

    @property
    def target(self) -> Target:
        return self.live.header.target

    @property
    def session_path(self) -> Path:
        return self.live.path

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def record(self, new: NewEvent) -> Event:
        was_complete = bool(self.checkpoints) and self.state.launch_complete
        event = self.live.record(new)
        for listener in list(self._listeners):
            listener(event)
        if self.checkpoints and not was_complete and self.state.launch_complete:
            self._checkpoint_due(Checkpoint.COMPLETE)
        return event

    # -- checkpoints ---------------------------------------------------------------

    async def reach(self, checkpoint: Checkpoint) -> list[str]:
        """Run the checkpoint's hooks (signing, ...); their one-line notices."""
        return await self.checkpoints.reach(checkpoint)

    async def reach_due(self) -> list[str]:
        notices: list[str] = []
        while self.due:
            notices += await self.reach(self.due.pop(0))
        return notices

    def _checkpoint_due(self, checkpoint: Checkpoint) -> None:
        if self.on_checkpoint_due is not None:
            self.on_checkpoint_due(checkpoint)
        else:
            self.due.append(checkpoint)

    def today(self) -> date:
        return utcnow().date()

    def close(self) -> None:
        self.live.close()

    # -- navigation ----------------------------------------------------------------

    def enter_section(self, section_id: str) -> None:
        if self.state.current_section != section_id:
            self.record(NewEvent(kind=EventKind.SECTION_ENTERED, data={"section": section_id}))

    # -- a person's decisions --------------------------------------------------------

    def confirm(self, item_id: str, note: str | None = None) -> Event:
        item = self.checklist.item(item_id)
        if item.kind is Kind.RECORD:
            raise InputError(f"{item_id} is filled in, not ticked; press e to fill in its fields")
        if self.effective_kind(item_id) is Kind.AUTO:
            raise InputError(f"{item_id} is checked automatically here: run it (r), or waive it (w) with a reason")
        if item.kind is Kind.ACTION and not item.fallback:
            raise InputError(f"{item_id} is done by the wizard: press enter to perform it (it asks first)")
        state = self.state.item(item_id)
        if state.confirmed_at:
            raise InputError(f"{item_id} is confirmed already (by {state.confirmed_by} at {state.confirmed_at})")
        note = inputs.text(note, "the note") if note and note.strip() else None
        return self.record(NewEvent(kind=EventKind.ITEM_CONFIRMED, item=item_id, note=note))

    def secret_delivery(self) -> str:
        """How the customer's key reached the customer, as far as this session saw."""
        key_id = str(self.facts.key_id or self.state.facts.get("key_id") or "")
        shown = self.state.key_delivery.get(key_id, {})
        ways = [
            word
            for how, word in (("revealed", "revealed on screen"), ("copied", "copied to the clipboard"))
            if shown.get(how)
        ]
        if not key_id:
            return "neither: no key was issued in this session"
        return " and ".join(ways) if ways else "neither: the wizard never revealed or copied it"

    def confirm_handoff(self, files: dict[str, str], note: str | None = None) -> Event:
        """The customer received the secret, the guide and the templates: the record
        lists the files and how the secret went."""
        item_id = "onboarding.handoff"
        state = self.state.item(item_id)
        if state.confirmed_at:
            raise InputError(f"{item_id} is confirmed already (by {state.confirmed_by} at {state.confirmed_at})")
        note = inputs.text(note, "the note") if note and note.strip() else None
        data = {"files": dict(files), "secret_delivery": self.secret_delivery()}
        return self.record(NewEvent(kind=EventKind.ITEM_CONFIRMED, item=item_id, note=note, data=data))

    def add_note(self, item_id: str, note: str) -> Event:
        self.checklist.item(item_id)
        return self.record(NewEvent(kind=EventKind.NOTE_ADDED, item=item_id, note=inputs.text(note, "the note")))

    def waive(self, item_id: str, reason: str, owner: str, until: str) -> Event:
        self.checklist.item(item_id)
        data = inputs.waiver(reason, owner, until, today=self.today())
        return self.record(NewEvent(kind=EventKind.ITEM_WAIVED, item=item_id, data=data))

    def undo(self, item_id: str) -> Event:
        """Undo the last confirmation or waiver: a new event, never an edit."""
        state = self.state.item(item_id)
        if state.confirmed_at:
            undone = "confirmation"
        elif state.waiver:
            undone = "waiver"
        else:
            raise InputError(f"{item_id} has no confirmation or waiver to undo")
        return self.record(NewEvent(kind=EventKind.ITEM_UNCONFIRMED, item=item_id, data={"undid": undone}))

    def save_record(self, item_id: str, values: dict[str, Any]) -> Event:
        item = self.checklist.item(item_id)
        if item.kind is not Kind.RECORD:
            raise InputError(f"{item_id} has no fields to fill in")
        fields = inputs.record(item, values, today=self.today())
        return self.record(NewEvent(kind=EventKind.RECORD_SAVED, item=item_id, data={"fields": fields}))

    # -- what the engine automates here -------------------------------------------------

    def plan(self, item_id: str) -> Plan:
        return plan_item(self.checklist.item(item_id), self.target, self.secrets, self.facts)

    def manual_reason(self, item_id: str) -> str | None:
        """Why an item is not automated right now, and how to change that (None: it is)."""
        plan = self.plan(item_id)
        item = self.checklist.item(item_id)
        if item.kind is Kind.AUTO and plan.mode in ("manual", "skip"):
            return plan.reason
        if plan.needs:
            return f"needs {', '.join(plan.needs)}: export it and resume, or type it when asked"
        return None

    def effective_kind(self, item_id: str) -> Kind:
        item = self.checklist.item(item_id)
        if item.kind is Kind.AUTO and self.plan(item_id).mode == "manual":
            return Kind.MANUAL
        return item.kind

    def item_extra(self, item_id: str) -> Text | None:
        outdated = self.state.outdated(item_id)
        if outdated and item_id not in self.extras:
            return Text.assemble(("outdated: ", "bold yellow"), (outdated, "yellow"))
        return self.extras.get(item_id) or self.kept.get(item_id)

    async def recapture_outdated(self) -> None:
        """After the first job succeeds, the onboarding status read before it is re-read
        (it is read-only); if it cannot be read here, the record marks it outdated."""
        if self.state.outdated(ONBOARDING_STATUS) and self.plan(ONBOARDING_STATUS).automated:
            await self.run_checks([ONBOARDING_STATUS])

    # -- running checks ------------------------------------------------------------------

    def context(self) -> RunContext:
        """A run's context, seeded with what the session recorded, so that the artifact
        check can cite request ids of steps run earlier (or before a resume)."""
        if self.untrusted:  # the one door every request of the wizard goes through
            raise LaunchError(
                f"{self.session_path.name}: {self.untrusted[0].line()}, which this machine does "
                "not trust yet; nothing was sent. Reopen the session and agree, or start from your "
                "target file"
            )
        ctx = RunContext(self.target, self.secrets, self.facts, policy=self.policy, http_transport=self.http_transport)
        for item_id, state in self.state.items.items():
            if state.result is not None and state.result.value in Status._value2member_map_:
                ctx.results[item_id] = CheckResult(
                    id=item_id, status=Status(state.result.value), summary=state.summary or "-", evidence=state.evidence
                )
        return ctx

    async def run_checks(self, item_ids: list[str], on_start: Callback | None = None) -> list[CheckResult]:
        """Run the automated checks among `item_ids`; each verdict is recorded as it lands."""
        runnable = [item_id for item_id in item_ids if self.checklist.item(item_id).kind is Kind.AUTO]
        async with self.context() as ctx:
            return await run_items(ctx, runnable, on_start=on_start, on_result=self.record_result)

    def kept_verdict(self, result: CheckResult) -> bool:
        """A check that cannot run *here* (no customer key on this machine, a missing
        credential) does not erase the verdict it had: the earlier one stands, and the
        item's detail says why it was not re-run."""
        if result.status is not Status.SKIP or self.plan(result.id).automated:
            return False
        earlier = self.state.item(result.id)
        if earlier.result not in (ItemStatus.PASS, ItemStatus.WARN):
            return False
        self.kept[result.id] = Text.assemble(
            ("not re-run here: ", "bold yellow"),
            safe_line(result.summary),
            (
                f"\nthe earlier {earlier.result.value.upper()} ({earlier.result_at}, {earlier.result_by}) stands",
                "yellow",
            ),
        )
        return True

    def record_result(self, result: CheckResult, kind: EventKind = EventKind.CHECK_RESULT, **data: Any) -> Event | None:
        if result.status is Status.MANUAL and kind is EventKind.CHECK_RESULT:
            return None  # "a person confirms" is the plan, not a verdict worth recording
        if kind is EventKind.CHECK_RESULT and self.kept_verdict(result):
            return None
        self.kept.pop(result.id, None)
        if result.refs:
            data["refs"] = dict(result.refs)
        return self.record(
            NewEvent(
                kind=kind,
                item=result.id,
                status=ItemStatus(result.status.value),
                summary=result.summary,
                duration_ms=result.duration_ms,
                critical=result.critical or None,
                evidence=list(result.evidence),
                data=data,
            )
        )
