"""`verify` starts fast: an unsigned session loads neither sshsig nor cryptography,
and a signed one (checked against allowed_signers) still loads no Textual."""

from __future__ import annotations

import subprocess
import sys

from launch_tui.commands import sign
from tests.sshkeys import needs_ssh_keygen, recorded_session, write_allowed

pytestmark = needs_ssh_keygen


PROBE = (
    "import sys; from launch_tui.cli import main; code = main(['verify', *sys.argv[1:]]);"
    "loaded = {name.split('.')[0] for name in sys.modules};"
    "print('LOADED', sorted(loaded & {'textual', 'sshsig', 'cryptography'}));"
    "sys.exit(code)"
)


def loaded_by_verify(*args: str) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout.splitlines()[-1]


def test_unsigned_verify_loads_no_signature_code(tmp_path, target):
    path = recorded_session(tmp_path / "sessions", target)
    assert loaded_by_verify(str(path)) == (0, "LOADED []")


def test_signed_verify_loads_sshsig_but_no_textual(tmp_path, target, keys):
    path = recorded_session(tmp_path / "sessions", target)
    assert sign.run(path, "alice", str(keys["ed25519"].path)) == 0
    allowed = write_allowed(tmp_path, keys["ed25519"].allowed("alice"))
    assert loaded_by_verify(str(path), "--allowed-signers", str(allowed)) == (0, "LOADED ['cryptography', 'sshsig']")
