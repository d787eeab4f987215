"""SSH signatures over a session's chain head, the way git signs commits with
`gpg.format = ssh`: made by `ssh-keygen -Y sign` with the operator's own key (a key
file, or a key held by ssh-agent), checked in pure Python against an OpenSSH
`allowed_signers` file. launch-tui never reads or copies a private key.

sshsig and cryptography load only when a signature is checked: `verify` of an
unsigned session pays for neither."""

NAMESPACE = "launch-tui"  # ssh-keygen's -n: a signature made for git (or anything else) is not one of ours
SIGNED_KIND = "session.signed"
