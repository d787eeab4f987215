"""SSH signatures over a session's chain head, the way git signs commits with
`gpg.format = ssh`: made by `ssh-keygen -Y sign` with the operator's own key (a key
file, or a key held by ssh-agent), checked in pure Python against an OpenSSH
`allowed_signers` file. launch-tui never reads or copies a private key.

sshsig and cryptography load only when a signature is checked: `verify` of an
unsigned session pays for neither."""

import os
from collections.abc import Mapping

ENV_VAR = "LAUNCH_SIGNING_KEY"
NAMESPACE = "launch-tui"  # ssh-keygen's -n: a signature made for git (or anything else) is not one of ours
SIGNED_KIND = "session.signed"


def configured_spec(flag: str | None = None, env: Mapping[str, str] | None = None) -> str | None:
    """The signing key asked for (the flag, else $LAUNCH_SIGNING_KEY), or None. Here, not in
    sign.py, so that a start without a key does not import the signer (tempfile, hashlib)."""
    value = flag if flag is not None else (os.environ if env is None else env).get(ENV_VAR, "")
    return value.strip() or None
