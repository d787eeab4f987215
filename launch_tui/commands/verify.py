"""`launch-tui verify`: 0 intact, 1 altered or cut short, 2 unreadable.

A cut-short last event exits 1 too: its bytes are covered by no seal, so the file is
not verified as a whole (`resume --drop-cut-short` removes them).

With `--allowed-signers FILE` the signatures are judged too: exit 0 only when the
chain is intact and there is at least one signature and every one is good and
allowed for its principal; 1 otherwise; 2 when FILE cannot be read."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from launch_tui.errors import UsageError
from launch_tui.safe_text import visible
from launch_tui.session import SessionFile, Verdict, read_session, resolve_session, sessions_dir, verify_chain
from launch_tui.session.models import EventKind

if TYPE_CHECKING:
    from launch_tui.signing.allowed import AllowedSigners

HASH = re.compile(r"^sha256:[0-9a-f]{64}$")


def check_anchor(value: str | None) -> str | None:
    if value is None:
        return None
    anchor = value.strip().lower()
    if not HASH.match(anchor):
        raise UsageError(f"--last-hash {value!r} is not a hash like sha256:<64 hex digits>; copy it from a report")
    return anchor


def run(
    path: Path,
    last_hash: str | None = None,
    allowed_signers: str | Path | None = None,
    revoked_keys: str | Path | None = None,
) -> int:
    anchor = check_anchor(last_hash)
    if revoked_keys is not None and allowed_signers is None:
        raise UsageError("--revoked-keys goes with --allowed-signers FILE: it takes keys out of that file's list")
    allowed = _load_allowed(allowed_signers, revoked_keys)
    session = read_session(path)  # unreadable: SessionUnreadable, exit 2
    verdict = verify_chain(session, last_hash=anchor)
    if verdict.intact:
        session.usable()  # sealed, but holding what launch-tui never writes: re-sealed by hand, exit 2
    print(visible(f"{path.name}: {verdict.line}"))  # event fields come from the file: no escapes reach the terminal
    chain_ok = verdict.intact and not verdict.tail
    signed_ok = _signatures(session, verdict, allowed, allowed_signers is not None)
    return 0 if chain_ok and signed_ok else 1


def main(args: argparse.Namespace) -> int:
    session = resolve_session(args.session, sessions_dir(args.sessions_dir))
    return run(session, args.last_hash, args.allowed_signers, args.revoked_keys)


def _load_allowed(allowed_signers: str | Path | None, revoked_keys: str | Path | None) -> AllowedSigners | None:
    if allowed_signers is None:
        return None
    from launch_tui.signing.allowed import load_allowed_signers  # only with --allowed-signers: verify starts fast

    allowed = load_allowed_signers(allowed_signers, revoked_keys)  # unreadable: exit 2, before the session is judged
    for note in allowed.notes:
        print(f"launch-tui: {visible(note)}", file=sys.stderr)
    return allowed


def _signatures(session: SessionFile, chain: Verdict, allowed: AllowedSigners | None, asked: bool) -> bool:
    """Print what the signatures say; False when `--allowed-signers` was given and they do not hold."""
    if not asked and not any(event.kind is EventKind.SESSION_SIGNED for event in session.events):
        return True  # nothing to say, and nothing asked: the output stays as it always was
    from launch_tui.signing.check import check_signatures  # only for a signed session or --allowed-signers

    signing = check_signatures(session, allowed, chain=chain)
    for line in signing.lines():
        print(visible(line))
    if not asked:
        print("(pass --allowed-signers FILE to check who may sign)")
        return True
    if signing.verified and allowed is not None:
        signers = ", ".join(dict.fromkeys(check.principal for check in signing.signatures))
        print(visible(f"SIGNED: events #1–#{signing.signed_through} by {signers}, as allowed by {allowed.path.name}"))
        return True
    name = allowed.path.name if allowed is not None else "allowed signers"
    if not signing.signatures:
        print(f"NOT SIGNED: no signature to check against {name}")
    else:
        bad = sum(1 for check in signing.signatures if not check.good)
        print(f"NOT VERIFIED: {bad} of {len(signing.signatures)} signature(s) invalid or not allowed")
    return False
