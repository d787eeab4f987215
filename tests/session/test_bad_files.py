"""Bad session files: one line, exit code 2, and the file byte-for-byte untouched."""

import pytest

from launch_tui.cli import main
from launch_tui.session import LiveSession, SessionUnreadable, read_session

from .conftest import health_result


@pytest.fixture
def good(live):
    live.record(health_result())
    live.close()
    return live.path


BREAKERS = {
    "not toml": lambda raw: b"this is = = not toml\n" + raw,
    "unknown schema": lambda raw: raw.replace(b"schema_version = 1", b"schema_version = 99", 1),
    "no schema": lambda raw: raw.replace(b"schema_version = 1\n", b"", 1),
    "binary": lambda raw: b"\x00\xff\xfe" * 50,
    "empty": lambda raw: b"",
    "bad header type": lambda raw: raw.replace(b'environment = "production"', b"environment = 7", 1),
    "middle event broken": lambda raw: raw.replace(b"seq = 2\n", b"seq = = 2\n", 1),
    "event wrong type": lambda raw: raw.replace(b"seq = 2\n", b'seq = "two"\n', 1),
    "unknown kind": lambda raw: raw.replace(b'kind = "check.result"', b'kind = "check.teleported"', 1),
}


@pytest.mark.parametrize("name", BREAKERS)
def test_bad_files_give_one_line_exit_2_and_stay_untouched(good, name, capsys):
    broken = BREAKERS[name](good.read_bytes())
    assert broken != good.read_bytes()
    good.write_bytes(broken)
    with pytest.raises(SessionUnreadable) as caught:
        read_session(good)
    assert "\n" not in str(caught.value)
    for command in (["verify", str(good)], ["sessions", "--sessions-dir", str(good.parent)]):
        code = main(command)
        assert good.read_bytes() == broken
        if command[0] == "verify":
            assert code == 2
    with pytest.raises(SessionUnreadable):
        LiveSession.resume(good, "bob")
    assert good.read_bytes() == broken
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1


def test_a_missing_file_is_one_line(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "nope.toml")]) == 2
    assert "no such session file" in capsys.readouterr().err
