"""A signature as an event: `session.signed`, appended after the head it signs.

    data.principal    who signed: the operator (the name allowed_signers must allow)
    data.key_type     ED25519, RSA…
    data.fingerprint  SHA256:… of the signing key
    data.covers_seq   the signed head: events #1 to it are covered
    data.covers_hash  that event's hash: the message signed (`sha256:<64 hex>`)
    data.checkpoint   quit, pause, report, complete or on-demand
    data.namespace    launch-tui
    data.signature    the armored SSHSIG signature, as `ssh-keygen -Y sign` wrote it

The event is sealed into the chain like any other, so the next signature covers it."""

from __future__ import annotations

from collections.abc import Callable

from launch_tui.session.models import Event, EventKind, NewEvent
from launch_tui.signing import NAMESPACE
from launch_tui.signing.sign import Signature, SigningKey, sign_head


def nothing_new(events: list[Event]) -> bool:
    """The last event is a signature over the one before: signing again adds nothing."""
    if not events or events[-1].kind is not EventKind.SESSION_SIGNED:
        return False
    return events[-1].data.get("covers_seq") == len(events) - 1


def signature_event(signature: Signature, principal: str, head: Event, checkpoint: str) -> NewEvent:
    return NewEvent(
        kind=EventKind.SESSION_SIGNED,
        summary=(
            f"signed events #1–#{head.seq} as {principal} "
            f"({signature.key_type} {signature.fingerprint}) at {checkpoint}"
        ),
        data={
            "principal": principal,
            "key_type": signature.key_type,
            "fingerprint": signature.fingerprint,
            "covers_seq": head.seq,
            "covers_hash": head.hash,
            "checkpoint": checkpoint,
            "namespace": NAMESPACE,
            "signature": signature.armored,
        },
    )


def sign_and_append(
    append: Callable[[NewEvent], Event],
    head: Event,
    key: SigningKey,
    principal: str,
    checkpoint: str,
    *,
    interactive: bool = False,
) -> Event:
    """Sign `head` and append the signature (SigningFailed: nothing appended)."""
    signature = sign_head(key, head.hash, interactive=interactive)
    return append(signature_event(signature, principal, head, checkpoint))
