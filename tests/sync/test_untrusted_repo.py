"""A sessions folder is untrusted input: git runs there without its hooks, without a
pager or a prompt, with the operator's name as identity whatever the repo configures."""

from __future__ import annotations

import stat

from .gitworld import Machine, bare_remote, clone, git, remote_copy


def test_hooks_and_the_repos_own_config_are_ignored(tmp_path):
    remote = bare_remote(tmp_path / "remote.git")
    folder = clone(remote, tmp_path / "a")
    tripped = tmp_path / "tripped"
    hooks = tmp_path / "evil-hooks"
    for where in (folder / ".git" / "hooks", hooks):
        where.mkdir(exist_ok=True)
        for name in ("pre-push", "reference-transaction", "post-checkout", "pre-commit", "post-commit", "fsmonitor"):
            hook = where / name
            hook.write_text(f"#!/bin/sh\necho {name} >> {tripped}\n")
            hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    git("config", "core.hooksPath", str(hooks), cwd=folder)
    git("config", "core.fsmonitor", str(hooks / "fsmonitor"), cwd=folder)
    git("config", "user.name", "Mallory", cwd=folder)
    alice = Machine(folder, "alice")
    path = alice.start("acme-launch")
    alice.note("hello")
    alice.push()
    alice.quit()
    assert not tripped.exists()
    author = git("--git-dir", str(remote), "log", "-1", "--format=%an <%ae>", "main")
    assert author.strip() == "alice <alice@launch-tui.invalid>"
    assert remote_copy(remote, path.name) == path.read_bytes()
