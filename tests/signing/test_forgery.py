"""What a forger with a text editor and the standard library can do to a signed
session, and what `verify --allowed-signers` says of it. Every verdict is checked
against `ssh-keygen -Y verify` on the same signature, principal and message."""

from __future__ import annotations

import subprocess
import tomllib
from datetime import UTC, datetime, timedelta

import pytest

from launch_tui.cli import main
from launch_tui.commands import sign
from launch_tui.session import EventKind, NewEvent, SessionWriter, read_session, verify_chain
from launch_tui.session.chain import event_hash, header_hash
from launch_tui.signing.allowed import load_allowed_signers
from launch_tui.signing.check import check_signatures, signature_events
from launch_tui.signing.record import signature_event
from launch_tui.signing.sign import SigningKey, describe, sign_head
from tests.session.tampering import join, parse, sealed, split
from tests.sshkeys import needs_ssh_keygen, recorded_session, ssh_keygen_verify, write_allowed

pytestmark = needs_ssh_keygen


def reseal(path, change) -> None:
    """Rewrite every event after `change(documents)`, recomputing seq, prev and seals:
    what `verify` alone calls intact."""
    header, texts = split(path.read_bytes())
    documents = change([parse(text) for text in texts])
    prev = header_hash(tomllib.loads(header.decode()))
    out = []
    for seq, document in enumerate(documents, start=1):
        body = {key: value for key, value in document.items() if key != "seal"} | {"seq": seq, "prev": prev}
        out.append(sealed(body))
        prev = event_hash(body)
    path.write_bytes(join(header, out))


@pytest.fixture
def signed(tmp_path, target, keys):
    path = recorded_session(tmp_path / "sessions", target)
    assert sign.run(path, "alice", str(keys["ed25519"].path)) == 0
    return path


@pytest.fixture
def allowed(tmp_path, keys):
    return write_allowed(tmp_path, keys["ed25519"].allowed("alice"))


def verify(path, allowed, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify", str(path), "--allowed-signers", str(allowed)])
    return code, capsys.readouterr().out


def cross_check(path, allowed, tmp_path) -> list[bool]:
    """ssh-keygen's verdict on each signature event as the file now holds it."""
    return [
        ssh_keygen_verify(
            allowed, event.data["principal"], event.data["covers_hash"], event.data["signature"], tmp_path
        )
        for _, event in signature_events(read_session(path).events)
    ]


def ours(path, allowed) -> list[bool]:
    return [check.good for check in check_signatures(read_session(path), load_allowed_signers(allowed)).signatures]


def test_an_edited_and_resealed_file_no_longer_holds_the_signed_head(signed, allowed, tmp_path, capsys):
    def edit(events):
        events[2]["note"] = "all good, launch"  # was "note 1"
        events[2]["actor"] = "bob"
        return events

    reseal(signed, edit)
    assert verify_chain(read_session(signed)).intact  # the chain alone is fooled
    code, out = verify(signed, allowed, capsys)
    assert code == 1
    assert "intact" in out and "INVALID" in out and "edited and re-sealed after this signature" in out
    assert "NOT VERIFIED: 1 of 1 signature(s)" in out


def test_a_forger_who_also_rewrites_the_signed_hash_has_a_signature_that_does_not_match(
    signed, allowed, tmp_path, capsys
):
    def edit(events):
        events[2]["note"] = "all good, launch"
        return events

    reseal(signed, edit)
    new_head = read_session(signed).events[3].hash

    def retarget(events):
        events[-1]["data"]["covers_hash"] = new_head
        return events

    reseal(signed, retarget)
    code, out = verify(signed, allowed, capsys)
    assert code == 1 and "the signature does not match event #4's hash" in out
    assert cross_check(signed, allowed, tmp_path) == ours(signed, allowed) == [False]


def test_dropping_the_signature_events_leaves_no_allowed_signature(signed, allowed, capsys):
    reseal(signed, lambda events: [event for event in events if event["kind"] != EventKind.SESSION_SIGNED.value])
    assert verify_chain(read_session(signed)).intact
    code, out = verify(signed, allowed, capsys)
    assert code == 1 and "UNSIGNED: no signature in this session" in out and "NOT SIGNED" in out


def test_a_signature_by_another_key_in_the_signers_name_is_not_allowed(signed, allowed, keys, tmp_path, capsys):
    assert sign.run(signed, "alice", str(keys["mallory"].path)) == 0  # mallory signs, calling herself alice
    code, out = verify(signed, allowed, capsys)
    assert code == 1 and "NOT ALLOWED: its key is not in allowed_signers" in out
    assert cross_check(signed, allowed, tmp_path) == ours(signed, allowed) == [True, False]


def test_a_signer_missing_from_allowed_signers_fails(signed, keys, tmp_path, capsys):
    only_bob = write_allowed(tmp_path, keys["rsa"].allowed("bob"))
    code, out = verify(signed, only_bob, capsys)
    assert code == 1 and "NOT ALLOWED" in out
    assert cross_check(signed, only_bob, tmp_path) == ours(signed, only_bob) == [False]


def test_the_key_allowed_for_another_principal_only_fails(signed, keys, tmp_path, capsys):
    for_bob = write_allowed(tmp_path, keys["ed25519"].allowed("bob,carol*"))
    code, out = verify(signed, for_bob, capsys)
    assert code == 1 and "not for the principal 'alice'" in out
    assert cross_check(signed, for_bob, tmp_path) == ours(signed, for_bob) == [False]


@pytest.mark.parametrize(
    ("principals", "good"),
    [
        ("alice", True),
        ("*", True),
        ("al?ce", True),
        ("bob,alice", True),
        ("a*,!alice", False),
        ("!alice,*", False),
        ("alic", False),
    ],
)
def test_principal_patterns_match_as_ssh_keygen_matches_them(signed, keys, tmp_path, principals, good):
    patterns = write_allowed(tmp_path, keys["ed25519"].allowed(principals))
    assert cross_check(signed, patterns, tmp_path) == ours(signed, patterns) == [good]


def test_a_signature_made_for_another_namespace_is_invalid(tmp_path, target, keys, allowed, capsys):
    path = recorded_session(tmp_path / "sessions", target)
    with SessionWriter.open(path, "alice") as writer:
        head = writer.events[-1]
        made = subprocess.run(
            ["ssh-keygen", "-Y", "sign", "-n", "git", "-f", str(keys["ed25519"].path)],
            input=head.hash.encode(),
            capture_output=True,
            check=True,
        )
        writer.append(signature_event(describe(made.stdout.decode()), "alice", head, "quit"))
    code, out = verify(path, allowed, capsys)
    assert code == 1 and "made for the namespace 'git', not 'launch-tui'" in out
    assert cross_check(path, allowed, tmp_path) == ours(path, allowed) == [False]


@pytest.mark.parametrize(
    ("option", "good"),
    [
        ('valid-before="20200101"', False),  # revoked (expired) since
        ('valid-before="20200101Z"', False),
        ('valid-after="29991231"', False),  # not yet valid
        ('valid-after="20200101",valid-before="29991231235959Z"', True),
        ('namespaces="git"', False),
        ('namespaces="git,launch-*"', True),
    ],
)
def test_options_revoke_expire_and_restrict_a_key_as_in_ssh_keygen(signed, keys, tmp_path, capsys, option, good):
    restricted = write_allowed(tmp_path, keys["ed25519"].allowed("alice", option))
    code, out = verify(signed, restricted, capsys)
    assert code == (0 if good else 1), out
    assert cross_check(signed, restricted, tmp_path) == ours(signed, restricted) == [good]


def test_a_revoked_key_fails_even_for_signatures_made_before(signed, keys, tmp_path, capsys):
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y%m%d%H%M%SZ")
    revoked = write_allowed(tmp_path, keys["ed25519"].allowed("alice", f'valid-before="{yesterday}"'))
    code, out = verify(signed, revoked, capsys)
    assert code == 1 and "expired (or was revoked)" in out


def test_each_signature_covers_the_events_since_the_one_before(signed, keys, tmp_path, capsys):
    with SessionWriter.open(signed, "bob") as writer:
        writer.append(NewEvent(kind=EventKind.NOTE_ADDED, item="infra.health", note="bob's note"))
    assert sign.run(signed, "bob", str(keys["rsa"].path)) == 0
    both = write_allowed(tmp_path, keys["ed25519"].allowed("alice"), keys["rsa"].allowed("bob"))
    code, out = verify(signed, both, capsys)
    assert code == 0
    assert "signed by alice (ED25519" in out and "events #1–#4: good, allowed" in out
    assert "signed by bob (RSA" in out and "events #5–#6: good, allowed" in out
    assert "SIGNED: events #1–#6 by alice, bob" in out
    assert cross_check(signed, both, tmp_path) == ours(signed, both) == [True, True]


def test_cert_authority_lines_are_refused_with_a_note(signed, keys, tmp_path, capsys):
    lines = write_allowed(tmp_path, keys["rsa"].allowed("*", "cert-authority"), keys["ed25519"].allowed("alice"))
    capsys.readouterr()
    assert main(["verify", str(signed), "--allowed-signers", str(lines)]) == 0
    assert "line 1: cert-authority (certificate signers) is not supported; line skipped" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content", [None, "alice not-a-key\n", 'alice valid-before="soon" ssh-ed25519 AAAA\n', "\xff\n"]
)
def test_an_unreadable_allowed_signers_file_exits_2(signed, tmp_path, capsys, content):
    path = tmp_path / "allowed_signers"
    if content is not None:
        path.write_bytes(content.encode("latin-1"))
    capsys.readouterr()
    assert main(["verify", str(signed), "--allowed-signers", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("launch-tui: ") and len(err.strip().splitlines()) == 1


def test_a_damaged_signature_is_invalid_not_a_traceback(signed, allowed, capsys):
    def damage(events):
        events[-1]["data"]["signature"] = (
            "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ==\n-----END SSH SIGNATURE-----\n"
        )
        return events

    reseal(signed, damage)
    code, out = verify(signed, allowed, capsys)
    assert code == 1 and "INVALID" in out


def test_signing_in_python_and_the_same_head_in_ssh_keygen_agree_on_the_message(signed, keys, tmp_path):
    head = read_session(signed).events[-1].hash
    signature = sign_head(SigningKey(str(keys["rsa"].path)), head)
    allowed = write_allowed(tmp_path, keys["rsa"].allowed("bob"))
    assert ssh_keygen_verify(allowed, "bob", head, signature.armored, tmp_path)
    assert not ssh_keygen_verify(
        allowed, "bob", head + "\n", signature.armored, tmp_path
    )  # exactly the hash, no newline


def test_recorded_signature_fields_are_shown_never_obeyed(tmp_path, target, keys, capsys):
    from launch_tui.report.decision import build_record
    from launch_tui.report.decision_markdown import render_markdown
    from launch_tui.session import open_read_only

    path = recorded_session(tmp_path / "sessions", target)
    hostile = "\x1b]0;owned\x07al\u202eice"
    assert sign.run(path, hostile, str(keys["ed25519"].path)) == 0
    allowed = write_allowed(tmp_path, keys["ed25519"].allowed("*"))
    code, out = verify(path, allowed, capsys)
    assert code == 0
    markdown = render_markdown(build_record(open_read_only(path)))
    for shown in (out, markdown):
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert "\u241b" in shown and "owned\u2407al\u27e8U+202E\u27e9ice" in shown  # stand-ins instead


def ssh_keygen_with_revoked(allowed, revoked, event, folder) -> bool:
    signature = folder / "revoked-check.sig"
    signature.write_text(event.data["signature"])
    command = ["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", "alice", "-n", "launch-tui"]
    command += ["-r", str(revoked), "-s", str(signature)]
    done = subprocess.run(command, input=event.data["covers_hash"].encode(), capture_output=True, check=False)
    return done.returncode == 0


def test_a_key_in_a_revoked_keys_file_no_longer_signs(signed, keys, allowed, tmp_path, capsys):
    [(_, event)] = signature_events(read_session(signed).events)
    revoked = tmp_path / "revoked_keys"
    revoked.write_text(f"# stolen laptop\n{keys['mallory'].public_text}\n{keys['ed25519'].public_text}\n")
    capsys.readouterr()
    assert main(["verify", str(signed), "--allowed-signers", str(allowed), "--revoked-keys", str(revoked)]) == 1
    assert "its key is revoked (listed in revoked_keys)" in capsys.readouterr().out
    assert not ssh_keygen_with_revoked(allowed, revoked, event, tmp_path)  # ssh-keygen -r says the same

    revoked.write_text(keys["mallory"].public_text + "\n")  # another key revoked: alice's still signs
    assert main(["verify", str(signed), "--allowed-signers", str(allowed), "--revoked-keys", str(revoked)]) == 0
    assert ssh_keygen_with_revoked(allowed, revoked, event, tmp_path)


def test_a_revoked_keys_file_that_is_a_krl_or_not_keys_exits_2(signed, allowed, tmp_path, capsys):
    revoked = tmp_path / "revoked"
    for content in (b"SSHKRL\n\0rest", b"not a key\n"):
        revoked.write_bytes(content)
        capsys.readouterr()
        assert main(["verify", str(signed), "--allowed-signers", str(allowed), "--revoked-keys", str(revoked)]) == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert main(["verify", str(signed), "--revoked-keys", str(revoked)]) == 2


def test_an_edit_under_a_signed_head_without_resealing_fails_the_signature_too(signed, allowed, capsys):
    signed.write_bytes(signed.read_bytes().replace(b'note = "note 1"', b'note = "note X"'))
    code, out = verify(signed, allowed, capsys)
    assert code == 1 and out.startswith(f"{signed.name}: ALTERED")
    assert "INVALID: event #3, which it covers, was edited after it was signed" in out and "SIGNED:" not in out
