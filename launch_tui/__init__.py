"""launch-tui: the assisted public launch runbook as a terminal wizard."""

__version__ = "0.1.0"
