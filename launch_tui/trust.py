"""Where this machine's operator lets each credential go, like SSH's known_hosts.

A session file travels (another machine, a reviewer, a shared folder, a repo), so the
URLs in its header are not the operator's word: before anything is sent for a session,
its origins (scheme, host, port) are compared with the ones trusted here, per credential.
The admin token and the integration keys belong to the platform's `api_url`,
`RENDER_API_KEY` to the Render API, `GITHUB_TOKEN` to the GitHub API.

The store is a TOML file a person can read and edit (`LAUNCH_TRUST_FILE`, default
`trusted-origins.toml` in the user's config folder), 0600:

    [[trusted]]
    origin = "https://api.example.com"
    credentials = ["LAUNCH_ADMIN_TOKEN", "LAUNCH_INTEGRATION_KEY", "LAUNCH_REVOKED_KEY"]
    added = "2026-11-30T10:00:00Z"
    source = "target file acme.toml"

Origins come in only from what the operator gave: their own target file (`new --target`,
`check --target`), the new-launch form, or an explicit yes (the TUI's question,
`check SESSION --trust-session-origins`). The vendors' own APIs are trusted for their
own key without asking.

The API other parts use (a session fetched from elsewhere goes through the same):
`untrusted_origins(header_or_target)` lists what is not trusted yet, `trust(target,
source)` trusts what an operator's own target names, `add(untrusted, source)` records an
explicit yes, `admit_session(opened)` is the headless gate (ALTERED or untrusted: exit 2).
The wizard (`Wizard.untrusted`, `Wizard.agree_to_origins()`) refuses every request while
anything is untrusted, and the TUI asks before its first one."""

from __future__ import annotations

import errno
import os
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tomli_w
from platformdirs import user_config_path

from launch_tui.errors import UsageError
from launch_tui.files import NotAFile, exclusive, read_regular, write_private
from launch_tui.target import Target
from launch_tui.timefmt import now_iso

TRUST_FILE_ENV = "LAUNCH_TRUST_FILE"
FILE_NAME = "trusted-origins.toml"
PLATFORM_CREDENTIALS = ("LAUNCH_ADMIN_TOKEN", "LAUNCH_INTEGRATION_KEY", "LAUNCH_REVOKED_KEY")
MAX_TRUST_FILE_BYTES = 1 << 20
TRUST_FLAG = "--trust-session-origins"


@dataclass(frozen=True, order=True)
class Origin:
    """Where a request goes, as a browser would judge it: scheme, host, port."""

    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        try:
            port = parts.port
        except ValueError:
            port = None
        default = 443 if scheme == "https" else 80
        return cls(scheme, (parts.hostname or "").lower(), port or default)

    def __str__(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}" + ("" if self.port == default else f":{self.port}")


# The vendors' own APIs, trusted for their own key only.
BUILT_IN: dict[Origin, frozenset[str]] = {
    Origin("https", "api.render.com", 443): frozenset({"RENDER_API_KEY"}),
    Origin("https", "api.github.com", 443): frozenset({"GITHUB_TOKEN"}),
}


@dataclass(frozen=True)
class Untrusted:
    """An origin a session would send credentials to, not trusted for them here."""

    origin: Origin
    credentials: tuple[str, ...]

    def line(self) -> str:
        return f"{', '.join(self.credentials)} would go to {self.origin}"


def trust_file() -> Path:
    explicit = os.environ.get(TRUST_FILE_ENV)
    if explicit:
        return Path(explicit)
    return user_config_path("launch-tui", appauthor=False) / FILE_NAME


def credential_origins(target: Any) -> dict[Origin, tuple[str, ...]]:
    """Each origin the target's credentials would go to, with those credentials.
    `target`: a Target, or a session header (anything with a `.target`)."""
    target = _target_of(target)
    wanted: dict[Origin, list[str]] = {}
    for credential in PLATFORM_CREDENTIALS:
        wanted.setdefault(Origin.of(target.api_url), []).append(credential)
    if target.render:
        wanted.setdefault(Origin.of(target.render.api_url), []).append("RENDER_API_KEY")
    if target.github:
        wanted.setdefault(Origin.of(target.github.api_url), []).append("GITHUB_TOKEN")
    return {origin: tuple(names) for origin, names in wanted.items()}


def untrusted_origins(target: Any, path: Path | None = None) -> list[Untrusted]:
    """What the session (header or target) would send where this machine has not agreed to."""
    trusted = load(path)
    found = []
    for origin, credentials in credential_origins(target).items():
        allowed = trusted.get(origin, frozenset()) | BUILT_IN.get(origin, frozenset())
        missing = tuple(name for name in credentials if name not in allowed)
        if missing:
            found.append(Untrusted(origin, missing))
    return found


def trust(target: Any, source: str, path: Path | None = None) -> list[Untrusted]:
    """Trust every origin the target names for its credentials; returns what was new."""
    new = untrusted_origins(target, path)
    if new:
        add(new, source, path)
    return new


def announce(target: Any, source: str) -> None:
    """Trust what the operator's own target names, and say so (stderr) the first time."""
    new = trust(target, source)
    if new:
        print(f"launch-tui: {describe_new(new, source)}", file=sys.stderr)


def add(entries: Iterable[Untrusted], source: str, path: Path | None = None) -> None:
    path = path or trust_file()
    with exclusive(path):  # two launch-tui processes trusting at once: both entries land
        _add(path, entries, source)


def _add(path: Path, entries: Iterable[Untrusted], source: str) -> None:
    document = _read_document(path)
    rows: list[dict[str, Any]] = document.setdefault("trusted", [])
    for entry in entries:
        row = next((row for row in rows if Origin.of(str(row.get("origin", ""))) == entry.origin), None)
        if row is None:
            rows.append(
                {
                    "origin": str(entry.origin),
                    "credentials": list(entry.credentials),
                    "added": now_iso(),
                    "source": source,
                }
            )
        else:
            row["credentials"] = sorted(set(row.get("credentials", [])) | set(entry.credentials))
    text = HEADER + tomli_w.dumps(document)
    write_private(path, text, replace=True)


def load(path: Path | None = None) -> dict[Origin, frozenset[str]]:
    """The trusted origins and, for each, the credentials that may go there."""
    document = _read_document(path or trust_file())
    trusted: dict[Origin, set[str]] = {}
    for row in document.get("trusted", []):
        trusted.setdefault(Origin.of(row["origin"]), set()).update(row["credentials"])
    return {origin: frozenset(names) for origin, names in trusted.items()}


def admit_session(opened: Any, *, trust_origins: bool = False) -> None:
    """Headless use of a session file (`check SESSION`): refuse an ALTERED file, and
    one naming origins not trusted here, unless the operator said so with the flag."""
    name = opened.file.path.name
    if not opened.verdict.intact:
        raise UsageError(
            f"{name} was altered ({opened.verdict.problem}); it is not checked against any "
            "server. `launch-tui verify` explains, `launch-tui replay` and `report` still read it"
        )
    untrusted = untrusted_origins(opened.file.header)
    if not untrusted:
        return
    if not trust_origins:
        raise UsageError(refusal(name, untrusted))
    source = f"session {name} ({TRUST_FLAG})"
    add(untrusted, source)
    print(f"launch-tui: {describe_new(untrusted, source)}", file=sys.stderr)


def describe_new(new: list[Untrusted], source: str, path: Path | None = None) -> str:
    """The line saying what was trusted, the first time."""
    where = "; ".join(entry.line().replace(" would go to ", " -> ") for entry in new)
    return f"trusted on this machine from {source}: {where} (recorded in {path or trust_file()})"


def refusal(session_name: str, untrusted: list[Untrusted]) -> str:
    """Headless: one line naming the origin and how to trust it."""
    first = untrusted[0]
    more = f" (and {len(untrusted) - 1} more origin(s))" if len(untrusted) > 1 else ""
    return (
        f"{session_name}: {first.line()}, which this machine does not trust{more}; nothing was sent. "
        f"If the session is right, run `launch-tui check --target FILE` with your own target file, "
        f"or pass {TRUST_FLAG}"
    )


HEADER = (
    "# launch-tui: where this machine's operator lets each credential go.\n"
    "# One [[trusted]] table per origin (scheme://host[:port]); remove one to be asked again.\n"
    '# See docs/interface.md, "Trusted origins".\n\n'
)


def _target_of(value: Any) -> Target:
    return value if isinstance(value, Target) else value.target


def _read_document(path: Path) -> dict[str, Any]:
    """The store, checked; a missing file is an empty store. Refuses a link or a non-file."""
    try:
        raw = read_regular(path, MAX_TRUST_FILE_BYTES, follow=False)
    except FileNotFoundError:
        return {}
    except NotAFile as exc:
        raise UsageError(f"{exc}; this is not a trusted-origins file: fix or remove it") from None
    except OSError as exc:
        why = "it is a symbolic link" if exc.errno == errno.ELOOP else exc.strerror
        raise UsageError(f"{path}: cannot read the trusted-origins file ({why}); fix or remove it") from None
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise UsageError(f"{path}: the trusted-origins file is not valid TOML ({exc}); fix or remove it") from None
    rows = document.get("trusted", [])
    if not isinstance(rows, list) or not all(_good_row(row) for row in rows):
        raise UsageError(
            f'{path}: each [[trusted]] needs origin = "https://host" and credentials = ["NAME", ...]; '
            "fix or remove the file"
        )
    return document


def _good_row(row: Any) -> bool:
    return (
        isinstance(row, dict)
        and isinstance(row.get("origin"), str)
        and urlsplit(row["origin"]).scheme in ("http", "https")
        and isinstance(row.get("credentials"), list)
        and all(isinstance(name, str) for name in row["credentials"])
    )
