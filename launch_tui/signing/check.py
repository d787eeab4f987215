"""Checking the signatures in a session: each `session.signed` event names the head it
signed (an earlier event's position and hash) and holds the armored SSHSIG signature.

A signature is good when the file still holds that head (same position, same hash),
the signature matches it in the `launch-tui` namespace, and it was made with the key
the event names. With an allowed_signers file, it must also be allowed for its
principal. Since every event's hash covers all before it, a good signature over head
N proves events #1 to #N are as they were signed, whatever happened after: a file
edited and re-sealed afterwards no longer holds the signed head."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from launch_tui.safe_text import visible
from launch_tui.session.fileformat import SessionFile
from launch_tui.session.integrity import Verdict, verify_chain
from launch_tui.session.models import Event, EventKind
from launch_tui.signing import NAMESPACE
from launch_tui.signing.allowed import AllowedSigners
from launch_tui.signing.sign import fingerprint, head_message
from launch_tui.timefmt import utcnow

if TYPE_CHECKING:
    from sshsig import PublicKey


@dataclass(frozen=True)
class SignatureCheck:
    event: int  # the position of the session.signed event
    principal: str
    key_type: str
    fingerprint: str
    at: str
    checkpoint: str
    first_event: int  # the first event this signature covers that no earlier one did
    covers_event: int  # the signed head: events #1 to it are covered
    covers_hash: str
    valid: bool  # matches the head, in our namespace, made with the key it names
    allowed: bool | None  # None: no allowed_signers file was given
    problem: str  # why not valid or not allowed; "" when good

    @property
    def good(self) -> bool:
        return self.valid and self.allowed is not False

    @property
    def range(self) -> str:
        if self.first_event > self.covers_event:
            return f"events up to #{self.covers_event} (signed before)"
        if self.first_event == self.covers_event:
            return f"event #{self.covers_event}"
        return f"events #{self.first_event}–#{self.covers_event}"


@dataclass(frozen=True)
class SigningVerdict:
    signatures: tuple[SignatureCheck, ...]
    events: int
    unsigned: tuple[int, ...]  # positions of events after the last good signed head (signatures aside)
    allowed_checked: bool

    @property
    def status(self) -> str:
        """unsigned | signed | bad-signature"""
        if not self.signatures:
            return "unsigned"
        return "signed" if all(check.good for check in self.signatures) else "bad-signature"

    @property
    def signed_through(self) -> int | None:
        heads = [check.covers_event for check in self.signatures if check.good]
        return max(heads) if heads else None

    @property
    def verified(self) -> bool:
        """What `verify --allowed-signers` exits 0 for (the chain aside)."""
        return self.allowed_checked and self.status == "signed"

    def lines(self) -> list[str]:
        out = [_line(check) for check in self.signatures]
        if not self.signatures:
            out.append("UNSIGNED: no signature in this session")
        elif self.unsigned:
            out.append(f"unsigned: {_positions(self.unsigned)}, recorded after the last good signature")
        return out


def signature_events(events: list[Event]) -> list[tuple[int, Event]]:
    return [
        (position, event) for position, event in enumerate(events, start=1) if event.kind is EventKind.SESSION_SIGNED
    ]


def check_signatures(
    session: SessionFile,
    allowed: AllowedSigners | None = None,
    now: datetime | None = None,
    chain: Verdict | None = None,
) -> SigningVerdict:
    """`chain`: the session's verify_chain verdict, if made already (made here otherwise)."""
    now = now or utcnow()
    chain = chain or verify_chain(session)
    broken = None if chain.intact else chain.first_bad
    checks: list[SignatureCheck] = []
    covered = 0
    for position, event in signature_events(session.events):
        check = _check(session, position, event, allowed, now, covered + 1)
        if check.valid and broken is not None and broken <= check.covers_event:
            # The head's seal still matches, but an event under it no longer matches its own.
            problem = f"event #{broken}, which it covers, was edited after it was signed"
            check = replace(check, valid=False, allowed=None if allowed is None else False, problem=problem)
        checks.append(check)
        if check.good:
            covered = max(covered, check.covers_event)
    unsigned = tuple(
        position
        for position, event in enumerate(session.events, start=1)
        if position > covered and event.kind is not EventKind.SESSION_SIGNED
    )
    return SigningVerdict(tuple(checks), len(session.events), unsigned, allowed is not None)


def _check(
    session: SessionFile, position: int, event: Event, allowed: AllowedSigners | None, now: datetime, first: int
) -> SignatureCheck:
    data = event.data
    covers = data.get("covers_seq")
    check = SignatureCheck(
        event=position,
        principal=_text(data, "principal") or event.actor,
        key_type=_text(data, "key_type"),
        fingerprint=_text(data, "fingerprint"),
        at=event.at,
        checkpoint=_text(data, "checkpoint"),
        first_event=first,
        covers_event=covers if isinstance(covers, int) and not isinstance(covers, bool) else 0,
        covers_hash=_text(data, "covers_hash"),
        valid=False,
        allowed=None,
        problem="",
    )
    problem, key = _verify(session, position, data, check.covers_event, check.covers_hash, check.fingerprint)
    if problem or key is None:
        return replace(check, allowed=None if allowed is None else False, problem=problem)
    if allowed is None:
        return replace(check, valid=True)
    refusal = allowed.judge(check.principal, key, now)
    return replace(check, valid=True, allowed=refusal is None, problem=f"not allowed: {refusal}" if refusal else "")


def _verify(
    session: SessionFile, position: int, data: dict[str, Any], covers: int, covers_hash: str, recorded: str
) -> tuple[str, PublicKey | None]:
    """(problem, the signing key): problem is "" when the signature is good."""
    # Only when a signature is checked (see signing/__init__.py).
    from sshsig import InvalidSignature, check_signature
    from sshsig.sshsig import SshsigSignature

    armored = data.get("signature")
    if not isinstance(armored, str) or not covers_hash or not 0 < covers < position:
        return "not a signature launch-tui writes (no signed head before it, or no signature)", None
    if session.events[covers - 1].hash != covers_hash:
        return (
            f"it signed event #{covers} as {covers_hash}, but event #{covers} in the file now has another hash: "
            "the file was edited and re-sealed after this signature"
        ), None
    try:
        outer = SshsigSignature.from_armored(armored)
        if outer.namespace != NAMESPACE.encode():
            made_for = visible(outer.namespace.decode("ascii", "replace"))
            return f"it was made for the namespace {made_for!r}, not {NAMESPACE!r}", None
        key = check_signature(head_message(covers_hash), armored, NAMESPACE)
    except InvalidSignature:
        return f"the signature does not match event #{covers}'s hash: forged, or the signed head was changed", None
    except NotImplementedError as exc:
        return f"this verify cannot check it ({visible(str(exc))[:120]}; ed25519 and RSA keys are supported)", None
    except (ValueError, TypeError, AssertionError, UnicodeError, IndexError, OverflowError):
        return "the armored signature is damaged: not an SSH signature", None
    made_with = fingerprint(outer.public_key)
    if recorded != made_with:
        return f"it names the key {visible(recorded)!r} but was made with {made_with}", None
    return "", key


def _line(check: SignatureCheck) -> str:
    who = (
        f"signed by {visible(check.principal)} ({visible(check.key_type) or '?'} {visible(check.fingerprint) or '?'}, "
        f"{check.at}, {visible(check.checkpoint) or 'checkpoint ?'}, event #{check.event}): {check.range}"
    )
    if not check.valid:
        return f"{who}: INVALID: {check.problem}"
    if check.allowed is False:
        return f"{who}: NOT ALLOWED: {check.problem.removeprefix('not allowed: ')}"
    return f"{who}: good" + (", allowed" if check.allowed else " (not checked against allowed signers)")


def _positions(positions: tuple[int, ...]) -> str:
    if len(positions) == 1:
        return f"event #{positions[0]}"
    return f"{len(positions)} events, #{positions[0]}–#{positions[-1]}"


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""
