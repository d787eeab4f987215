"""Comparing this machine's copy of a session with the remote's, by the hash chain.

Session files only ever grow by whole sealed events, so the usual answer is cheap:
one copy is a byte prefix of the other. Anything else is parsed (off the event loop)
and the first event where the two chains part is named."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from launch_tui.errors import LaunchError
from launch_tui.safe_text import shown as safe
from launch_tui.session.fileformat import SessionFile, parse_session
from launch_tui.session.integrity import describe_event, verify_chain


class Relation(StrEnum):
    SAME = "same"
    AHEAD = "ahead"  # this machine has events the remote lacks: a push is a fast-forward
    BEHIND = "behind"  # the remote has events this machine lacks
    FORKED = "forked"  # both appended after a common event
    UNRELATED = "unrelated"  # not the same session, or the remote's copy is unreadable or altered


@dataclass(frozen=True)
class Comparison:
    relation: Relation
    first_diverging: int | None = None  # the seq of the first event the two copies do not share
    explanation: str = ""

    @property
    def pushable(self) -> bool:
        return self.relation in (Relation.SAME, Relation.AHEAD)


def quick(remote: bytes | None, local: bytes) -> Comparison | None:
    """The answer without parsing, when there is one."""
    if remote is None or remote == local:
        return Comparison(Relation.SAME if remote == local else Relation.AHEAD)
    if local.startswith(remote) and remote.endswith(b"\n"):
        return Comparison(Relation.AHEAD)
    return None


def compare(remote: bytes | None, local: bytes, name: str = "session") -> Comparison:
    """Full comparison; run it in a thread for a long session (it parses both copies)."""
    found = quick(remote, local)
    if found is not None:
        return found
    assert remote is not None
    try:
        theirs, ours = _chain(remote, name, "the remote's copy"), _chain(local, name, "this machine's copy")
    except LaunchError as exc:
        return Comparison(Relation.UNRELATED, 1, str(exc))
    if theirs.header_raw != ours.header_raw:
        return Comparison(Relation.UNRELATED, 1, f"the remote's {name} is another session with the same name")
    shared = 0
    for mine, other in zip(ours.events, theirs.events, strict=False):
        if mine.hash != other.hash:
            break
        shared += 1
    first = shared + 1
    if shared == len(theirs.events):
        return Comparison(Relation.AHEAD if shared < len(ours.events) else Relation.SAME)
    other = theirs.events[shared]
    by = f"{safe(other.actor)}"
    if shared == len(ours.events):
        extra = len(theirs.events) - shared
        return Comparison(
            Relation.BEHIND,
            first,
            f"the remote holds {extra} event(s) this machine lacks, from {describe_event(first, other)} by {by}",
        )
    mine = ours.events[shared]
    return Comparison(
        Relation.FORKED,
        first,
        f"the copies part at event #{first}: here {describe_event(first, mine)} by {safe(mine.actor)}, "
        f"on the remote {describe_event(first, other)} by {by}",
    )


def _chain(raw: bytes, name: str, which: str) -> SessionFile:
    session = parse_session(raw, Path(name)).usable()
    verdict = verify_chain(session)
    if not verdict.intact:
        raise LaunchError(f"{which} of {name} was altered ({verdict.problem})")
    return session
