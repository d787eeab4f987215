"""The wizard signs its session at every checkpoint when a signing key is configured
(LAUNCH_SIGNING_KEY or --signing-key). ssh-keygen runs off the event loop; the
signature is recorded on it, like every other event. A failure (no agent, a locked
key, no ssh-keygen) is a one-line notice: the events are on disk already, unsigned."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from launch_tui.launch.checkpoints import Checkpoint
from launch_tui.signing.record import nothing_new, signature_event
from launch_tui.signing.sign import SigningFailed, SigningKey, sign_head

if TYPE_CHECKING:
    from launch_tui.launch.live import LiveLaunch


def install_signing(launch: LiveLaunch, key: SigningKey | None) -> None:
    if key is None:
        return

    async def sign_at(checkpoint: Checkpoint) -> str | None:
        events = launch.live.writer.events
        if not events or (checkpoint is not Checkpoint.ON_DEMAND and nothing_new(events)):
            return None
        head = events[-1]
        try:
            signature = await asyncio.to_thread(sign_head, key, head.hash)
        except SigningFailed as exc:
            return f"session not signed at {checkpoint.value}: {exc}"
        # Events recorded while ssh-keygen ran come after `head`: the signature covers up to it.
        event = launch.record(signature_event(signature, launch.operator, head, checkpoint.value))
        return event.summary

    launch.checkpoints.register("signing", sign_at)
