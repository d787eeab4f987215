"""Who writes a session, recorded on the remote: one ref per session,
refs/launch-tui/claims/<session id>, pointing at a small commit that names the
operator, the host, the process and when.

A claim is made with an ordinary (non-forced) push: git refuses to replace a ref by
a commit that does not descend from it, so creating a claim is an atomic
compare-and-swap, and so is a takeover (a child of the claim it replaces). Every
sync pushes a child of our own claim too (a heartbeat: "last seen"), in the same
atomic push as the session, so a session is never pushed by a machine whose claim
was taken over."""

from __future__ import annotations

import json
import os
import re
import socket
from dataclasses import dataclass
from typing import Any

from launch_tui.timefmt import now_iso

PREFIX = "refs/launch-tui/claims/"
TRACKING = "refs/launch-tui/remote-claims/"  # our copy of the remote's claims, after a fetch
MINE = "refs/launch-tui/my-claims/"  # the claim this machine holds, as last pushed
SESSION_ID = re.compile(r"[A-Za-z0-9._-]{1,200}")
MARK = "launch-tui claim\n\n"


@dataclass(frozen=True)
class Claim:
    session: str
    operator: str
    host: str
    pid: int
    since: str
    seen: str  # the last heartbeat
    taken_over_from: str = ""

    @property
    def who(self) -> str:
        return f"{self.operator} on {self.host} (pid {self.pid}) since {self.since}, last synced {self.seen}"

    def message(self) -> str:
        return MARK + json.dumps(self.__dict__, sort_keys=True, indent=1) + "\n"


def ref(session_id: str) -> str:
    if not SESSION_ID.fullmatch(session_id) or session_id.startswith(".") or ".." in session_id:
        raise ValueError(f"{session_id!r} cannot name a claim")
    return PREFIX + session_id


def new_claim(session_id: str, operator: str, *, taken_over_from: str = "") -> Claim:
    now = now_iso()
    return Claim(session_id, operator, socket.gethostname(), os.getpid(), now, now, taken_over_from)


def parse(message: str, session_id: str) -> Claim | None:
    """A claim read from the remote (untrusted): None if it is not one of ours."""
    if not message.startswith(MARK):
        return None
    try:
        data: Any = json.loads(message[len(MARK) :])
        fields = {name: data[name] for name in ("operator", "host", "since", "seen")}
        if not all(isinstance(value, str) for value in fields.values()) or not isinstance(data["pid"], int):
            return None
        return Claim(
            session_id,
            pid=data["pid"],
            taken_over_from=str(data.get("taken_over_from", ""))[:300],
            **{name: value[:200] for name, value in fields.items()},
        )
    except (ValueError, KeyError, TypeError):
        return None


def describe(claim: Claim | None) -> str:
    return claim.who if claim else "someone (the claim on the remote is not readable)"
