"""`launch-tui sign SESSION [--operator NAME] [--signing-key KEY]`: sign the session's
chain head now, as the operator (the principal allowed_signers must allow).

Takes the session's lock (refused while someone has it open: they sign at their own
checkpoints), appends one `session.signed` event and nothing else. ssh-keygen may ask
for the key's passphrase on this terminal. Exit 0 signed, 1 not signed (no key, no
agent, a wrong passphrase: one line says which), 2 the session cannot be used."""

from __future__ import annotations

import argparse
from pathlib import Path

from launch_tui.errors import UsageError
from launch_tui.launch.checkpoints import Checkpoint
from launch_tui.session import SessionWriter, default_operator, resolve_session, sessions_dir
from launch_tui.signing.record import sign_and_append
from launch_tui.signing.sign import ENV_VAR, SigningKey


def run(path: Path, operator: str | None = None, signing_key: str | None = None) -> int:
    key = SigningKey.configured(signing_key)
    if key is None:
        raise UsageError(
            f"no signing key: set {ENV_VAR} or pass --signing-key (a key file, or a public key in ssh-agent)"
        )
    principal = operator or default_operator()
    with SessionWriter.open(path, principal) as writer:  # altered, cut short or locked: refused, exit 2
        if not writer.events:
            raise UsageError(f"{path.name} has no events to sign")
        event = sign_and_append(
            writer.append, writer.events[-1], key, principal, Checkpoint.ON_DEMAND.value, interactive=True
        )
    print(f"{path.name}: {event.summary}")
    return 0


def main(args: argparse.Namespace) -> int:
    return run(resolve_session(args.session, sessions_dir(args.sessions_dir)), args.operator, args.signing_key)
