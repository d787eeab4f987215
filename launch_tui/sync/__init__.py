"""A sessions folder shared through git: fetch before opening, a claim per session on
the remote (one writer across machines), commits at checkpoints pushed in the
background, and forks caught by comparing hash chains, never merged.

Textual-free. `git.py` runs git safely, `claims.py` names who writes a session,
`forks.py` compares two copies of a session, `remote.py` puts them together and
`worker.py` is what a running wizard uses."""
