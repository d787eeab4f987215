"""The headless commands, one module each; the TUI commands live in launch_tui.tui."""
