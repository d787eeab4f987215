"""OpenSSH `allowed_signers` files (ssh-keygen(1), ALLOWED SIGNERS): which key may
sign for which principals, in which namespaces, from when until when.

    alice@example.com,alice namespaces="launch-tui,git" ssh-ed25519 AAAA…
    bob valid-before="20261201Z" ssh-rsa AAAA…

Lines are parsed by the `sshsig` library; matching follows ssh-keygen: principals and
namespaces are comma-separated patterns (`*`, `?`, `!negation`), and validity is
judged at the time of verification, as `ssh-keygen -Y verify` does by default. A
`cert-authority` line (certificate signers) is refused: the line is skipped with a
note, and a signature must be made with a key listed itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from launch_tui.errors import LaunchError
from launch_tui.safe_text import visible
from launch_tui.signing import NAMESPACE

if TYPE_CHECKING:
    from sshsig import PublicKey

MAX_BYTES = 4 * 2**20


class AllowedSignersUnreadable(LaunchError):
    """The allowed_signers file cannot be used (exit code 2)."""


@dataclass(frozen=True)
class AllowedSigner:
    line: int
    principals: str
    key: PublicKey
    namespaces: str | None
    valid_after: datetime | None
    valid_before: datetime | None


@dataclass(frozen=True)
class AllowedSigners:
    path: Path
    signers: tuple[AllowedSigner, ...]
    notes: tuple[str, ...]  # lines skipped, and why
    revoked: tuple[PublicKey, ...] = ()  # from a revoked-keys file (ssh-keygen -Y verify -r)
    revoked_path: Path | None = None

    def judge(self, principal: str, key: PublicKey, now: datetime) -> str | None:
        """None when `key` may sign for `principal` in our namespace at `now`; else why not."""
        if key in self.revoked and self.revoked_path is not None:
            return f"its key is revoked (listed in {self.revoked_path.name})"
        with_key = [signer for signer in self.signers if signer.key == key]
        if not with_key:
            return f"its key is not in {self.path.name}"
        for_principal = [signer for signer in with_key if matches(principal, signer.principals)]
        if not for_principal:
            listed = "; ".join(signer.principals for signer in with_key)
            return (
                f"{self.path.name} allows its key for {visible(listed)!r}, not for the principal {visible(principal)!r}"
            )
        reasons = []
        for signer in for_principal:
            reason = _refusal(signer, now)
            if reason is None:
                return None
            reasons.append(f"line {signer.line}: {reason}")
        return "; ".join(reasons)


def _refusal(signer: AllowedSigner, now: datetime) -> str | None:
    if signer.namespaces is not None and not matches(NAMESPACE, signer.namespaces):
        return f"the key may sign only in the namespaces {signer.namespaces!r}, not {NAMESPACE!r}"
    if signer.valid_after and now < signer.valid_after:
        return f"the key is valid only after {signer.valid_after:%Y-%m-%d %H:%M:%S %Z}"
    if signer.valid_before and now > signer.valid_before:
        return f"the key expired (or was revoked) at {signer.valid_before:%Y-%m-%d %H:%M:%S %Z}"
    return None


def load_allowed_signers(path: str | Path, revoked: str | Path | None = None) -> AllowedSigners:
    path = Path(path)
    signers, notes = _signer_lines(path, _read_text(path, "allowed_signers"))
    if revoked is None:
        return AllowedSigners(path, signers, notes)
    revoked = Path(revoked)
    return AllowedSigners(path, signers, notes, _revoked_keys(revoked), revoked)


def _revoked_keys(path: Path) -> tuple[PublicKey, ...]:
    """A revoked-keys file of public keys, one a line, as `ssh-keygen -Y verify -r` reads one.
    A binary KRL (ssh-keygen -k) is refused: list the keys themselves."""
    from sshsig import PublicKey  # only when signatures are judged (see signing/__init__.py)

    if path.is_file() and path.read_bytes()[:8] == b"SSHKRL\n\0":
        raise AllowedSignersUnreadable(
            f"{path}: a binary KRL is not supported; list the revoked public keys, one a line"
        )
    keys = []
    for number, line in enumerate(_read_text(path, "revoked-keys").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            keys.append(PublicKey.from_openssh_str(line))
        except (ValueError, TypeError, NotImplementedError) as exc:
            raise AllowedSignersUnreadable(
                f"{path}: line {number} is not a public key ({visible(str(exc))[:200] or 'unknown key type'})"
            ) from None
    return tuple(keys)


def _read_text(path: Path, what: str) -> str:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise AllowedSignersUnreadable(f"{path}: no such {what} file") from None
    except IsADirectoryError:
        raise AllowedSignersUnreadable(f"{path}: is a folder, not an {what} file") from None
    except OSError as exc:
        raise AllowedSignersUnreadable(f"{path}: cannot read ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise AllowedSignersUnreadable(f"{path}: larger than {MAX_BYTES // 2**20} MiB; not an {what} file")
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise AllowedSignersUnreadable(f"{path}: not ASCII text (byte {exc.start}); not an {what} file") from None


def _signer_lines(path: Path, text: str) -> tuple[tuple[AllowedSigner, ...], tuple[str, ...]]:
    signers: list[AllowedSigner] = []
    notes: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.lstrip(" \t")
        if not line or line.startswith(("#", "\0")):
            continue
        signer = _parse_line(path, number, line, notes)
        if signer:
            signers.append(signer)
    return tuple(signers), tuple(notes)


def _parse_line(path: Path, number: int, line: str, notes: list[str]) -> AllowedSigner | None:
    # Only when signatures are judged (see signing/__init__.py).
    from sshsig import PublicKey
    from sshsig.allowed_signers import AllowedSigner as Parsed

    where = f"{path}: line {number}"
    try:
        parsed = Parsed.parse(line)
    except (ValueError, IndexError) as exc:
        raise AllowedSignersUnreadable(f"{where} is not an allowed_signers line ({visible(str(exc))[:200]})") from None
    options = {name.lower(): value for name, value in (parsed.options or {}).items()}
    if "cert-authority" in options:
        notes.append(
            f"{where}: cert-authority (certificate signers) is not supported; line skipped: list the key itself"
        )
        return None
    try:
        key = PublicKey.from_openssh_str(f"{parsed.key_type} {parsed.base64_key}")
    except NotImplementedError:
        notes.append(
            f"{where}: {visible(parsed.key_type)[:60]} keys are not supported (ed25519 and RSA are); line skipped"
        )
        return None
    except (ValueError, TypeError) as exc:
        raise AllowedSignersUnreadable(f"{where}: the public key is not valid ({visible(str(exc))[:200]})") from None
    return AllowedSigner(
        line=number,
        principals=parsed.principals,
        key=key,
        namespaces=options.get("namespaces"),
        valid_after=_time(options.get("valid-after"), where, "valid-after"),
        valid_before=_time(options.get("valid-before"), where, "valid-before"),
    )


_TIME = re.compile(r"^(\d{8})(\d{4}(\d{2})?)?(Z|z)?$")


def _time(value: str | None, where: str, option: str) -> datetime | None:
    """ssh-keygen's absolute times: YYYYMMDD[HHMM[SS]], UTC with a trailing Z, else local time."""
    if value is None:
        return None
    match = _TIME.match(value.strip())
    if not match:
        raise AllowedSignersUnreadable(f"{where}: {option}={value!r} is not a time like 20261231 or 202612311200Z")
    digits = match.group(1) + (match.group(2) or "0000")
    digits += "" if match.group(3) else "00"
    try:
        moment = datetime.strptime(digits, "%Y%m%d%H%M%S")
    except ValueError:
        raise AllowedSignersUnreadable(f"{where}: {option}={value!r} is not a real date") from None
    return moment.replace(tzinfo=UTC) if match.group(4) else moment.astimezone()


def matches(name: str, patterns: str) -> bool:
    """OpenSSH's match_pattern_list: any negated pattern matching refuses, else any plain one accepts."""
    accepted = False
    for pattern in patterns.split(","):
        negated = pattern.startswith("!")
        if _glob(pattern[1:] if negated else pattern).fullmatch(name):
            if negated:
                return False
            accepted = True
    return accepted


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern), re.DOTALL
    )
