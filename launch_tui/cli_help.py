"""What `launch-tui COMMAND --help` says beyond the options: a description, the exit
codes, the environment variables read, and an example. One entry per subcommand;
a new subcommand adds its entry here (tests/test_cli.py checks every one has all four).
Plain data: `--help` must start fast."""

from __future__ import annotations

from dataclasses import dataclass

SECRETS_ENV = (
    ("LAUNCH_ADMIN_TOKEN", "admin token for the platform's admin routes"),
    ("LAUNCH_INTEGRATION_KEY", "a valid integration key (section 2, before the customer's exists)"),
    ("LAUNCH_REVOKED_KEY", "a known-revoked key (auth.token-revoked)"),
    ("RENDER_API_KEY", "Render API key: the infra items run automated instead of a person confirming them"),
    ("GITHUB_TOKEN", "GitHub token with admin read: the guardrails items run automated"),
)
SESSIONS_ENV = (("LAUNCH_SESSIONS_DIR", "the sessions folder when --sessions-dir is not given (default ./sessions)"),)
COLOR_ENV = (
    ("NO_COLOR", "non-empty: no colour (unless --color always)"),
    ("FORCE_COLOR", "non-empty: colour even when not on a terminal (unless NO_COLOR or --color never)"),
    ("TERM", "`dumb`: no colour"),
)
TUI_CODES = (
    (0, "you quit the wizard"),
    (2, "usage error, no terminal (stdin and stdout must both be one), an unreadable or locked session"),
    (130, "interrupted (Ctrl-C)"),
)


@dataclass(frozen=True)
class CommandHelp:
    summary: str  # one line, in the list of commands
    description: str
    exit_codes: tuple[tuple[int, str], ...]
    env: tuple[tuple[str, str], ...]
    examples: tuple[str, ...]

    def epilog(self) -> str:
        width = max(len(name) for name, _ in self.env) if self.env else 0
        lines = ["exit codes:", *(f"  {code:<3}  {meaning}" for code, meaning in self.exit_codes)]
        lines += ["", "environment:", *(f"  {name.ljust(width)}  {meaning}" for name, meaning in self.env)]
        if not self.env:
            lines.append("  (none read)")
        lines += ["", "example:" if len(self.examples) == 1 else "examples:", *(f"  $ {ex}" for ex in self.examples)]
        return "\n".join(lines)


HELP: dict[str, CommandHelp] = {
    "new": CommandHelp(
        "start a session from a target file",
        "Start a launch session for the customer the target file names, and open the wizard on it. "
        "The session file is created in the sessions folder and saved after every step.",
        TUI_CODES,
        SESSIONS_ENV + SECRETS_ENV + COLOR_ENV,
        ("launch-tui new --target acme.toml --operator alice",),
    ),
    "resume": CommandHelp(
        "continue a session",
        "Continue a session where it stopped, as a new or the same operator. Without SESSION, pick one from "
        "the home screen. A last event cut short by a crash is dropped only with --drop-cut-short or when you "
        "answer yes.",
        TUI_CODES,
        SESSIONS_ENV + SECRETS_ENV + COLOR_ENV,
        ("launch-tui resume acme-freight-20261130", "launch-tui resume sessions/acme-freight-20261130-090000.toml"),
    ),
    "replay": CommandHelp(
        "review a session read-only: no writes, no network",
        "Review a session as it was at any event: the screens show the state as of the highlighted event "
        "(`,` and `.` step, `t` opens the timeline). Takes no lock, writes nothing, calls no network.",
        TUI_CODES,
        SESSIONS_ENV + COLOR_ENV,
        ("launch-tui replay acme-freight-20261130",),
    ),
    "demo": CommandHelp(
        "start the sandbox and a session against it",
        "Start the sandbox platform (with its Render and GitHub look-alikes) in this process on a free "
        "loopback port, create a session against it and open the wizard. Its credentials stay in memory.",
        TUI_CODES,
        SESSIONS_ENV + COLOR_ENV,
        ("launch-tui demo", "launch-tui demo --scenario flaky,rls-red"),
    ),
    "sandbox": CommandHelp(
        "serve the sandbox platform and its Render and GitHub look-alikes",
        "Serve the sandbox until Ctrl-C, printing its URLs, a target file and sandbox-only credentials to "
        "export. Scenarios break chosen items (docs/sandbox.md lists them).",
        ((0, "stopped (Ctrl-C or SIGTERM)"), (2, "usage error: unknown scenario, port in use")),
        (),
        ("launch-tui sandbox --port 8765 --scenario degraded",),
    ),
    "check": CommandHelp(
        "run the read-only automated checks headless",
        "Run the automated, read-only checks of a target file or a session, headless: never performs an "
        "action and imports no TUI. Items that need a person, or a credential that is not set, show `manual`; "
        "with --strict those missing a credential are errors, so a misconfigured CI job fails.",
        (
            (0, "every automated check passed (skip and manual allowed)"),
            (1, "at least one error and no fail"),
            (2, "usage or configuration error"),
            (3, "at least one fail"),
            (4, "only warnings beyond passes"),
        ),
        SECRETS_ENV + SESSIONS_ENV + COLOR_ENV,
        ("launch-tui check --target acme.toml --format junit --output check.xml --strict",),
    ),
    "report": CommandHelp(
        "the launch decision record",
        "Write the launch decision record of a session as Markdown or JSON (docs/report.md; the JSON Schema is "
        "docs/schemas/report-v1.schema.json). Read-only and lock-free.",
        (
            (0, "written (an ALTERED session too: the record says so)"),
            (2, "unreadable session, or FILE exists (without --force) or cannot be written"),
        ),
        SESSIONS_ENV,
        ("launch-tui report acme-freight-20261130 --output decision.md",),
    ),
    "verify": CommandHelp(
        "check a session's integrity (hash chain)",
        "Check that a session file is exactly as launch-tui wrote it: every event's hash and its chain. "
        "--last-hash, from a report, also catches events deleted from the end since.",
        (
            (0, "intact"),
            (1, "altered (names the first bad event), a last event cut short, or the anchor not found"),
            (2, "unreadable"),
        ),
        SESSIONS_ENV,
        ("launch-tui verify acme-freight-20261130 --last-hash sha256:…",),
    ),
    "sessions": CommandHelp(
        "list sessions",
        "List the sessions in the sessions folder: customer, environment, progress, state, last update, "
        "operators and warnings (stale results, ALTERED, cut short, unfinished actions).",
        ((0, "listed (also when there are none)"), (2, "usage error")),
        SESSIONS_ENV,
        ("launch-tui sessions --sessions-dir ~/launches",),
    ),
    # Drafted for the `sign` command of issue 15 (its branch adds the subcommand): merge
    # it with `add_command(commands, "sign")` and adjust this text if the command changed.
    "sign": CommandHelp(
        "sign the session's chain head now with your SSH key",
        "Sign the session's chain head now, as the operator (the principal allowed_signers must allow): one "
        "`session.signed` event is appended and nothing else. Refused while someone has the session open; "
        "ssh-keygen may ask for the key's passphrase on this terminal.",
        (
            (0, "signed"),
            (1, "not signed: no key, no agent, a wrong passphrase (one line says which)"),
            (2, "the session cannot be used: unreadable, altered, cut short or locked"),
        ),
        (("LAUNCH_SIGNING_KEY", "the SSH key to sign with when --signing-key is not given"), *SESSIONS_ENV),
        ("launch-tui sign acme-freight-20261130 --signing-key ~/.ssh/id_ed25519.pub",),
    ),
    "completion": CommandHelp(
        "print a shell completion script (bash or zsh)",
        "Print a completion script for bash or zsh on stdout. Load it from your shell's start-up file.",
        ((0, "printed"), (2, "usage error: an unknown shell")),
        (),
        (
            'eval "$(launch-tui completion bash)"   # in ~/.bashrc',
            "launch-tui completion zsh > ~/.zfunc/_launch-tui   # with ~/.zfunc on $fpath",
        ),
    ),
}
