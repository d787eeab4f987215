"""HTTP clients: the platform, Render and GitHub, over one shared transport policy.
Only this package speaks HTTP."""

from launch_tui.clients.deadline import Deadline, current_deadline, deadline
from launch_tui.clients.errors import BadReply, DeadlineExceeded, NotJSON, RateLimited, TransportError
from launch_tui.clients.evidence import collect_evidence
from launch_tui.clients.transport import USER_AGENT, Policy, Reply, Transport, make_client

__all__ = [
    "USER_AGENT",
    "BadReply",
    "Deadline",
    "DeadlineExceeded",
    "NotJSON",
    "Policy",
    "RateLimited",
    "Reply",
    "Transport",
    "TransportError",
    "collect_evidence",
    "current_deadline",
    "deadline",
    "make_client",
]
