"""Every command's entry point, one module per command or family (`tui` holds the five
that open the TUI). Each has `main(args)`, which cli.py calls with the parsed arguments
and imports only when that command runs: `check --help` never loads what `check` needs."""
