"""Two operators on one session: the second writer is refused, naming the first."""

import subprocess
import sys
import textwrap

import pytest

from launch_tui.session import LiveSession, SessionLocked, open_read_only

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from launch_tui.session import LiveSession
    session = LiveSession.resume(Path(sys.argv[1]), "bob")
    print("locked", flush=True)
    sys.stdin.readline()
    session.close()
    """
)

TRY = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from launch_tui.errors import LaunchError
    from launch_tui.session import LiveSession
    try:
        LiveSession.resume(Path(sys.argv[1]), "carol").close()
    except LaunchError as exc:
        print(exc)
        sys.exit(exc.exit_code)
    print("opened")
    """
)


@pytest.fixture
def session_path(live):
    live.close()
    return live.path


def test_a_second_process_is_refused_with_the_holder_named(session_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(session_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        second = subprocess.run(
            [sys.executable, "-c", TRY, str(session_path)], capture_output=True, text=True, timeout=60
        )
        assert second.returncode == 2
        assert f"pid {holder.pid}" in second.stdout and "operator bob" in second.stdout
        assert open_read_only(session_path).verdict.intact  # reading takes no lock
    finally:
        holder.communicate("\n", timeout=60)
    after = subprocess.run([sys.executable, "-c", TRY, str(session_path)], capture_output=True, text=True, timeout=60)
    assert after.stdout.strip() == "opened"


def test_a_killed_holder_leaves_no_stale_lock(session_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(session_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.wait(timeout=60)
    LiveSession.resume(session_path, "carol").close()


def test_the_same_process_cannot_open_twice(session_path):
    with LiveSession.resume(session_path, "bob"), pytest.raises(SessionLocked):
        LiveSession.resume(session_path, "carol")
