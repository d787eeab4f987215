"""Making a signature: `ssh-keygen -Y sign -n launch-tui -f KEY`, the message on its
standard input, the armored signature on its standard output. ssh-keygen finds the
private half itself (the key file, or ssh-agent for a public key), so launch-tui
handles no private key material at all.

What is signed is the chain head's hash as text (`sha256:<64 hex>`, no newline): the
hash of the last event, which covers every event before it and the header."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from launch_tui.errors import LaunchError
from launch_tui.safe_text import visible
from launch_tui.signing import ENV_VAR, NAMESPACE, configured_spec

TIMEOUT_S = 60.0  # a hardware key waiting for a touch; never forever
_NOISE = "Signing data on standard input"
_PROMPT = re.compile(r"^Enter passphrase[^:]*:\s*")  # the prompt ends with no newline: the reason follows it


class SigningFailed(LaunchError):
    """No signature was made; nothing was recorded (exit code 1)."""

    exit_code = 1


@dataclass(frozen=True)
class SigningKey:
    """Like git's user.signingkey: a path to a private or public key file, or a public
    key itself (`ssh-ed25519 AAAA…`, optionally `key::`-prefixed) held by ssh-agent."""

    spec: str

    @classmethod
    def configured(cls, flag: str | None = None, env: Mapping[str, str] | None = None) -> SigningKey | None:
        spec = configured_spec(flag, env)
        return cls(spec) if spec else None

    @property
    def literal(self) -> str | None:
        """The public key text when the spec is a key rather than a path."""
        text = self.spec.removeprefix("key::").strip()
        return text if text.startswith(("ssh-", "ecdsa-", "sk-")) else None

    @property
    def shown(self) -> str:
        literal = self.literal
        return f"the public key {literal.split()[0]} …" if literal else str(Path(self.spec).expanduser())


@dataclass(frozen=True)
class Signature:
    armored: str
    key_type: str  # as ssh-keygen names it: ED25519, RSA, ECDSA…
    fingerprint: str  # SHA256:… as `ssh-keygen -l` prints it


def head_message(head_hash: str) -> bytes:
    return head_hash.encode("ascii")


def sign_head(key: SigningKey, head_hash: str, *, interactive: bool = False) -> Signature:
    """Sign `head_hash`. `interactive`: ssh-keygen may ask for a passphrase on the
    terminal (the `sign` command); otherwise it runs detached from any terminal, so a
    locked key fails at once instead of writing a prompt over the TUI."""
    literal = key.literal
    if literal is None:
        return _run(key, Path(key.spec).expanduser(), head_hash, interactive)
    with tempfile.TemporaryDirectory(prefix="launch-tui-sign-") as folder:
        public = Path(folder) / "signing-key.pub"  # a public key: nothing secret is written
        public.write_text(literal + "\n", encoding="ascii")
        return _run(key, public, head_hash, interactive)


def _run(key: SigningKey, path: Path, head_hash: str, interactive: bool) -> Signature:
    if not path.is_file():
        raise SigningFailed(f"{ENV_VAR}: {key.shown}: no such key file")
    command = ["ssh-keygen", "-Y", "sign", "-n", NAMESPACE, "-f", str(path)]
    try:
        done = subprocess.run(
            command,
            input=head_message(head_hash),
            capture_output=True,
            timeout=TIMEOUT_S,
            start_new_session=not interactive,  # no controlling terminal: no passphrase prompt
            check=False,
        )
    except FileNotFoundError:
        raise SigningFailed(
            "ssh-keygen is not installed: signing needs OpenSSH's ssh-keygen (verify does not)"
        ) from None
    except subprocess.TimeoutExpired:
        raise SigningFailed(
            f"ssh-keygen did not sign within {TIMEOUT_S:.0f} s (a hardware key waiting for a touch?)"
        ) from None
    if done.returncode != 0:
        raise SigningFailed(f"ssh-keygen could not sign with {key.shown}: {_reason(done.stderr)}")
    armored = done.stdout.decode("ascii", errors="replace").strip() + "\n"
    try:
        return describe(armored)
    except (ValueError, UnicodeError):
        raise SigningFailed("ssh-keygen wrote something that is not an SSH signature") from None


def _reason(stderr: bytes) -> str:
    lines = [_PROMPT.sub("", line.strip()) for line in stderr.decode("utf-8", errors="replace").splitlines()]
    useful = [line for line in lines if line and not line.startswith(_NOISE)]
    reason = visible(useful[-1] if useful else "it gave no reason")[:300]
    if "passphrase" in reason:
        reason += " (add the key to ssh-agent with ssh-add, then sign again)"
    elif "agent" in reason.lower():
        reason += " (start ssh-agent and ssh-add the key, or point LAUNCH_SIGNING_KEY at the key file)"
    return reason


def describe(armored: str) -> Signature:
    """Key type and fingerprint of the key an armored SSHSIG signature was made with."""
    # Only when a signature is described (see signing/__init__.py).
    from sshsig.binary_io import SshReader
    from sshsig.sshsig import SshsigSignature

    blob = SshsigSignature.from_armored(armored).public_key
    algorithm = SshReader.from_bytes(blob).read_string().decode("ascii", errors="replace")
    return Signature(armored, key_type_name(algorithm), fingerprint(blob))


def fingerprint(public_blob: bytes) -> str:
    return "SHA256:" + base64.b64encode(hashlib.sha256(public_blob).digest()).decode("ascii").rstrip("=")


def key_type_name(algorithm: str) -> str:
    """ssh-keygen's short name: ssh-ed25519 -> ED25519, ssh-rsa -> RSA."""
    for prefix, name in (
        ("ssh-ed25519", "ED25519"),
        ("ssh-rsa", "RSA"),
        ("ecdsa-", "ECDSA"),
        ("sk-ssh-ed25519", "ED25519-SK"),
        ("sk-ecdsa", "ECDSA-SK"),
    ):
        if algorithm.startswith(prefix):
            return name
    return algorithm.upper()
