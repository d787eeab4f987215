"""How a session's target is named wherever a person reads it (top bar, dialogs,
`sessions`, the summary, the report). A demo's target is launch-tui's own sandbox: it
follows production's rules, but nothing real is launched, and no screen or record may
read as if it were."""

from __future__ import annotations

from launch_tui.session.models import Header

DEMO_BADGE = "DEMO · SANDBOX"
DEMO_WORDS = "the demo sandbox (production rules, nothing real is launched)"


def is_demo(header: Header) -> bool:
    return header.session.sandbox


def environment_badge(header: Header) -> str:
    """The short label of the top bar and the action dialogs."""
    return DEMO_BADGE if is_demo(header) else header.target.environment.upper()


def environment_column(header: Header) -> str:
    """The ENV column of `launch-tui sessions`."""
    return "demo (sandbox)" if is_demo(header) else header.target.environment


def flow_ran_against(header: Header) -> str:
    """Where token -> enqueue -> poll -> results ran, for the exit criterion's sentence."""
    return "the demo sandbox, not a real production" if is_demo(header) else "production"
